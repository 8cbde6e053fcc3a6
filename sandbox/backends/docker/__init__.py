"""The Docker backend (see sandbox.py for what a job's container is like):

- arguments.py: what the daemon is asked for (the container's limits, isolation, environment);
- container.py: one started container, its attach socket split into pipes;
- daemon.py: connecting, removing containers and the per-job parent cgroups;
- warm.py: the warm path (pre-started containers with NumPy and torch imported);
- sandbox.py: `DockerSandbox` and its running job, tying these together.
"""

from sandbox.backends.docker.sandbox import DockerRunningJob, DockerSandbox
from sandbox.backends.docker.warm import waiting_container_ids

__all__ = ["DockerRunningJob", "DockerSandbox", "waiting_container_ids"]
