"""The warm path: forks of a zygote that imported NumPy and torch, one isolated child per job."""

import os
import signal

from django.conf import settings

from sandbox.backends.bwrap import BwrapSandbox
from sandbox.jobs import Job, Limits


def run(sandbox: BwrapSandbox, code: str, **limits: object):
    return sandbox.run(Job(command=("python", "-c", code), limits=Limits(**limits)))  # type: ignore[arg-type]


def test_cpu_python_jobs_take_the_warm_path(bwrap: BwrapSandbox) -> None:
    job = Job(command=("python", "-c", "pass"))
    assert bwrap.uses_warm_path(job)
    assert not bwrap.uses_warm_path(Job(command=("python", "-c", "pass"), limits=Limits(gpus=1)))
    result = run(
        bwrap, "import os, sys; print(os.getpid(), 'torch' in sys.modules, os.listdir('/proc'))"
    )
    assert result.stdout == b"1 True ['cpuinfo']\n"


def test_no_job_inherits_another_jobs_code_or_data(bwrap: BwrapSandbox) -> None:
    secret = "secret-" + os.urandom(8).hex()
    first = run(
        bwrap, f"value = {secret!r}\nopen('/tmp/keep', 'w').write(value)\nprint(len(value))"
    )
    assert first.exit_code == 0
    needle = secret[:7] + "' + '" + secret[7:]  # the second job's own code must not contain it
    second = run(
        bwrap,
        "import gc, os, sys\n"
        f"needle = '{needle}'\n"
        "found = [o for o in gc.get_objects() if isinstance(o, str) and needle in o]\n"
        "found += [m for m in sys.modules if needle in m]\n"
        "print(len(found), os.listdir('/tmp'), os.listdir('/job'))\n",
    )
    assert second.stdout == b"0 [] []\n"


def test_the_zygote_is_restarted_if_it_dies(bwrap: BwrapSandbox) -> None:
    assert run(bwrap, "print(1)").stdout == b"1\n"
    zygote = bwrap.warm_pool.zygote
    assert zygote is not None
    os.kill(zygote.process.pid, signal.SIGKILL)
    zygote.process.wait()
    assert run(bwrap, "print(2)").stdout == b"2\n"


def test_the_cold_path_still_works() -> None:
    cold = BwrapSandbox(python=settings.SANDBOX_PYTHON, warm=False)
    job = Job(command=("python", "-c", "import os; print(os.getuid())"))
    assert not cold.uses_warm_path(job)
    assert cold.run(job).stdout == b"65534\n"
