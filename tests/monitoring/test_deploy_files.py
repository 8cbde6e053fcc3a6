"""The production set uses the monitoring: the web's health check is readiness, workers serve
their metrics on the Compose network only, the public proxy hides /metrics, and the dashboard
reads metrics that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_the_web_health_check_is_readiness_and_the_metrics_folder_starts_empty() -> None:
    web = _services()["web"]
    assert web["healthcheck"]["test"] == [
        "CMD",
        "python",
        "deploy/healthcheck.py",
        "http",
        "/readyz",
    ]
    assert web["command"].startswith('sh -c "rm -rf /tmp/academy-metrics && mkdir -p')
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/academy-metrics"


def test_workers_serve_their_metrics_on_an_unpublished_port() -> None:
    services = _services()
    for name in ("worker", "worker-2", "gpu-worker"):
        environment = services[name]["environment"]
        assert environment["MONITORING_WORKER_METRICS_PORT"] == "9808", name
        assert environment["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/academy-metrics", name
        assert "ports" not in services[name], name
        assert "GRADING_GPU_WORKERS" not in environment, name


def test_the_public_proxy_does_not_serve_the_metrics() -> None:
    conf = (ROOT / "deploy" / "proxy" / "nginx.conf").read_text()
    assert re.search(r"location = /metrics \{\s*return 404;\s*\}", conf)


def test_the_dashboard_reads_only_metrics_that_exist() -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "academy.json").read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    assert expressions
    names = set()
    for expression in expressions:
        names |= set(re.findall(r"\b((?:academy|django)_[a-z_]+)", expression))
    ours = set(
        re.findall(r'"((?:academy)_[a-z_]+)"', (ROOT / "monitoring" / "metrics.py").read_text())
    )
    ours |= set(
        re.findall(r'"((?:academy)_[a-z_]+)"', (ROOT / "monitoring" / "scrape.py").read_text())
    )
    known = (
        ours
        | {f"{name}_total" for name in ours}
        | {f"{name}_{part}" for name in ours for part in ("bucket", "count", "sum")}
    )
    known |= {"django_http_responses_total_by_status_view_method_total"}
    known |= {"django_http_requests_latency_seconds_by_view_method_bucket"}
    assert names - known == set()
    for needed in (
        "academy_grading_queue_depth",
        "academy_grading_seconds_bucket",
        "academy_grading_outcomes_total",
        "academy_sandbox_start_seconds_bucket",
        "academy_warm_pool_restarts_total",
        "academy_queue_wait_seconds_bucket",
        "academy_workers_alive",
        "django_http_responses_total_by_status_view_method_total",
    ):
        assert needed in names, needed
