"""A database that drops out under a worker (a restart, a failover) is an infrastructure error
that the task retries, and the retry may take over the run its own earlier try had claimed: the
run is graded once, not left 'running' for the watchdog. The database is the real one, reached
for these tests through a small TCP relay that refuses its first connection."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from grading import execution, queueing, services
from grading.models import GradingRun
from grading.tasks import grade_run
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import SOFTMAX_SOLUTION

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        target.close()


class RefuseFirstConnection:
    """Listens on a free loopback port; drops the first connection, relays the others."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self.accepted == 1:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def blip(transactional_db) -> Iterator[RefuseFirstConnection]:
    saved = dict(connection.settings_dict)
    relay = RefuseFirstConnection(saved["HOST"] or "127.0.0.1", int(saved["PORT"] or 5432))
    yield relay
    connection.close()
    connection.settings_dict.update(HOST=saved["HOST"], PORT=saved["PORT"])
    relay.close()


@pytest.fixture
def run(transactional_db, tmp_path, monkeypatch) -> GradingRun:
    monkeypatch.setattr("grading.tasks.retry_countdown", lambda retries: 0)
    exercise = make_exercise(tmp_path)
    user = get_user_model().objects.create_user("blip", password="a-long-password-1")
    monkeypatch.setattr(queueing, "enqueue", lambda run: None)  # the task is applied below
    submission = services.submission_create(user=user, exercise=exercise, code={"answer": RIGHT})
    return GradingRun.objects.get(submission=submission)


def test_a_database_connection_lost_at_the_claim_is_retried_and_graded(run, blip) -> None:
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(blip.port))

    result = grade_run.apply(args=(run.pk,))

    assert result.get() == "graded"
    run.refresh_from_db()
    assert (run.status, run.points, run.deliveries) == ("graded", 5.0, 1)
    assert blip.accepted >= 2


def test_a_retry_takes_over_the_run_its_earlier_try_claimed(run) -> None:
    # The first try claimed the run, then lost the database before it could write anything.
    assert execution.grading_run_claim(run_pk=run.pk, redelivered=False) is not None

    result = grade_run.apply(args=(run.pk,), retries=1)

    assert result.get() == "graded"
    run.refresh_from_db()
    assert (run.status, run.points, run.deliveries) == ("graded", 5.0, 2)
