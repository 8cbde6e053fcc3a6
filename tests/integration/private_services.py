"""A private Redis for tests that restart the broker: the shared one on 6379 serves the other
tests and engineers, so a fault test starts its own on a free port, under a temporary folder,
with an append-only file (as production's Redis keeps one) so that a restart keeps the queue."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ],
            stdout=(self.folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"the private Redis did not start; see {self.folder / 'redis.log'}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """A clean shutdown (SIGTERM): Redis flushes its append-only file and exits."""
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=20)
        self.process = None

    def restart(self, down_seconds: float = 1.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Send this process's tasks to `url` for the block. Celery keeps its connection and
    producer pools on the app, made from broker_url on first use; dropping them makes the next
    send connect to the new URL (and, after the block, to the old one again). Celery reads the
    CELERY_BROKER_URL environment variable before its own setting, so both change."""
    from config.celery import app

    previous = app.conf.broker_url
    previous_environment = os.environ.get("CELERY_BROKER_URL")

    def use(broker: str, environment: str | None) -> None:
        if environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = environment
        app.conf.broker_url = broker
        app._pool = None
        app.amqp._producer_pool = None

    use(url, url)
    try:
        yield
    finally:
        use(previous, previous_environment)
