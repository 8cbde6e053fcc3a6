# Academy: the two commands a newcomer needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
SANDBOX_VENV := .venv-sandbox
PY := $(VENV)/bin/python
FRONTEND := frontend
EDITOR_BUNDLE := static/js/editor.bundle.js
ADDRESS ?= 127.0.0.1:8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/academy
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: setup messages compiled-messages run test lint typecheck services bench clean docker-daemon sandbox-image schema \
	deploy-packages deploy-images deploy-test metrics-check gpu-check bench-workers load-test fault-test

setup: $(VENV)/.installed $(SANDBOX_VENV)/.installed system-packages $(EDITOR_BUNDLE) compiled-messages

# WeasyPrint (certificate PDFs) draws text with Pango; the tests read PDFs with pdftotext.
system-packages:
	@command -v bwrap >/dev/null || (echo "Installing bubblewrap" && apt-get install -y -q bubblewrap >/dev/null)
	@ldconfig -p | grep -q libpango-1.0 || (echo "Installing Pango" && apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)
	@command -v pdftotext >/dev/null || (echo "Installing poppler-utils" && apt-get install -y -q poppler-utils >/dev/null)
	@command -v msgfmt >/dev/null || (echo "Installing gettext" && apt-get install -y -q gettext >/dev/null)

# The interface's translations (README, "Languages"): the .po catalogs under locale/ are the
# source, their .mo files build output. Only our own folders are searched: not the virtual
# environments (Django's own catalogs), node_modules or the course content.
LOCALE_IGNORE := --ignore '.venv*' --ignore frontend/node_modules --ignore var --ignore tests \
	--ignore bench --ignore deploy --ignore content/gen-ai-guide --ignore static/js/editor.bundle.js
compiled-messages: $(VENV)/.installed system-packages
	DEBUG=true $(PY) manage.py compilemessages $(LOCALE_IGNORE) -v 0

# After changing strings: refresh every catalog (then translate the new entries in the .po files).
messages: $(VENV)/.installed system-packages
	DEBUG=true $(PY) manage.py makemessages --all --no-obsolete $(LOCALE_IGNORE)
	DEBUG=true $(PY) manage.py makemessages --all --no-obsolete -d djangojs $(LOCALE_IGNORE)

$(VENV)/.installed: requirements/app.txt requirements/dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements/dev.txt
	touch $@

# The exercise page's code editor (CodeMirror 6), from the npm registry at the versions in
# frontend/package-lock.json, bundled by esbuild into one static file; remade only when the lock
# or the source changes.
$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	@command -v npm >/dev/null || (echo "Installing Node.js and npm" && apt-get install -y -q nodejs npm >/dev/null)
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(EDITOR_BUNDLE): $(FRONTEND)/node_modules/.package-lock.json $(wildcard $(FRONTEND)/src/*.js)
	cd $(FRONTEND) && npm run --silent build

$(SANDBOX_VENV)/.installed: requirements/sandbox.txt
	test -d $(SANDBOX_VENV) || $(PYTHON) -m venv $(SANDBOX_VENV)
	$(SANDBOX_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements/sandbox.txt
	touch $@

# `make run` is a development server: DEBUG on (a local secret key, plain-http cookies) for every
# command of the recipe, the worker included.
run: export DEBUG = true
run: setup
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_course content/gen-ai-guide
	$(PY) manage.py create_demo_users
	$(PY) manage.py set_demo_deadlines
	$(PY) manage.py create_demo_class
	@echo "Starting the Celery worker (log: var/worker.log) and the web server on http://$(ADDRESS)"
	$(VENV)/bin/celery -A config worker -B -Q grading,default --concurrency 2 \
		--loglevel INFO --logfile var/worker.log --pidfile var/worker.pid --schedule var/celerybeat-schedule --detach
	trap '$(VENV)/bin/celery -A config control shutdown >/dev/null 2>&1 || kill $$(cat var/worker.pid) 2>/dev/null' EXIT; \
		$(PY) manage.py runserver --noreload $(ADDRESS)

services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 1; done; echo "PostgreSQL or Redis did not start"; exit 1

# The docker sandbox backend's tests need a real daemon and the sandbox image (sandbox/images/).
docker-daemon:
	@command -v dockerd >/dev/null || (echo "Installing Docker" && apt-get install -y -q docker.io >/dev/null)
	@docker info >/dev/null 2>&1 || (mkdir -p var && echo "Starting dockerd (log: var/dockerd.log)" && \
		(setsid nohup dockerd --iptables=false --bridge=none >var/dockerd.log 2>&1 &))
	@for i in $$(seq 1 60); do docker info >/dev/null 2>&1 && exit 0; sleep 1; done; \
		echo "dockerd did not start (see var/dockerd.log)"; exit 1

sandbox-image: docker-daemon
	@sandbox/images/build-base.sh --if-stale >/dev/null

# The production set of docker-compose.yml: Debian's docker-compose 1.29 (the Compose v2 plugin
# is not packaged in Debian) and the images, built without any registry (deploy/build-images.sh).
deploy-packages:
	@command -v docker-compose >/dev/null || (echo "Installing docker-compose" && apt-get install -y -q docker-compose >/dev/null)

deploy-images: docker-daemon
	deploy/build-images.sh

# Brings the set up, grades a submission through it and tears it down (tests/deployment/); also
# part of `make test`, whose pytest run collects it.
deploy-test: setup deploy-packages docker-daemon
	$(PY) -m pytest tests/deployment -p no:cacheprovider -q $(PYTEST_ARGS)

# The monitoring, end to end on the real services: /metrics (access, values, gunicorn and a
# Celery worker adding up across processes), /readyz, heartbeats, JSON logs carrying a request's
# id into the worker's lines, and the GPU check refusing on a machine without a GPU.
metrics-check: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CONN_MAX_AGE=0 \
		$(PY) -m pytest tests/monitoring tests/integration/test_monitoring_stack.py \
		-p no:cacheprovider -q $(PYTEST_ARGS)

# On a GPU host: the GPU exercises graded on the device through bwrap and Docker (see the
# script's header for what it needs); fails at once, saying why, without a GPU.
gpu-check: setup
	bench/gpu_check.sh

test-packages:
	@command -v chromium >/dev/null || (echo "Installing Chromium for the browser tests" && apt-get install -y -q chromium >/dev/null)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy config accounts courseware grading gradebook dashboard deadlines monitoring content sandbox lti certificates

test: setup test-packages deploy-packages services docker-daemon sandbox-image lint typecheck
	DJANGO_SETTINGS_MODULE=config.test_settings $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CONN_MAX_AGE=0 \
		$(PY) -m pytest $(PYTEST_ARGS)

# The API's OpenAPI schema, committed as docs/openapi.yaml (tests/api/test_schema.py fails when
# it is stale). Generated under PostgreSQL's settings, as the tests run: the integer bounds in
# the schema are the database's.
schema: export DJANGO_SETTINGS_MODULE = config.test_settings
schema: $(VENV)/.installed
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py spectacular --validate --fail-on-warn \
		--file docs/openapi.yaml

# Benchmarks load the settings as the tests do (a key drawn for the run, plain-http cookies).
bench: export DJANGO_SETTINGS_MODULE = config.test_settings
bench: setup
	$(PY) bench/sandbox.py
	$(PY) bench/grading.py
	DATABASE_URL=$(TEST_DATABASE_URL) CONN_MAX_AGE=0 $(PY) bench/gradebook.py
	DATABASE_URL=$(TEST_DATABASE_URL) CONN_MAX_AGE=0 $(PY) bench/dashboard.py

# Throughput against worker hosts: one Celery worker in each of 1, 2, 3 network namespaces
# joined by veth links to this host's PostgreSQL and Redis (needs root; see bench/workers.py).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/academy_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
PER_WORKER ?= 8
bench-workers: setup services
	@psql "$(BENCH_DATABASE_URL)" -c "select 1" >/dev/null 2>&1 || \
		createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) CONN_MAX_AGE=0 \
		$(PY) bench/workers.py --per-worker $(PER_WORKER)

# Simulated learners (Locust, headless) against gunicorn, a private PostgreSQL and Redis and real
# workers; the issue's target is USERS=200 DURATION=300 (bench/load/run.py). fault-test adds, in
# turn during the load, a SIGKILLed worker, Redis and PostgreSQL restarts and a full job disk.
USERS ?= 20
DURATION ?= 60
LOAD_WORKERS ?= 2
load-test: setup
	$(PY) bench/load/run.py --users $(USERS) --duration $(DURATION) --workers $(LOAD_WORKERS)

fault-test: setup
	$(PY) bench/load/run.py --users $(USERS) --duration $(DURATION) --workers $(LOAD_WORKERS) --faults

clean:
	rm -rf var .pytest_cache .mypy_cache
