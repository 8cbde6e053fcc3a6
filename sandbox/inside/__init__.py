"""The programs that run inside a sandbox, apart from the host code that starts them.

- zygote.py: the bwrap warm path's zygote, copied into its sandbox as /job/zygote.py; it imports
  NumPy and torch once and forks one isolated child per job (host side: sandbox/warm/pool.py).
- warm_server.py: the first process of a pre-warmed Docker container, passed as `python -c` text;
  it imports the same libraries and runs one job (host side: sandbox/backends/docker/warm.py).
- gpu_probe.py: run once in a GPU sandbox when a GPU worker starts; reports whether torch sees
  the device it was given (host side: sandbox/probe.py).

All are self-contained (the probe imports torch, the others the stdlib only): inside the sandbox
nothing else of this package exists. The host never runs them; it reads their text from the
paths below and imports their wire constants (the ready line, the Python flags they accept) so
that each is defined once.
"""

from pathlib import Path

ZYGOTE = Path(__file__).with_name("zygote.py")
WARM_SERVER = Path(__file__).with_name("warm_server.py")
GPU_PROBE = Path(__file__).with_name("gpu_probe.py")
