# The web, beat and worker image (no torch: learner code runs in the sandbox images). Build it
# with deploy/build-images.sh, which streams a context of the repository's files with the editor
# bundle and picks the base.
#
# The editor bundle (static/js/editor.bundle.js, git-ignored) is built on the host by
# `make static/js/editor.bundle.js` from the committed frontend/package-lock.json, as `make setup`
# builds it, and comes in the context, just as the Python packages come as downloaded wheels:
# the build itself needs neither the npm registry nor the host's certificate authorities.
#
# BASE_IMAGE: any Debian bookworm image with python3.11 and its venv module. The default is the
# official python:3.11-slim; where no registry can be reached the script passes the
# debootstrap-made academy-sandbox-base:bookworm of sandbox/images/build-base.sh.
ARG BASE_IMAGE=python:3.11-slim

# The virtual environment is made in a stage of its own, so the wheels it was installed from
# are no layer of the final image.
FROM ${BASE_IMAGE} AS venv
# deploy/build-images.sh prunes this stage's image (left untagged by the legacy builder).
LABEL academy.build.stage=venv
COPY requirements/app.txt /tmp/app.txt
# wheels/: the packages of requirements/app.txt, downloaded by deploy/build-images.sh.
COPY wheels/ /tmp/wheels/
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -q --no-index \
        --find-links /tmp/wheels -r /tmp/app.txt

FROM ${BASE_IMAGE}
# WeasyPrint (certificate PDFs) draws text with Pango, and a slim base has no font at all.
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin \
    ACADEMY_VAR_DIR=/srv/academy/var \
    HOME=/srv/academy
WORKDIR /srv/academy
COPY --from=venv /opt/venv /opt/venv
COPY . .
# Static files are collected at build time, so the proxy image copies the very files that this
# image's templates name. DEBUG=true only lets the settings load without a secret key; nothing of
# it stays in the image. WeasyPrint draws one PDF, so an image without Pango or a font fails here.
RUN if [ ! -s static/js/editor.bundle.js ]; then \
        echo "static/js/editor.bundle.js is missing: build with deploy/build-images.sh" >&2; \
        exit 1; \
    fi \
    && if [ ! -s locale/es/LC_MESSAGES/django.mo ]; then \
        echo "the compiled translations are missing: build with deploy/build-images.sh" >&2; \
        exit 1; \
    fi \
    && python -c "import weasyprint; weasyprint.HTML(string='<p>Academy</p>').write_pdf()" \
    && DEBUG=true python manage.py collectstatic --noinput -v 0 \
    && chown -R 10001:10001 var
# A numeric user: the debootstrap base has no useradd, and no name is needed. Workers add the
# docker socket's group (group_add in docker-compose.yml).
USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
