# payplan's production image: the wheel built from this checkout, with the `postgres` extra,
# in a virtual environment at /opt/payplan, run as a non-root user.
#
#   docker build -t payplan .
#   docker run -p 8000:8000 -e PAYPLAN_SECRET=... -e PAYPLAN_SECURE_COOKIES=1 \
#       -e PAYPLAN_DATABASE_URL=postgresql+psycopg://payplan:...@db:5432/payplan payplan
#
# Docker cannot run on the development machines nor in CI (no Docker daemon there), so this
# image is not built by CI. Every install step lives in scripts/install-app instead, which
# tests/test_install.py runs in CI (with --offline: the dependencies are already installed)
# before it runs the installed `payplan` as this image does. See docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Only what the wheel is built from, and the install scripts (.dockerignore keeps the rest out).
COPY pyproject.toml README.md /tmp/payplan-src/
COPY scripts/install-app scripts/install-system-packages /tmp/payplan-src/scripts/
COPY src /tmp/payplan-src/src
COPY templates /tmp/payplan-src/templates

# Runtime Debian packages (WeasyPrint's Pango, fonts with Ukrainian letters and ₴), the wheel
# and its dependencies; then a system user without a login shell to run it.
RUN /tmp/payplan-src/scripts/install-app /opt/payplan \
    && rm -rf /tmp/payplan-src /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/payplan --create-home \
        --shell /usr/sbin/nologin payplan

# SQLite in the volume by default (one machine); set PAYPLAN_DATABASE_URL to PostgreSQL for
# production. PAYPLAN_SECRET has no default: the container serves on 0.0.0.0, so `payplan serve`
# refuses to start without it (32+ random characters, the same on every replica).
ENV PATH=/opt/payplan/bin:$PATH \
    PAYPLAN_DATABASE_URL=sqlite:////var/lib/payplan/payplan.sqlite
USER payplan
WORKDIR /var/lib/payplan
VOLUME ["/var/lib/payplan"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# Migrate, then serve (which exits 1 with a one-line reason when PAYPLAN_SECRET is missing or
# short). The upgrade is a no-op at the newest revision; with several replicas run it once as a
# release step before they start (docs/deployment.md). exec: uvicorn gets SIGTERM.
CMD ["sh", "-c", "payplan db upgrade && exec payplan serve --host 0.0.0.0 --port 8000"]
