"""Running untrusted code: a `Job` in, a `JobResult` out.

This package knows nothing of courses, exercises or learners, and imports nothing from the other
apps. `get_sandbox()` returns the backend chosen by the `SANDBOX_BACKEND` setting.

Floors, each importing only those below it: jobs.py (the vocabulary) < base.py (the interfaces
and the helpers backends share), cgroups.py, gpus.py < warm/ (the bwrap zygote's host side) <
backends/ < factory.py (get_sandbox). inside/ holds the programs that run inside a sandbox; the
host only reads them as files.
"""

from sandbox.base import RunningJob, Sandbox
from sandbox.factory import get_sandbox
from sandbox.jobs import Job, JobResult, Limits, SandboxError

__all__ = ["Job", "JobResult", "Limits", "RunningJob", "Sandbox", "SandboxError", "get_sandbox"]
