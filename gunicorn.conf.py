"""gunicorn for the web container: `gunicorn -c gunicorn.conf.py jetorders.wsgi`.

https://docs.gunicorn.org/en/stable/settings.html
"""

from __future__ import annotations

import os

# Inside the container only; docker-compose.yml publishes it on 127.0.0.1 for the proxy.
bind = "0.0.0.0:8000"
# Processes per container: about 2 per CPU. Scale further with more containers.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request still running after this is stuck: its worker is killed and replaced. Payment
# gateways give up after ~22 s, so nothing useful takes longer.
timeout = 30
# On SIGTERM (a deploy), requests in flight get this long to finish.
graceful_timeout = 25
keepalive = 5
# Recycle each process now and then, so a slow leak never takes the site down.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file in memory: a slow container disk must not look like a hung worker.
worker_tmp_dir = "/dev/shm"
# Access and error logs to stdout/stderr, where the container runtime collects them.
accesslog = "-"
errorlog = "-"
