"""/metrics: who may read it (token, network, neither), and what it says."""

from __future__ import annotations

import pytest
from django.test import Client

from monitoring.models import WorkerHeartbeat
from tests.monitoring.heartbeats import beat

TOKEN = "a-metrics-token-for-the-tests-0123456789"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    settings.TRUSTED_PROXY_COUNT = 0
    return settings


def _get(client: Client, **headers: str):
    return client.get("/metrics", **headers)


@pytest.mark.django_db
def test_production_without_a_token_or_network_refuses_everyone(production) -> None:
    response = _get(Client())
    assert response.status_code == 403
    assert b"set METRICS_TOKEN" in response.content
    assert b"academy_" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer wrong-token", 401),
        (f"Basic {TOKEN}", 401),
        (f"Bearer {TOKEN}x", 401),
        (f"Bearer {TOKEN}", 200),
        (f"bearer {TOKEN}", 200),
    ],
)
def test_the_token_opens_the_metrics(production, authorization, status) -> None:
    production.METRICS_TOKEN = TOKEN
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = _get(Client(), **headers)
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"academy_" not in response.content
    else:
        assert b"academy_grading_queue_depth" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "forwarded", "status"),
    [
        ("10.1.2.3", "", 200),
        ("192.168.0.9", "", 403),
        # TRUSTED_PROXY_COUNT is 0: a client's X-Forwarded-For is not believed.
        ("192.168.0.9", "10.1.2.3", 403),
        ("not-an-address", "", 403),
    ],
)
def test_the_allowed_networks_open_the_metrics(production, address, forwarded, status) -> None:
    production.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
    headers = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    response = _get(Client(), **headers)
    assert response.status_code == status
    if status == 403:
        assert response.content == b"The metrics are not served to this address."


@pytest.mark.django_db
def test_behind_the_trusted_proxy_the_client_address_counts(production) -> None:
    production.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    production.TRUSTED_PROXY_COUNT = 1
    outside = _get(Client(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    inside = _get(Client(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert (outside.status_code, inside.status_code) == (403, 200)


@pytest.mark.django_db
def test_debug_opens_the_metrics_when_nothing_is_configured(production) -> None:
    production.DEBUG = True
    assert _get(Client()).status_code == 200


@pytest.mark.django_db
def test_requests_are_counted_by_view_and_status(production, learner) -> None:
    production.METRICS_TOKEN = TOKEN
    client = Client()
    client.force_login(learner)
    assert client.get("/healthz").status_code == 200
    assert client.get("/exercises/no-such-course/no-such-exercise/").status_code == 404
    body = _get(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert (
        'django_http_responses_total_by_status_view_method_total{method="GET",status="200",'
        'view="healthz"}'
    ) in body
    assert 'status="404"' in body


@pytest.mark.django_db
def test_workers_alive_and_gpu_checks_come_from_the_heartbeats(production) -> None:
    production.METRICS_TOKEN = TOKEN
    beat("cpu1@a", ["default", "grading"])
    beat("cpu2@b", ["grading"])
    beat("gone@c", ["grading"], age_seconds=3600)
    beat("gpu@d", ["default"], gpu_checked=True, gpu_passed=False, gpu_detail="no device")
    assert WorkerHeartbeat.objects.count() == 4
    body = _get(Client(), HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'academy_workers_alive{queue="grading"} 2.0' in body
    assert 'academy_workers_alive{queue="default"} 2.0' in body
    assert 'academy_workers_alive{queue="grading-gpu"} 0.0' in body
    assert 'academy_worker_gpu_check_passed{hostname="gpu@d"} 0.0' in body
    assert "gone@c" not in body
