"""The Celery application shared by the web process (to queue) and the workers (to run)."""

import logging
import os

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def prewarm_sandbox(**_: object) -> None:
    """Each worker process starts its warm sandbox before it takes a task."""
    from sandbox import get_sandbox

    sandbox = get_sandbox()
    prewarm = getattr(sandbox, "prewarm", None)
    if prewarm is not None:
        try:
            prewarm()
        except Exception:  # a cold start later still works; the error is logged there
            logging.getLogger(__name__).exception("could not prewarm the sandbox")


@worker_process_shutdown.connect
def close_sandbox(**_: object) -> None:
    """A prefork child leaves without running exit handlers: stop its warm sandbox here, so its
    zygote, cgroup and job directory do not outlive it."""
    from sandbox import get_sandbox

    try:
        get_sandbox().close()
    except Exception:  # shutting down: log and go on
        logging.getLogger(__name__).exception("could not close the sandbox")
