# syntax=docker/dockerfile:1
# Jejaring's production image: gunicorn serving config.wsgi, static files served by whitenoise from a manifest built
# here. The same image runs the Celery worker and beat (see docker-compose.yml). Build: docker build -t jejaring .

ARG PYTHON_IMAGE=python:3.11-slim

# --- Stage 1: the dependencies, in a virtualenv that the runtime stage copies whole ------------------------------
FROM ${PYTHON_IMAGE} AS deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
# Only pyproject.toml: `[tool.setuptools] packages = []`, so `pip install .` installs the runtime dependencies and
# nothing of the source, and this layer is rebuilt only when the dependencies change. Every dependency ships binary
# wheels for CPython 3.11 (psycopg[binary], cryptography, argon2-cffi), so no compiler is needed.
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install ".[s3]"

# --- Stage 2: the runtime ------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_ENV=production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    JEJARING_VAR_DIR=/var/lib/jejaring

# A fixed, unprivileged user. /var/lib/jejaring is the only place it may write (beat's schedule lives there, on the
# beatdata volume, which Docker initialises with this ownership); the code and static files stay root-owned.
RUN groupadd --system --gid 10001 jejaring \
    && useradd --system --uid 10001 --gid jejaring --home-dir /var/lib/jejaring --no-create-home \
       --shell /usr/sbin/nologin jejaring \
    && install -d -o jejaring -g jejaring -m 0750 /var/lib/jejaring /var/lib/jejaring/documents

# WeasyPrint's native libraries (Pango over HarfBuzz and fontconfig) and Debian's DejaVu fonts, for the PDFs of
# core/pdf.py. Nothing else: the PDFs fetch no fonts or images from anywhere.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
# The source (see .dockerignore). The compiled catalogues (locale/*/LC_MESSAGES/django.mo) are committed, so the
# image needs no gettext.
COPY . .

# Static files, built once here. In production settings.py stores them with whitenoise's
# CompressedManifestStaticFilesStorage, whose manifest (staticfiles.json) the running app needs to resolve every
# {% static %}; a development-mode collectstatic would use the plain storage and write no manifest. So collectstatic
# runs with DJANGO_ENV=production (from ENV above), and settings.py, which refuses to import in production without
# its required values, gets dummy ones for this one command. They are NOT SECRETS: they are visible in the image
# history, live only in this RUN (not in ENV), point at unresolvable .invalid hosts, and nothing connects anywhere
# during collectstatic. The real values come from the environment at run time (.env, see .env.example).
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only-not-a-secret \
    DATABASE_URL=postgres://build-only:not-a-secret@build-only.invalid:5432/build-only \
    CELERY_BROKER_URL=redis://build-only.invalid:6379/0 \
    JEJARING_MASTER_KEYS=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE= \
    JEJARING_INDEX_KEY=AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI= \
    JEJARING_LOG_KEY=AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM= \
    DJANGO_ALLOWED_HOSTS=build-only.invalid \
    JEJARING_SITE_URL=https://build-only.invalid \
    EMAIL_HOST=build-only.invalid \
    DEFAULT_FROM_EMAIL=build-only@build-only.invalid \
    python manage.py collectstatic --noinput \
    && test -s /app/staticfiles/staticfiles.json \
    && python -m compileall -q -j 0 /app

USER jejaring:jejaring
EXPOSE 8000

# GET /healthz answers "ok" once the process runs and the database answers. Django checks the Host header against
# DJANGO_ALLOWED_HOSTS (which does not list localhost in production), so the probe sends the first allowed host
# (a leading-dot wildcard stripped). /healthz is exempt from the HTTPS redirect. Slim images have no curl.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; hosts = [h.strip().lstrip('.') for h in os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',') if h.strip() not in ('', '*')]; body = r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': (hosts or ['localhost'])[0]}), timeout=8).read(); sys.exit(body.strip() != b'ok')"]

# gunicorn with threaded workers (gthread): GUNICORN_WORKERS processes of GUNICORN_THREADS threads each. Each thread
# may hold a PostgreSQL connection (DATABASE_CONN_MAX_AGE), so workers x threads x web replicas, plus the Celery
# worker's processes, must stay under PostgreSQL's max_connections (100 by default). The heartbeat files go to
# /dev/shm (RAM), as gunicorn advises in containers. No access log: URLs carry search terms, and Jejaring keeps no
# personal data in logs (its own access log is in the database).
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --threads \"${GUNICORN_THREADS:-4}\" --timeout \"${GUNICORN_TIMEOUT:-60}\" --worker-tmp-dir /dev/shm"]
