"""The worker settings the fault run depends on, read from the Celery app the workers use."""

from __future__ import annotations


def test_a_replacement_pool_process_has_time_to_prewarm_its_sandbox() -> None:
    from config.celery import app

    # The prewarm (a zygote importing NumPy and torch) takes seconds on a loaded host; under
    # Celery's 4 s default the replacement of a killed pool process was killed in turn.
    assert app.conf.worker_proc_alive_timeout == 60.0
