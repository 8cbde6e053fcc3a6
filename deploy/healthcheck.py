"""Compose health checks that need no tools beyond the image's Python.

`healthcheck.py http /healthz` asks gunicorn on 127.0.0.1:8000 as a client of the site would: with
a Host that ALLOWED_HOSTS accepts (a bare 127.0.0.1 is refused with 400 when ALLOWED_HOSTS names
only the public host) and X-Forwarded-Proto https (else the HTTPS settings answer 301).
`healthcheck.py beat` says the beat process runs and the broker answers.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def _host() -> str:
    """The first ALLOWED_HOSTS entry usable as a Host header: a leading dot means any subdomain."""
    for entry in os.environ.get("ALLOWED_HOSTS", "localhost").split(","):
        entry = entry.strip()
        if entry and entry != "*":
            return "health" + entry if entry.startswith(".") else entry
    return "localhost"


def http(path: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:8000{path}",
        headers={"Host": _host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(error, file=sys.stderr)
        return 1


def beat() -> int:
    with open("/proc/1/cmdline", "rb") as cmdline:
        if b"beat" not in cmdline.read():
            print("PID 1 is not celery beat", file=sys.stderr)
            return 1
    from kombu import Connection

    with Connection(os.environ["CELERY_BROKER_URL"], connect_timeout=3) as connection:
        connection.ensure_connection(max_retries=1)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["http"] and len(sys.argv) == 3:
        sys.exit(http(sys.argv[2]))
    if sys.argv[1:] == ["beat"]:
        sys.exit(beat())
    sys.exit("usage: healthcheck.py http PATH | beat")
