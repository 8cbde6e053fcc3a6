"""/readyz: ready only when the database and broker answer and every required queue has a live
worker; it says which check failed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.monitoring.heartbeats import beat


def _ready(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs CELERY_BROKER_URL (Redis): run `make test`")
    return Client().get("/readyz")


@pytest.mark.django_db
def test_not_ready_without_workers(settings) -> None:
    response = _ready(settings)
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {
            "database": "ok",
            "broker": "ok",
            "workers:grading": "no live worker consumes the 'grading' queue",
            "workers:default": "no live worker consumes the 'default' queue",
        },
    }


@pytest.mark.django_db
def test_ready_with_a_live_worker_per_queue(settings) -> None:
    beat("one@a", ["grading"])
    beat("two@b", ["default"])
    response = _ready(settings)
    assert (response.status_code, response.json()["status"]) == (200, "ready")


@pytest.mark.django_db
def test_a_stale_heartbeat_is_a_gone_worker(settings) -> None:
    beat(
        "one@a", ["default", "grading"], age_seconds=settings.MONITORING_HEARTBEAT_STALE_SECONDS + 1
    )
    response = _ready(settings)
    assert response.status_code == 503
    assert response.json()["checks"]["workers:grading"] == (
        "no live worker consumes the 'grading' queue"
    )


@pytest.mark.django_db
def test_the_gpu_queue_is_required_where_the_deployment_says_so(settings) -> None:
    settings.MONITORING_READY_QUEUES = ["grading", "grading-gpu"]
    beat("cpu@a", ["grading"])
    # A GPU worker whose check failed consumes only the CPU queues: the GPU queue is unserved.
    beat("gpu@b", ["default"], gpu_checked=True, gpu_passed=False, gpu_detail="no device")
    response = _ready(settings)
    assert response.status_code == 503
    assert response.json()["checks"]["workers:grading-gpu"] == (
        "no live worker consumes the 'grading-gpu' queue"
    )


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_is_not_ready(settings) -> None:
    beat("one@a", ["default", "grading"])
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.MONITORING_BROKER_TIMEOUT_SECONDS = 1.0
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("the broker did not answer:")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_and_metrics_answer_plain_http_under_the_https_settings(settings) -> None:
    # The health checks and Prometheus ask the server itself over plain http.
    assert {r"^readyz$", r"^metrics$"} <= set(settings.SECURE_REDIRECT_EXEMPT)
