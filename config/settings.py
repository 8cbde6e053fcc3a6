"""Settings read from the environment.

Every value has an embedded default that needs no server (SQLite, a SQLAlchemy broker on a local
SQLite file, the bubblewrap sandbox); production sets the variables listed in `.env.example`.
A variable `NAME_FILE` pointing at a file is read in place of `NAME` (Docker secrets).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ACADEMY_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.FileAwareEnv(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)

DEBUG = env("DEBUG")
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "courseware",
    "grading",
    "content",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courseware:home"
LOGOUT_REDIRECT_URL = "courseware:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

# Request bodies: code is capped at 100 KB by the form; notebooks upload up to 2 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "courseware.api.errors.exception_handler",
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
# (sandbox/warm/); docker hands each to a pre-started container that has (backends/docker.py).
SANDBOX_WARM = env.bool("SANDBOX_WARM", default=True)
# Number of GPUs this worker offers to grading jobs (0: CPU only).
SANDBOX_GPUS = env.int("SANDBOX_GPUS", default=0)

GRADING_GPU_WORKERS = env.bool("GRADING_GPU_WORKERS", default=False)
GRADING_STUCK_AFTER_SECONDS = env.int("GRADING_STUCK_AFTER_SECONDS", default=300)
GRADING_SUBMISSIONS_PER_HOUR = env.int("GRADING_SUBMISSIONS_PER_HOUR", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
