"""The production set of docker-compose.yml brought up for real: images built by
deploy/build-images.sh, a learner signed up over HTTP through the proxy, an exercise graded by a
worker container through the Docker sandbox, the web container restarted, and the set torn down
leaving no container, network or volume behind."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "academy-deploytest"
SERVICES = {"db", "redis", "web", "proxy", "beat", "worker", "worker-2"}
EXERCISE = "/exercises/gen-ai-guide/adam-step/"
# The exercise's first check: this file scores 1 point (content/.../adam-step/exercise.yaml).
MISTAKE = ROOT / "content/gen-ai-guide/exercises/adam-step/mistakes/no-bias-correction.py"

pytestmark = [
    pytest.mark.deployment,
    # A cold build takes minutes; warm, the whole test takes about two.
    pytest.mark.timeout(1500),
    pytest.mark.skipif(
        shutil.which("docker-compose") is None or shutil.which("docker") is None,
        reason="needs Docker and docker-compose (apt-get install docker-compose)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Stack:
    """docker-compose commands on this test's own project, with its own settings."""

    def __init__(self, env: dict[str, str], url: str) -> None:
        self.env = env
        self.url = url

    def compose(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            ["docker-compose", "-p", PROJECT, "-f", str(ROOT / "docker-compose.yml"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-4000:])
        return result.stdout

    def health(self) -> dict[str, str]:
        """Each service's health status, by service name."""
        ids = self.compose("ps", "-q").split()
        if not ids:
            return {}
        inspected = json.loads(
            subprocess.run(
                ["docker", "inspect", *ids], capture_output=True, text=True, check=True
            ).stdout
        )
        return {
            item["Config"]["Labels"]["com.docker.compose.service"]: (
                item["State"].get("Health", {}).get("Status", item["State"]["Status"])
            )
            for item in inspected
        }

    def wait_healthy(self, services: set[str], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            health = self.health()
            if all(health.get(name) == "healthy" for name in services):
                return
            if time.monotonic() > deadline:
                logs = self.compose("logs", "--tail", "30")
                pytest.fail(f"not healthy after {seconds} s: {health}\n{logs[-6000:]}")
            time.sleep(2)

    def manage(self, *args: str) -> str:
        return self.compose("exec", "-T", "web", "python", "manage.py", *args)


def _leftovers() -> list[str]:
    label = f"label=com.docker.compose.project={PROJECT}"
    found = []
    for kind in (["ps", "-aq"], ["network", "ls", "-q"], ["volume", "ls", "-q"]):
        out = subprocess.run(
            ["docker", *kind, "--filter", label], capture_output=True, text=True, check=True
        ).stdout
        found += [f"{kind[0]} {name}" for name in out.split()]
    return found


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    build = subprocess.run(
        [str(ROOT / "deploy" / "build-images.sh")], capture_output=True, text=True, timeout=1200
    )
    assert build.returncode == 0, build.stderr[-4000:]
    assert _leftovers() == [], "a set of this project is already up; down it first"

    settings = tmp_path_factory.mktemp("deploy") / "academy.env"
    settings.write_text(
        "\n".join(
            [
                f"DJANGO_SECRET_KEY={secrets.token_urlsafe(64)}",
                "ALLOWED_HOSTS=127.0.0.1,localhost",
                # The loopback test speaks plain http: Secure cookies would never come back.
                "DJANGO_HTTPS=false",
                "LOG_LEVEL=INFO",
                "",
            ]
        )
    )
    # The job root is bind-mounted at its own path: under /var/tmp, which the host's daemon
    # sees as the test does (pytest's tmp_path may be a tmpfs of another mount namespace).
    job_root = Path(f"/var/tmp/{PROJECT}-jobs-{secrets.token_hex(4)}")
    job_root.mkdir(mode=0o1777)
    job_root.chmod(0o1777)
    port = _free_port()
    env = {
        **os.environ,
        "ACADEMY_ENV_FILE": str(settings),
        "ACADEMY_DB_PASSWORD": secrets.token_hex(16),
        "DOCKER_GID": str(os.stat("/var/run/docker.sock").st_gid),
        "ACADEMY_JOB_ROOT": str(job_root),
        "ACADEMY_HTTP_ADDRESS": f"127.0.0.1:{port}",
        "WORKER_CONCURRENCY": "1",
        "WEB_WORKERS": "2",
    }
    result = Stack(env, f"http://127.0.0.1:{port}")
    try:
        result.compose("up", "-d", timeout=600)
        result.wait_healthy(SERVICES, seconds=300)
        yield result
    finally:
        subprocess.run(
            ["docker-compose", "-p", PROJECT, "-f", str(ROOT / "docker-compose.yml")]
            + ["down", "-v", "--remove-orphans", "--timeout", "20"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            timeout=300,
        )
        shutil.rmtree(job_root, ignore_errors=True)


def _form_token(page: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def _graded(session: requests.Session, status_url: str, seconds: float) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        status = session.get(status_url, timeout=10).json()
        if status["finished"] or time.monotonic() > deadline:
            return status
        time.sleep(1)


def test_the_set_grades_a_learner_and_keeps_it_across_a_web_restart(stack: Stack) -> None:
    assert stack.health() == dict.fromkeys(SERVICES, "healthy")
    stack.manage("import_course", "content/gen-ai-guide")

    learner = requests.Session()
    signup = learner.get(f"{stack.url}/accounts/signup/", timeout=10)
    assert signup.status_code == 200
    # The proxy's headers, and Django's, each once.
    assert signup.headers["X-Content-Type-Options"] == "nosniff"
    assert signup.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    # The image carries the compiled translations: a Spanish browser gets the Spanish page.
    spanish = requests.get(
        f"{stack.url}/accounts/signup/", headers={"Accept-Language": "es"}, timeout=10
    )
    assert "<h1>Crea una cuenta</h1>" in spanish.text, spanish.text[:500]
    password = secrets.token_urlsafe(16)
    created = learner.post(
        f"{stack.url}/accounts/signup/",
        data={
            "csrfmiddlewaretoken": _form_token(signup),
            "username": "ada",
            "email": "ada@example.org",
            "password1": password,
            "password2": password,
        },
        timeout=30,
    )
    assert created.history[0].headers["Location"] == "/", created.text[:500]
    assert "Welcome, ada!" in created.text

    # Static files come from the proxy, with its headers.
    bundle = re.search(
        r'src="(/static/js/editor\.bundle[^"]*\.js)"',
        learner.get(f"{stack.url}{EXERCISE}", timeout=10).text,
    )
    assert bundle, "the exercise page loads no editor bundle"
    script = learner.get(f"{stack.url}{bundle.group(1)}", timeout=10)
    assert script.status_code == 200 and len(script.content) > 10_000
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    # A body over the cap is refused by the proxy before it reaches gunicorn.
    too_big = learner.post(f"{stack.url}{EXERCISE}submit/", data=b"x" * (4 << 20), timeout=30)
    assert too_big.status_code == 413

    page = learner.get(f"{stack.url}{EXERCISE}", timeout=10)
    (field,) = set(re.findall(r'name="(code-[^"]+)"', page.text))
    submitted = learner.post(
        f"{stack.url}{EXERCISE}submit/",
        data={"csrfmiddlewaretoken": _form_token(page), field: MISTAKE.read_text()},
        timeout=30,
    )
    match = re.search(r"/submissions/(\d+)/$", submitted.url)
    assert submitted.status_code == 200 and match, (submitted.url, submitted.text[:500])
    status_url = f"{stack.url}{EXERCISE}submissions/{match.group(1)}/status/"
    status = _graded(learner, status_url, seconds=240)
    assert (status["status"], status["finished"]) == ("graded", True), status

    stored = "from grading.models import GradingRun as R; r = R.objects.get(); " + (
        "print(r.submission.user.username, r.status, r.points)"
    )
    assert stack.manage("shell", "-v", "0", "-c", stored).split() == ["ada", "graded", "1.0"]
    # The sandbox container ran on the host's daemon, started by a worker container: the
    # worker's log names the task it finished.
    workers_log = stack.compose("logs", "--no-color", "worker", "worker-2")
    assert "succeeded" in workers_log, workers_log[-3000:]

    stack.compose("restart", "web")
    stack.wait_healthy({"web", "proxy"}, seconds=120)
    again = _graded(learner, status_url, seconds=0)  # the same session cookie, after the restart
    assert (again["status"], again["finished"]) == ("graded", True)
    assert stack.manage("shell", "-v", "0", "-c", stored).split() == ["ada", "graded", "1.0"]


def test_down_leaves_nothing_behind(stack: Stack) -> None:
    stack.compose("down", "-v", "--remove-orphans", "--timeout", "20")
    assert _leftovers() == []
