"""Settings read from the environment.

Every value has an embedded default that needs no server (SQLite, a SQLAlchemy broker on a local
SQLite file, the bubblewrap sandbox); production sets the variables listed in `.env.example`.
A variable `NAME_FILE` pointing at a file is read in place of `NAME` (Docker secrets).

This file stays whole although it is over 400 lines: it is the one place to find every setting
and the environment variable behind it; split into parts, a reader would have to know which
part sets what, and the parts would import each other.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from monitoring.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ACADEMY_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.FileAwareEnv(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)

DEBUG = env("DEBUG")

# The key signs sessions, the messages cookie and password-reset links: with a known key anyone
# can forge them (a signed messages cookie may carry HTML that pages render as is). Production
# refuses to start without a real one; only DEBUG falls back to a local development key.
DEV_SECRET_KEY = "debug-only:local-development-key-never-used-with-DEBUG-off-0123456789"
# Keys published in this repository or its history, and the markers of a value left as a
# placeholder; a key containing a marker is refused too.
PUBLIC_SECRET_KEYS = frozenset(
    {"dev-only-insecure-key-change-me", "change-me", "changeme", "secret", DEV_SECRET_KEY}
)
PLACEHOLDER_MARKERS = ("change-me", "changeme", "change_me", "replace-me", "replace-with")
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


def _secret_key_problem(key: str) -> str | None:
    """Why this key cannot sign anything in production, or None if it can."""
    if not key:
        return "is not set"
    if key in PUBLIC_SECRET_KEYS or any(m in key.lower() for m in PLACEHOLDER_MARKERS):
        return "is a published placeholder"
    if key.startswith("django-insecure-"):
        return "is a key generated for development (django-insecure-...)"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS:
        return f"has fewer than {MIN_SECRET_KEY_UNIQUE_CHARACTERS} different characters"
    return None


def _secret_key() -> str:
    key: str = env.str("DJANGO_SECRET_KEY", default="").strip()
    problem = _secret_key_problem(key)
    if problem is None:
        return key
    if DEBUG:
        return key or DEV_SECRET_KEY
    hint = ""
    if not key and os.environ.get("SECRET_KEY"):
        hint = " (SECRET_KEY is no longer read: rename it DJANGO_SECRET_KEY)"
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY {problem}{hint}. Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE, "
        "a file holding it) to a random value of at least 50 characters, e.g. the output of "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(64))'`; "
        "only DEBUG=true runs without one."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: production is served through a TLS proxy that sets X-Forwarded-Proto. Cookies are then
# sent over HTTPS only, plain http is redirected and browsers are told to stay on HTTPS (HSTS).
# Servers that speak plain http (`make run`, the test servers on the loopback) set
# DJANGO_HTTPS=false; a Secure cookie would never come back to them.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# The health check of Compose and load balancers asks the server itself over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=HTTPS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI and Redoc as static files of this site: the API docs load nothing from a CDN.
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "accounts",
    "courseware",
    "grading",
    "deadlines",
    "gradebook",
    "dashboard",
    "content",
    "monitoring",
    "django_prometheus",
    "lti",
    "certificates",
]

MIDDLEWARE = [
    # First: a body over the cap is refused before any other middleware can read it.
    "config.middleware.RequestBodyLimitMiddleware",
    # Starts the request's timing and counts (django-prometheus); it reads no body.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id on every log line of the request, and the user's id once known.
    "monitoring.logs.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the session and CSRF middleware, so it sees the cookies they set: after an LTI
    # launch they are marked SameSite=None; Secure, to work in the LMS's iframe.
    "lti.middleware.LtiFrameCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface's language from the language cookie (the switcher) or Accept-Language; a
    # signed-in learner's saved language then overrides it (accounts' PreferencesMiddleware).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Times in the learner's own time zone and pages in their language (their account's choice).
    "accounts.middleware.PreferencesMiddleware",
    # Framing is ruled by the CSP's frame-ancestors (it can name the LMS origins LTI embeds pages
    # in); browsers that know it ignore X-Frame-Options, which stays DENY for those that do not.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # It answers a locked-out login attempt (see AXES_* below).
    "axes.middleware.AxesMiddleware",
    # Last: the responses by view and status (django_http_responses_total_by_status_view_...).
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]


def _csp_sources(values: list[str]) -> list[str]:
    """CSP sources from the environment; the keywords may be written with or without their
    quotes (an env file may strip them): self -> 'self', none -> 'none'."""
    keywords = {"self": SELF, "none": NONE}
    return [keywords.get(value.strip().strip("'").lower(), value.strip()) for value in values]


# Content-Security-Policy (django-csp): scripts, styles and everything else only from this site,
# no plugins, no inline script or style (templates load static/js and static/css files).
# CSP_FRAME_ANCESTORS lists who may frame the pages (an LMS embedding them over LTI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # NONCE: the exercise page's code editor (CodeMirror) adds <style> elements carrying the
        # page's nonce; a page that never asks for the nonce sends plain 'self'.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": _csp_sources(env.list("CSP_FRAME_ANCESTORS", default=["self"])),
    },
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'academy.sqlite3'}"),
}
# Keep PostgreSQL connections between requests: a new connection per request costs ~10x.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes), on the site's login and the admin's: after
# LOGIN_FAILURE_LIMIT failed logins for one username, or from one address, every login for it
# is refused (429) for LOGIN_COOLOFF_MINUTES; a success clears the count. Only failures count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_MESSAGE = (
    "Too many failed logins for this account or from this address. "
    f"Try again in {AXES_COOLOFF_TIME.total_seconds() / 60:.0f} minutes."
)
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_USERNAME_CALLABLE = "config.security.login_username"
# Proxies in front of the web server that append to X-Forwarded-For (the TLS proxy: 1).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if HTTPS else 0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courseware:home"
LOGOUT_REDIRECT_URL = "courseware:home"

# E-mail (password reset, verification links): printed to the console unless an SMTP server
# is named. EMAIL_HOST_PASSWORD may come from a file (EMAIL_HOST_PASSWORD_FILE).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
# Empty: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Academy <academy@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# When true, a learner gives an e-mail address at sign-up and logs in only after opening the
# link sent to it (accounts/). Password-reset links stay valid this many seconds (3 days).
ACCOUNTS_EMAIL_VERIFICATION = env.bool("ACCOUNTS_EMAIL_VERIFICATION", default=False)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)

# The interface's languages (README, "Languages"): English, the default, and Spanish. Course
# content stays as its authors wrote it. The catalogs are locale/<code>/LC_MESSAGES/*.po; their
# compiled .mo files are built by `make setup` (compilemessages).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own order and words (config/formats/<code>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

# Request bodies: each answer cell's code is capped at 100 KB, notebooks upload up to 2 MB. A
# body over REQUEST_BODY_MAX_BYTES is refused (413) before it is read (config/middleware.py);
# the default leaves room for a 2 MB notebook and its multipart envelope.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=3 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
# An upload up to this size stays in memory; nothing larger gets past the cap anyway.
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FILES = 5

REST_FRAMEWORK = {
    # A personal API token (accounts.authentication) first: a request that sends one is judged
    # by it, even beside a session cookie; without one, the browser session (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "courseware.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "courseware.api.schema.ProblemAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "courseware.api.pagination.Pagination",
}

# The OpenAPI schema (drf-spectacular): /api/schema/, with Swagger UI and Redoc from the
# sidecar package. docs/openapi.yaml is its committed copy (tests/api/test_schema.py).
SPECTACULAR_SETTINGS = {
    "TITLE": "Academy API",
    "DESCRIPTION": (
        "Courses, lessons, quizzes, exercises and their gradings. Authenticate with the browser "
        "session (and its CSRF token) or a personal API token made on the account page. Errors "
        "are problem details (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "AttemptStatusEnum": "courseware.models.QuizAttempt.Status",
        "EnrolmentStatusEnum": "courseware.models.Enrolment.Status",
        "RunStatusEnum": "grading.models.GradingRun.Status",
        "CourseRoleEnum": "courseware.models.CourseRole",
        "GradeItemKindEnum": "gradebook.selectors.items.ITEM_KINDS",
        # The name it had before the gradebook's items also had a `kind`.
        "KindEnum": "grading.models.Submission.Kind",
    },
}

# Celery. The default broker is a SQLite file through kombu's SQLAlchemy transport, so
# `make run` needs no broker server; production uses Redis.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A new pool process prewarms its sandbox (a zygote that imports NumPy and torch) before it says
# it is up. Celery's 4 s default killed every replacement of a SIGKILLed pool process on a busy
# host, over and over (seen in `make fault-test`): the worker never graded again.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 60.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Redis redelivers an unacknowledged task after this long; it must exceed the longest grading.
# (The SQLAlchemy transport hands its options to create_engine, which refuses this one.)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-submissions": {
        "task": "grading.tasks.submissions_requeue_stuck",
        "schedule": 60.0,
    },
    # Grades an LMS did not take (it was down past the task's retries) are sent again.
    "lti-resend-pending-grades": {
        "task": "lti.tasks.grades_resend_pending",
        "schedule": 300.0,
    },
    "lti-prune-login-states": {
        "task": "lti.tasks.login_states_prune_task",
        "schedule": 3600.0,
    },
}

# The sandbox that runs learner code: "bwrap" (one host) or "docker" (production).
SANDBOX_BACKEND = env.str("SANDBOX_BACKEND", default="bwrap")
# The read-only Python environment mounted into the sandbox (numpy, torch).
SANDBOX_PYTHON = env.str(
    "SANDBOX_PYTHON", default=str(BASE_DIR / ".venv-sandbox" / "bin" / "python")
)
SANDBOX_DOCKER_IMAGE = env.str("SANDBOX_DOCKER_IMAGE", default="academy-sandbox:cpu")
SANDBOX_DOCKER_GPU_IMAGE = env.str("SANDBOX_DOCKER_GPU_IMAGE", default="academy-sandbox:cuda")
# Where the docker backend writes each job's files, bound read-only at /job: a path that is the
# same on the daemon's host (a worker in a container mounts it there at the same path).
SANDBOX_DOCKER_JOB_ROOT = env.str("SANDBOX_DOCKER_JOB_ROOT", default=None)
# Where limits cannot be enforced (no cgroup access) the sandbox refuses to run unless this is set.
SANDBOX_ALLOW_UNENFORCED_LIMITS = env.bool("SANDBOX_ALLOW_UNENFORCED_LIMITS", default=False)
# Run CPU jobs warm: bwrap forks them from a zygote that has imported NumPy and torch
# (sandbox/warm/); docker hands each to a pre-started container that has (backends/docker/).
SANDBOX_WARM = env.bool("SANDBOX_WARM", default=True)
# Number of GPUs this worker offers to grading jobs (0: CPU only).
SANDBOX_GPUS = env.int("SANDBOX_GPUS", default=0)
# The one folder per host holding the GPU device locks (one GPU job per device): every worker of
# the host must see the same one, so worker containers bind-mount it from the host.
SANDBOX_GPU_LOCK_DIR = env.str("SANDBOX_GPU_LOCK_DIR", default="/run/lock/academy-gpu")

GRADING_STUCK_AFTER_SECONDS = env.int("GRADING_STUCK_AFTER_SECONDS", default=300)
# A queued run unclaimed this long is taken as lost by the broker and sent again (three times at
# most, then it fails). Longer than any backlog a healthy queue builds up.
GRADING_LOST_AFTER_SECONDS = env.int("GRADING_LOST_AFTER_SECONDS", default=1800)
GRADING_SUBMISSIONS_PER_HOUR = env.int("GRADING_SUBMISSIONS_PER_HOUR", default=30)
# "Run the visible tests" per learner and exercise per hour (0: no limit): looser than graded
# submissions, as it is the quick check learners run while they work.
GRADING_PRACTICE_RUNS_PER_HOUR = env.int("GRADING_PRACTICE_RUNS_PER_HOUR", default=120)
# Gradings of one learner that may be queued or running at once; the rest wait their turn.
GRADING_ACTIVE_PER_LEARNER = env.int("GRADING_ACTIVE_PER_LEARNER", default=2)

# Logs: one JSON object a line (structlog), with the request id, user id and grading run id
# carried from the web request into the worker's lines (monitoring/logs.py). LOG_FORMAT=console
# gives plain lines for reading in a terminal (the default under DEBUG).
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"), json_lines=LOG_FORMAT == "json"
)
# WeasyPrint logs each step of each certificate PDF at INFO.
LOGGING["loggers"] = {"weasyprint.progress": {"level": "WARNING"}}

# Monitoring (monitoring/, README "Watching it"). /metrics is open to a bearer token
# (METRICS_TOKEN or METRICS_TOKEN_FILE) or to addresses in METRICS_ALLOWED_NETWORKS (CIDRs);
# with neither it is closed, except under DEBUG.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
# The queues whose depth /metrics reads from the broker, and those /readyz wants a live worker
# for (add grading-gpu where GPU workers are part of the deployment).
MONITORING_QUEUES = env.list("MONITORING_QUEUES", default=["grading", "grading-gpu", "default"])
MONITORING_READY_QUEUES = env.list("MONITORING_READY_QUEUES", default=["grading", "default"])
MONITORING_BROKER_TIMEOUT_SECONDS = env.float("MONITORING_BROKER_TIMEOUT_SECONDS", default=2.0)
# Each worker writes its heartbeat this often; one older than the stale age is a gone worker
# (the GPU route and readiness stop counting it).
MONITORING_HEARTBEAT_SECONDS = env.float("MONITORING_HEARTBEAT_SECONDS", default=10.0)
MONITORING_HEARTBEAT_STALE_SECONDS = env.int("MONITORING_HEARTBEAT_STALE_SECONDS", default=45)
# A worker serves its processes' metrics on this port (0: none), for Prometheus to scrape.
MONITORING_WORKER_METRICS_PORT = env.int("MONITORING_WORKER_METRICS_PORT", default=0)
MONITORING_WORKER_METRICS_ADDRESS = env.str("MONITORING_WORKER_METRICS_ADDRESS", default="0.0.0.0")

# LTI 1.3 (lti/): how long a rotated-out signing key stays in the published JWKS (longer than
# any token it signed lives: client assertions 1 min, deep-link responses 10 min, and the time
# platforms cache a JWKS), and how long a grade a platform did not take waits before a resend.
LTI_KEY_OVERLAP_SECONDS = env.int("LTI_KEY_OVERLAP_SECONDS", default=24 * 3600)
LTI_GRADE_RESEND_AFTER_SECONDS = env.int("LTI_GRADE_RESEND_AFTER_SECONDS", default=300)
