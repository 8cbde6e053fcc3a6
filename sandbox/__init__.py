"""Running untrusted code: a `Job` in, a `JobResult` out.

This package knows nothing of courses, exercises or learners, and imports nothing from the other
apps. `get_sandbox()` returns the backend chosen by the `SANDBOX_BACKEND` setting.
"""

from sandbox.jobs import Job, JobResult, Limits, SandboxError
from sandbox.runner import RunningJob, Sandbox, get_sandbox

__all__ = ["Job", "JobResult", "Limits", "RunningJob", "Sandbox", "SandboxError", "get_sandbox"]
