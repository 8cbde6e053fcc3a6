"""/metrics (Prometheus exposition, protected) and /readyz (can this deployment grade now?)."""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from monitoring.access import metrics_access
from monitoring.readiness import readiness
from monitoring.scrape import ScrapeTimeCollector


def exposition() -> bytes:
    """This server's metrics (all its processes when PROMETHEUS_MULTIPROC_DIR is set) and the
    values read at scrape time."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        processes = generate_latest(registry)
    else:
        processes = generate_latest(REGISTRY)
    scraped = CollectorRegistry()
    scraped.register(ScrapeTimeCollector())
    return processes + generate_latest(scraped)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    access = metrics_access(request)
    if not access.allowed:
        response = HttpResponse(
            access.reason, status=access.status, content_type="text/plain; charset=utf-8"
        )
        if access.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    report = readiness()
    return JsonResponse(report.as_json(), status=200 if report.ready else 503)
