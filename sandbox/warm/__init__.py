"""The warm path of the bubblewrap backend: a zygote that has imported NumPy and torch forks one
single-use child per job (see zygote.py for what runs inside the sandbox, pool.py for the host)."""
