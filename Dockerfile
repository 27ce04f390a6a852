# One image for web, worker and beat (docker-compose.yml picks the command).
# Builder: the locked dependencies, hash-checked, into a virtualenv; nothing else.
FROM python:3.11.15-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
COPY requirements-prod.lock /tmp/
RUN /venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements-prod.lock


# Runtime: the virtualenv and the code, run by an unprivileged user.
FROM python:3.11.15-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH \
    PYTHONPATH=/app
RUN useradd --system --create-home --uid 10001 jet
COPY --from=builder /venv /venv
WORKDIR /app
# Owned by root and read-only to the app: the code cannot be changed by the process running it.
COPY . .

# Static files are collected at build time and served by whitenoise. The start guard wants
# real secrets even here: throwaway random ones (hex, never a placeholder word), not kept.
RUN DEBUG=False \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_hex(40))')" \
    PAYMENT_WEBHOOK_SECRET="$(python -c 'import secrets; print(secrets.token_hex(20))')" \
    python manage.py collectstatic --noinput

# The XLSX exports' directory (a compose volume): the only place the app writes to.
RUN mkdir -p /var/lib/jet/media && chown jet:jet /var/lib/jet/media
USER jet
EXPOSE 8000
# Liveness through the real stack: an allowed Host (the first of ALLOWED_HOSTS) and the
# proxy's https header, so neither host validation nor the HTTPS redirect answers instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["python", "-c", "\
import os, urllib.request; \
host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); \
host = 'localhost' if host in ('', '*') else host; \
request = urllib.request.Request('http://127.0.0.1:8000/healthz', \
    headers={'Host': host, 'X-Forwarded-Proto': 'https'}); \
urllib.request.urlopen(request, timeout=4).read()"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "jetorders.wsgi:application"]
