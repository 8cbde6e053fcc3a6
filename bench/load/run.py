"""Load test, and load with faults, against the real stack on the loopback: a private PostgreSQL
and Redis, gunicorn (production settings but plain http), Celery workers with the bwrap sandbox,
and Locust's simulated learners (bench/load/locustfile.py), headless and bounded in time.

Prints `name value unit` lines: page latency p50/p95/p99 per page kind, the error count,
submit-to-result p50/p95; then, from the database, that every submission has exactly one
grading, finished, none stuck, and whether what each learner last saw was the truth.
With --faults, in turn during the load: SIGKILL a worker's process mid-grading, restart Redis,
restart PostgreSQL, fill the workers' job directory (a small tmpfs); beat runs the watchdog.
Exit status 1 when a check fails.

Usage (root: the job folder is a tmpfs mount, PostgreSQL runs as its own user):
  .venv/bin/python bench/load/run.py --users 20 --duration 60 [--faults]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))

from stack import (  # noqa: E402
    PrivatePostgres,
    PrivateRedis,
    Process,
    celery_beat,
    celery_worker,
    gunicorn,
)

from tests.integration.private_services import free_port  # noqa: E402

HOSTILE = [
    "import os\nos._exit(3)\n",
    "x = bytearray(8 * 1024 ** 3)\n",
    "while True:\n    pass\n",
    "import os\nprint(os.listdir('/job'), open('/etc/passwd').read())\n",
]
FINAL = {"graded", "failed"}
PENDING = {"waiting", "queued", "running"}


def environment_for(database: str, broker: str, jobs: Path, faults: bool) -> dict[str, str]:
    environment = dict(
        os.environ,
        DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="false",
        DATABASE_URL=database,
        CELERY_BROKER_URL=broker,
        GRADING_SUBMISSIONS_PER_HOUR="0",
        TMPDIR=str(jobs),
    )
    if faults:  # the watchdog acts within the run, not after five minutes
        environment.update(GRADING_STUCK_AFTER_SECONDS="45", GRADING_LOST_AFTER_SECONDS="90")
    return environment


def build_plan(users: int, plan_path: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from courseware.models import Course, Lesson
    from courseware.services import course_enrol
    from grading.models import Exercise
    from grading.notebooks import notebook_from_json, reference_answers

    call_command("migrate", verbosity=0)
    call_command("import_course", str(ROOT / "content" / "gen-ai-guide"), verbosity=0)
    course = Course.objects.get(slug="gen-ai-guide")
    lessons = [
        reverse("courseware:lesson", args=(course.slug, lesson.slug))
        for lesson in Lesson.objects.filter(course=course).order_by("pk")[:40]
    ]
    quizzes = [
        reverse("courseware:quiz", args=(course.slug, module.slug))
        for module in course.modules.filter(quiz__isnull=False).order_by("order")[:6]
    ]
    exercises = []
    for exercise in Exercise.objects.filter(module__course=course, device="cpu").order_by("slug"):
        right = reference_answers(notebook_from_json(exercise.source_notebook))
        if "torch" in json.dumps(exercise.source_notebook)[:20000] or not right:
            continue  # the CPU NumPy exercises: the load is the platform, not torch imports
        exercises.append(
            {
                "url": reverse("grading:exercise", args=(course.slug, exercise.slug)),
                "right": [right],
                "wrong": [dict(exercise.starter_code)],
                "hostile": [{key: code for key in right} for code in HOSTILE],
            }
        )
        if len(exercises) == 4:
            break
    sessions = []
    for number in range(users):
        user, _ = get_user_model().objects.get_or_create(username=f"load-learner-{number}")
        course_enrol(user_id=user.pk, course=course)
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    plan = {
        "lessons": lessons,
        "quizzes": quizzes,
        "exercises": exercises,
        "sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }
    plan_path.write_text(json.dumps(plan))


class Faults(threading.Thread):
    """In turn: SIGKILL a worker process mid-grading, restart Redis, restart PostgreSQL, fill
    the job folder for a while. Records what it did, for the report."""

    def __init__(self, duration: float, workers: list[Process], redis: PrivateRedis,
                 postgres: PrivatePostgres, jobs: Path) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.duration = duration
        self.workers = workers
        self.redis = redis
        self.postgres = postgres
        self.jobs = jobs
        self.done: list[str] = []

    def at(self, fraction: float, started: float) -> None:
        time.sleep(max(0.0, started + fraction * self.duration - time.monotonic()))

    def run(self) -> None:
        started = time.monotonic()
        self.at(0.15, started)
        killed = 0
        for worker in self.workers:  # the pool process of each worker that is grading now
            log = worker.log.read_bytes()
            children = worker.children()
            if children and log.rfind(b"received") > log.rfind(b"succeeded"):
                os.kill(children[0], signal.SIGKILL)
                killed += 1
        if not killed:  # nobody was grading at that instant: kill one anyway
            os.kill(self.workers[0].children()[0], signal.SIGKILL)
            killed = 1
        self.done.append(f"fault_sigkill_worker_process {killed} processes")
        self.at(0.35, started)
        self.redis.restart(down_seconds=3)
        self.done.append("fault_redis_restart 3 s_down")
        self.at(0.55, started)
        self.postgres.restart(down_seconds=3)
        self.done.append("fault_postgres_restart 3 s_down")
        self.at(0.75, started)
        filler = self.jobs / "filler"
        written = 0
        try:
            with filler.open("wb") as handle:
                while True:
                    handle.write(b"\0" * (1 << 20))
                    handle.flush()
                    written += 1
        except OSError:
            pass
        self.at(0.87, started)
        filler.unlink(missing_ok=True)
        self.done.append(f"fault_job_disk_full {written} MiB_filled")


def locust_rows(prefix: Path) -> dict[str, dict[str, str]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def report(prefix: Path, seen_log: Path) -> bool:
    from django.db.models import Count

    from grading.models import GradingRun, Submission

    rows = locust_rows(prefix)
    for name, row in sorted(rows.items()):
        if name in ("Aggregated", "submit_to_result"):
            continue
        for column in ("50%", "95%", "99%"):
            print(f"page_{name}_p{column[:-1]} {row[column]} ms")
        print(f"page_{name}_requests {row['Request Count']} requests")
    aggregated = rows["Aggregated"]
    page_failures = int(aggregated["Failure Count"]) - int(
        rows.get("submit_to_result", {}).get("Failure Count", 0)
    )
    print(f"errors {page_failures} requests")
    if "submit_to_result" in rows:
        result = rows["submit_to_result"]
        print(f"submit_to_result_p50 {result['50%']} ms")
        print(f"submit_to_result_p95 {result['95%']} ms")
        print(f"submit_to_result_unfinished {result['Failure Count']} submissions")

    submissions = Submission.objects.filter(user__username__startswith="load-learner-")
    per_submission = submissions.annotate(run_count=Count("runs"))
    not_once = per_submission.exclude(run_count=1).count()
    runs = GradingRun.objects.filter(submission__in=submissions)
    statuses = Counter(runs.values_list("status", flat=True))
    stuck = runs.exclude(status__in=FINAL).count()
    print(f"submissions {submissions.count()} submissions")
    for status, number in sorted(statuses.items()):
        print(f"runs_{status} {number} runs")
    print(f"submissions_without_exactly_one_grading {not_once} submissions")
    print(f"runs_stuck {stuck} runs")
    print(f"runs_redelivered {runs.filter(deliveries__gt=1).count()} runs")
    print(f"runs_requeued_by_watchdog {runs.filter(requeues__gt=0).count()} runs")
    truth = dict(runs.values_list("submission_id", "status"))
    dishonest = 0
    told = Counter()
    for line in seen_log.read_text().splitlines() if seen_log.exists() else []:
        entry = json.loads(line)
        told[entry["kind"]] += 1
        allowed = all(
            status in FINAL | {"waiting", "queued", "running"} for status in entry["seen"]
        )
        if not allowed or (entry["final"] is not None and entry["final"] != truth[entry["pk"]]):
            dishonest += 1
    for kind, number in sorted(told.items()):
        print(f"learner_submissions_{kind} {number} submissions")
    print(f"learners_told_a_wrong_status {dishonest} submissions")
    return not_once == 0 and stuck == 0 and dishonest == 0


def drain(seconds: float) -> None:
    from grading.models import GradingRun

    deadline = time.monotonic() + seconds
    unfinished = GradingRun.objects.exclude(status__in=FINAL)
    while unfinished.exists() and time.monotonic() < deadline:
        time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers, one process each")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--faults", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="academy-load-"))
    folder.chmod(0o755)  # the postgres user reaches its cluster below it
    logs = ROOT / "var" / "load"
    logs.mkdir(parents=True, exist_ok=True)
    jobs = folder / "jobs"
    jobs.mkdir()
    mounted = False
    if args.faults:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m,mode=1777", "tmpfs", str(jobs)],
                       check=True)  # fmt: skip
        mounted = True
    postgres = PrivatePostgres(folder / "postgres")
    redis = PrivateRedis(folder / "redis")
    processes: list[Process] = []
    ok = False
    try:
        postgres.create()
        redis.start()
        environment = environment_for(postgres.url, redis.url, jobs, args.faults)
        os.environ.update(environment)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        plan = folder / "plan.json"
        build_plan(args.users, plan)
        port = free_port()
        web = gunicorn(port, args.web_workers, environment, logs)
        workers = [celery_worker(number, environment, logs) for number in range(args.workers)]
        processes = [web, *workers]
        if args.faults:
            processes.append(celery_beat(environment, logs))
        for process in processes:
            process.start()
        web.wait_for(b"Booting worker")
        for worker in workers:
            worker.wait_for(b" ready.")
        seen = folder / "seen.jsonl"
        prefix = folder / "locust"
        faults = None
        if args.faults:
            faults = Faults(args.duration, workers, redis, postgres, jobs)
            faults.start()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(max(1, args.users // 10)),
             "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "100",
             "--loglevel", "WARNING"],
            env=dict(environment, ACADEMY_PLAN=str(plan), ACADEMY_SEEN=str(seen)),
            timeout=args.duration + 300,
        )  # fmt: skip
        if faults is not None:
            faults.join(timeout=60)
            for line in faults.done:
                print(line)
        from django.db import connections

        connections.close_all()  # this process's connection did not outlive a restart
        drain(240 if args.faults else 120)
        ok = report(prefix, seen)
    finally:
        for process in reversed(processes):
            process.stop()
        redis.stop()
        postgres.stop()
        if mounted:
            subprocess.run(["umount", str(jobs)])
    print(f"checks_passed {int(ok)} bool")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
