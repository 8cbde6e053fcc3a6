"""Who may read /metrics: a scraper with the bearer token, or an address in an allowed network.

Production must name one of them (METRICS_TOKEN / METRICS_TOKEN_FILE, METRICS_ALLOWED_NETWORKS);
with neither, /metrics is refused to everyone except under DEBUG. The address is the client's as
the trusted proxies saw it (config.security.client_ip), so a forged X-Forwarded-For does not
open it.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from config.security import client_ip


@dataclass(frozen=True)
class MetricsAccess:
    allowed: bool
    status: int = 200
    reason: str = ""


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks: list[str] = settings.METRICS_ALLOWED_NETWORKS
    return [ipaddress.ip_network(network.strip(), strict=False) for network in networks if network]


def _in_networks(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks())


def metrics_access(request: HttpRequest) -> MetricsAccess:
    token: str = settings.METRICS_TOKEN
    networks: list[str] = settings.METRICS_ALLOWED_NETWORKS
    if token:
        sent = str(request.META.get("HTTP_AUTHORIZATION", ""))
        scheme, _, value = sent.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            return MetricsAccess(True)
    if networks and _in_networks(client_ip(request)):
        return MetricsAccess(True)
    if token:
        return MetricsAccess(False, 401, "Send the metrics token as 'Authorization: Bearer ...'.")
    if networks:
        return MetricsAccess(False, 403, "The metrics are not served to this address.")
    if settings.DEBUG:
        return MetricsAccess(True)
    return MetricsAccess(
        False,
        403,
        "The metrics are closed: set METRICS_TOKEN (or METRICS_TOKEN_FILE) or "
        "METRICS_ALLOWED_NETWORKS to open them to your Prometheus.",
    )
