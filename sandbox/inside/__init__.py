"""The programs that run inside a sandbox, apart from the host code that starts them.

- zygote.py: the bwrap warm path's zygote, copied into its sandbox as /job/zygote.py; it imports
  NumPy and torch once and forks one isolated child per job (host side: sandbox/warm/pool.py).
- warm_server.py: the first process of a pre-warmed Docker container, passed as `python -c` text;
  it imports the same libraries and runs one job (host side: sandbox/backends/docker/warm.py).

Both are stdlib-only and self-contained: inside the sandbox nothing else of this package exists.
The host never runs them; it reads their text from the paths below and imports their wire
constants (the ready line, the Python flags they accept) so that each is defined once.
"""

from pathlib import Path

ZYGOTE = Path(__file__).with_name("zygote.py")
WARM_SERVER = Path(__file__).with_name("warm_server.py")
