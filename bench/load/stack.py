"""The stack a load or fault run starts for itself: a private PostgreSQL cluster and a private
Redis (so restarting them disturbs nobody else's), gunicorn and Celery workers and beat, each
bounded and removed at the end. Every process is started here and stopped by its own id."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.private_services import PrivateRedis, free_port

ROOT = Path(__file__).resolve().parents[2]


def _as_postgres(*argv: str) -> list[str]:
    """PostgreSQL refuses to run as root: its commands run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


class PrivatePostgres:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/academy_load"

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            _as_postgres("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                         "UTF8", "--no-sync"),
            check=True, capture_output=True,
        )  # fmt: skip
        self.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "academy_load"],
            check=True,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c max_connections=300 -c shared_buffers=128MB"
        )
        subprocess.run(
            _as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "postgres.log"),
                         "-o", options, "-w", "start"),
            check=True, capture_output=True,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"),
            capture_output=True,
        )

    def restart(self, down_seconds: float = 2.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


class Process:
    """A child process in its own session, logged to a file, stopped by its own group id."""

    def __init__(self, name: str, argv: list[str], environment: dict[str, str], log: Path) -> None:
        self.name = name
        self.argv = argv
        self.environment = environment
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_start = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.environment,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for(self, text: bytes, seconds: float = 120) -> None:
        assert self.process is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.log.open("rb") as log:
                log.seek(self.log_start)
                if text in log.read():
                    return
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start in {seconds} s; see {self.log}")

    def children(self) -> list[int]:
        assert self.process is not None
        listed = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in listed.split()]

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        try:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self.process = None


def celery_worker(number: int, environment: dict[str, str], logs: Path) -> Process:
    argv = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "grading,default",
        "--concurrency", "1", "--loglevel", "INFO", "--hostname", f"load{number}@%h",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return Process(f"worker {number}", argv, environment, logs / f"worker-{number}.log")


def celery_beat(environment: dict[str, str], logs: Path) -> Process:
    argv = [
        sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
        "--schedule", str(logs / "celerybeat-schedule"),
    ]  # fmt: skip
    return Process("beat", argv, environment, logs / "beat.log")


def gunicorn(port: int, workers: int, environment: dict[str, str], logs: Path) -> Process:
    argv = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", "4", "--worker-class", "gthread",
        "--timeout", "60",
    ]  # fmt: skip
    return Process("gunicorn", argv, environment, logs / "gunicorn.log")


__all__ = ["PrivatePostgres", "PrivateRedis", "Process", "celery_beat", "celery_worker", "gunicorn"]
