"""Grading throughput against the number of worker hosts: web, PostgreSQL and Redis on one
simulated host (this, the root network namespace) and one Celery worker (concurrency 1) in each
of 1, 2 and 3 network namespaces, each joined to the root namespace by its own veth link.

Addresses are loopback ones only (127.77.N.1 on the root side of link N, 127.77.N.2 inside).
The kernel drops 127/8 on any device but `lo` as a martian (connect() fails with EINVAL) unless
`route_localnet` is on for the device: the script turns it on for its veth ends only, never for
`all` or `lo`. Workers enter only the network namespace (nsenter --net), not `ip netns exec`,
which also mounts a fresh /sys and so hides the cgroup tree the sandbox enforces limits with.
PostgreSQL and Redis listen on 127.0.0.1 alone, so in the root namespace a socat
bridge per link listens on 127.77.N.1 and forwards to them; a worker reaches both over its link.

Prints `name value unit` lines: sustained graded submissions per second for 1, 2 and 3 workers,
the 1-worker figure (measured in the same run) as the baseline and each speed-up against it, and
the unloaded submit-to-result latency. Needs root (ip netns). Bounded: a fixed batch per worker
count and a time limit per batch; every namespace, link and process it made is removed at exit.

Usage: sudo .venv/bin/python bench/workers.py [--workers 1,2,3] [--per-worker 8]
(DATABASE_URL and CELERY_BROKER_URL name the root host's PostgreSQL and Redis; `make
bench-workers` sets them.)
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ACADEMY_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("GRADING_SUBMISSIONS_PER_HOUR", "0")
# Every submission goes to the broker at once: the batch measures the workers, not the share.
os.environ.setdefault("GRADING_ACTIVE_PER_LEARNER", "0")
LOGS = Path(os.environ["ACADEMY_VAR_DIR"]) / "workers"
LOGS.mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from grading.models import Exercise, GradingRun  # noqa: E402
from grading.notebooks import notebook_from_json, reference_answers  # noqa: E402
from grading.services import submission_create  # noqa: E402
from tests.grading.exercise_factory import make_exercise  # noqa: E402

PREFIX = "academy-bench"
BATCH_SECONDS = 240


def sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


def with_host(url: str, host: str) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}" if credentials else host
    port = parts.port or {"redis": 6379}.get(parts.scheme, 5432)
    return urlunsplit(parts._replace(netloc=f"{netloc}:{port}"))


class Host:
    """One simulated worker host: a namespace, its veth link, the bridges and the worker."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.namespace = f"{PREFIX}-{number}"
        self.outside = f"acb{number}h"
        self.inside = f"acb{number}n"
        self.host_address = f"127.77.{number}.1"
        self.own_address = f"127.77.{number}.2"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log = LOGS / f"worker-{number}.log"

    def create(self, database_port: int, broker_port: int) -> None:
        sh("ip", "netns", "add", self.namespace)
        sh("ip", "link", "add", self.outside, "type", "veth", "peer", "name", self.inside)
        sh("ip", "link", "set", self.inside, "netns", self.namespace)
        sh("sysctl", "-qw", f"net.ipv4.conf.{self.outside}.route_localnet=1")
        sh("ip", "addr", "add", f"{self.host_address}/24", "dev", self.outside)
        sh("ip", "link", "set", self.outside, "up")
        inside = ("ip", "netns", "exec", self.namespace)
        sh(*inside, "sysctl", "-qw", f"net.ipv4.conf.{self.inside}.route_localnet=1")
        sh(*inside, "ip", "addr", "add", f"{self.own_address}/24", "dev", self.inside)
        sh(*inside, "ip", "link", "set", self.inside, "up")
        sh(*inside, "ip", "link", "set", "lo", "up")
        for port in (database_port, broker_port):
            self.processes.append(
                subprocess.Popen(
                    [
                        "socat",
                        f"TCP-LISTEN:{port},bind={self.host_address},reuseaddr,fork",
                        f"TCP:127.0.0.1:{port}",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def start_worker(self, database_url: str, broker_url: str) -> None:
        environment = dict(
            os.environ,
            DATABASE_URL=with_host(database_url, self.host_address),
            CELERY_BROKER_URL=with_host(broker_url, self.host_address),
        )
        self.log_start = self.log.stat().st_size if self.log.exists() else 0
        self.received_at_start = self.received_bytes()
        worker = subprocess.Popen(
            [
                "nsenter",
                f"--net=/run/netns/{self.namespace}",
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "grading",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--hostname",
                f"bench{self.number}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],  # fmt: skip
            cwd=ROOT,
            env=environment,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.worker = worker

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.log.open("rb") as log:
                log.seek(self.log_start)
                if b" ready." in log.read():
                    return
            if self.worker.poll() is not None:
                raise RuntimeError(f"worker {self.number} exited; see {self.log}")
            time.sleep(0.2)
        raise RuntimeError(f"worker {self.number} was not ready; see {self.log}")

    def received_bytes(self) -> int:
        return int(Path(f"/sys/class/net/{self.outside}/statistics/rx_bytes").read_text())

    def stop_worker(self) -> None:
        worker = getattr(self, "worker", None)
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()

    def destroy(self) -> None:
        self.stop_worker()
        for process in self.processes:
            process.terminate()
            process.wait()
        subprocess.run(["ip", "link", "del", self.outside], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True)


def remove_leftovers() -> None:
    """Namespaces of an earlier run that was killed before it could clean up."""
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for line in listed.splitlines():
        name = line.split()[0] if line.split() else ""
        if name.startswith(PREFIX):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def grade_batch(
    exercise: Exercise, answers: dict[str, str], count: int
) -> tuple[float, list[float]]:
    """Submit `count` at once; return graded per second (first submit to last result) and each
    submission's submit-to-result seconds, from the database's own timestamps."""
    user, _ = get_user_model().objects.get_or_create(username="bench-workers")
    started = time.monotonic()
    submissions = [
        submission_create(user=user, exercise=exercise, code=answers) for _ in range(count)
    ]
    runs = GradingRun.objects.filter(submission__in=submissions)
    while runs.exclude(status__in=["graded", "failed"]).exists():
        if time.monotonic() - started > BATCH_SECONDS:
            raise RuntimeError(f"the batch was not graded within {BATCH_SECONDS} s")
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    finished = list(runs)
    wrong = [
        f"{run.pk}: {run.status} {run.failure_detail[:200]}"
        for run in finished
        if run.status != "graded" or run.points != run.max_points
    ]
    if wrong:
        raise RuntimeError(f"reference answers not graded full marks: {wrong}")
    latencies = [
        (run.finished_at - run.submission.created_at).total_seconds()
        for run in runs.select_related("submission")
        if run.finished_at is not None
    ]
    return count / elapsed, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--per-worker", type=int, default=8, help="submissions per worker")
    args = parser.parse_args()
    counts = [int(value) for value in args.workers.split(",")]
    if os.geteuid() != 0:
        sys.exit("bench/workers.py needs root for ip netns (run it as root or with sudo)")
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        sys.exit("set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis): see the docstring")
    database_url = os.environ["DATABASE_URL"]
    broker_url = settings.CELERY_BROKER_URL
    database_port = urlsplit(database_url).port or 5432
    broker_port = urlsplit(broker_url).port or 6379
    call_command("migrate", verbosity=0)
    from config.celery import app
    from tests.grading.notebook_factory import softmax_notebook

    app.control.purge()
    exercise = Exercise.objects.filter(slug="bench-workers").first() or make_exercise(
        Path(tempfile.mkdtemp()), slug="bench-workers", course_slug="bench-course",
        source=softmax_notebook(),
    )  # fmt: skip
    answers = reference_answers(notebook_from_json(exercise.source_notebook))
    remove_leftovers()
    hosts = [Host(number) for number in range(1, max(counts) + 1)]
    throughput: dict[int, float] = {}
    try:
        for host in hosts:
            host.create(database_port, broker_port)
        for count in counts:
            active = hosts[:count]
            for host in active:
                host.start_worker(database_url, broker_url)
            for host in active:
                host.wait_ready()
            # One grading per worker first: each warms its sandbox before the clock starts.
            grade_batch(exercise, answers, count)
            if count == 1:
                unloaded = [grade_batch(exercise, answers, 1)[1][0] for _ in range(5)]
                print(f"unloaded_submit_to_result_p50 {statistics.median(unloaded):.2f} s")
            rate, latencies = grade_batch(exercise, answers, args.per_worker * count)
            throughput[count] = rate
            print(f"graded_per_second_{count}_workers {rate:.2f} submissions/s", flush=True)
            print(f"batch_latency_p50_{count}_workers {statistics.median(latencies):.2f} s")
            print(f"batch_latency_p95_{count}_workers {percentile(latencies, 0.95):.2f} s")
            for host in active:
                # The worker's traffic crossed its own link: bytes the root side received.
                received = host.received_bytes() - host.received_at_start
                print(f"link_{host.number}_received_{count}_workers {received} bytes")
                host.stop_worker()
    finally:
        for host in hosts:
            host.destroy()
    if 1 in throughput:
        print(f"baseline_graded_per_second_1_worker {throughput[1]:.2f} submissions/s")
        for count, rate in throughput.items():
            if count != 1:
                print(f"speedup_{count}_workers {rate / throughput[1]:.2f} x")
    print(f"cpu_cores {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
