"""JET Pedidos settings: one module, every difference between environments an env variable.

The defaults are the embedded development stack (SQLite, tasks in-process, e-mail to the
console); production sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_* and friends.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

from jetorders import secrets_check
from jetorders.admins import parse_admins

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Core
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
# A fixed key is only acceptable for local development: with DEBUG off there is no default and
# the start guard (end of this module) refuses a missing, short or placeholder key.
SECRET_KEY = env("SECRET_KEY", default=secrets_check.DEV_SECRET_KEY if DEBUG else "")
# `seed_demo` creates users with a published password, so it runs only in a process started
# with DEBUG on. A copy of DEBUG, because the test runner turns DEBUG itself off during tests.
DEMO_DATA_ALLOWED = DEBUG
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "anymail",
    # The domains, lowest first: storefront, payments and integrations use orders, which
    # uses notifications (docs/architecture.md; `make lint` enforces the direction).
    "notifications",
    "orders",
    "payments",
    "integrations",
    # Before allauth, so its account templates override allauth's own.
    "storefront",
    "allauth",
    "allauth.account",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jetorders.urls"

# How many reverse proxies in front of us append to X-Forwarded-For (0: use REMOTE_ADDR). The
# one setting behind every client address: login throttling and rate limits
# (jetorders.clients.client_ip) and allauth's own limits.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
WSGI_APPLICATION = "jetorders.wsgi.application"

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

# Database
# ------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Auth
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts
# ------------------------------------------------------------------------------
# Customers sign in with their e-mail through django-allauth, under /conta/; staff keep the
# admin's own username login at /admin/ (ModelBackend).
# https://docs.allauth.org/en/latest/account/configuration.html
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before any password is checked.
    "storefront.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "customer_orders"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# A customer sees the orders placed with an address only once they prove they own it.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[JET Pedidos] "
ACCOUNT_USER_DISPLAY = "storefront.views.customer_display"
ACCOUNT_FORMS = {
    "login": "storefront.forms.CustomerLoginForm",
    "signup": "storefront.forms.CustomerSignupForm",
    "add_email": "storefront.forms.CustomerAddEmailForm",
    "reset_password": "storefront.forms.CustomerResetPasswordForm",
}
# Links in account e-mails follow the scheme the site is served with.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default=SITE_URL.split(":")[0])
# Login throttling on the admin and customer logins (docs/reliability.md, R23): 5 wrong
# passwords for one account from one address lock that pair out for a while.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "jetorders.clients.client_ip"
AXES_USERNAME_CALLABLE = "storefront.login_throttle.login_name"
AXES_LOCKOUT_TEMPLATE = "store/locked_out.html"
# allauth keeps its per-address limits (one address trying many accounts); the per-account
# lockout is axes' job, so the customer gets one lockout page, the same as the admin's.
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}

# Internationalisation
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)")]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# dd/mm/aaaa hh:mm on every page, the outbox included (jetorders/formats/pt_BR/formats.py).
FORMAT_MODULE_PATH = ["jetorders.formats"]

# Static files (whitenoise serves them in production)
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files the app writes (the background XLSX exports), private: no URL serves MEDIA_ROOT; only
# views that check who asks read it. Web and worker must share it (a volume in compose).
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# E-mail
# ------------------------------------------------------------------------------
# EMAIL_URL (smtp://host:port) wins; else EMAIL_BACKEND (e.g. an anymail backend with
# ANYMAIL_* settings); else the console, for development.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Where django.core.mail.backends.filebased.EmailBackend writes, when that backend is chosen.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="JET Pedidos <pedidos@jetpedidos.com.br>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# https://anymail.dev/en/stable/installation/#anymail-settings-reference
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in env.ENVIRON.items()
    if key.startswith("ANYMAIL_")
}

# Cache
# ------------------------------------------------------------------------------
# Rate limits (API, webhooks) and login throttling count in the cache. By default each
# process counts alone; in production set CACHE_URL=redis://… so all web processes share it.
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Status changes read the webhook endpoints' version here (integrations/outbound/
            # endpoints.py): an unreachable cache must fail fast, never hold an order's lock.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery
# ------------------------------------------------------------------------------
# With no broker configured, tasks run in-process (eagerly) after commit: the embedded
# default for `make run` and unit tests. https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
# In-process tasks never reach a broker; an in-memory one stops Celery looking for Redis.
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# The e-mail task is idempotent (it claims its outbox row), so it is acknowledged late and
# re-queued when its worker dies; the outbox row counts attempts so this cannot loop forever.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html#task-reject-on-worker-lost
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The fault-injection tests give their worker a queue of its own.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 10, CELERY_TASK_TIME_LIMIT * 0.8)
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10.0
# Tasks keep their database connection (up to CONN_MAX_AGE, with health checks) instead of a
# new one per task; jetorders/celery.py. Celery still recycles it every 2 × this many tasks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Redis redelivers a task not acknowledged within the visibility timeout, so it must exceed
# every countdown and run time (config test: tests/notifications/test_config.py).
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#caveats
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
# A dead broker must not hang the staff member's request: give up publishing fast and let
# the outbox sweeper send the e-mail later (celery/celery#4556, #4296).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The sweeper sends whatever the kicks missed (broker down, worker lost, due retries).
CELERY_BEAT_SCHEDULE = {
    "sweep-email-outbox": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": env.float("NOTIFICATIONS_SWEEP_SECONDS", default=60.0),
    },
}

# Notifications (the e-mail outbox)
# ------------------------------------------------------------------------------
# Where the outbox finds the e-mails it may send (names, variables, previews).
NOTIFICATIONS_CATALOG = "orders.emails.email_catalog"
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=600)
# A SENDING row whose lease expired belongs to a dead worker and may be claimed again.
NOTIFICATIONS_LEASE_SECONDS = env.int(
    "NOTIFICATIONS_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 30
)
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=20)

# Store dashboard and late orders (orders/figures.py, orders/late_digest.py)
# ------------------------------------------------------------------------------
# The dashboard's heavy figures (counts, sales per day, time in each status) are recomputed
# this often by beat; a view recomputes them itself when they are twice as old.
DASHBOARD_REFRESH_SECONDS = env.int("DASHBOARD_REFRESH_SECONDS", default=300)
# Who gets the daily digest of late orders: these addresses, comma-separated; empty means
# every active staff user who may process orders.
LATE_DIGEST_RECIPIENTS = env.list("LATE_DIGEST_RECIPIENTS", default=[])
# When the digest goes out, local time (TIME_ZONE), every day.
LATE_DIGEST_HOUR = env.int("LATE_DIGEST_HOUR", default=8)
# "Exportar XLSX" above 20,000 orders runs as a task with this time limit (seconds): 200,000
# rows took about 90 s on a busy 2-core machine; kept below CELERY_VISIBILITY_TIMEOUT.
XLSX_EXPORT_TIME_LIMIT = env.int("XLSX_EXPORT_TIME_LIMIT", default=600)
CELERY_BEAT_SCHEDULE |= {
    "purge-xlsx-exports": {
        "task": "orders.tasks.purge_xlsx_exports",
        "schedule": 3600.0,
    },
    "refresh-dashboard": {
        "task": "orders.tasks.refresh_dashboard",
        "schedule": float(DASHBOARD_REFRESH_SECONDS),
    },
    "late-orders-digest": {
        "task": "orders.tasks.send_late_orders_digest",
        "schedule": crontab(hour=LATE_DIGEST_HOUR, minute=0),
    },
}

# Payment gateways
# ------------------------------------------------------------------------------
# Comma-separated: every secret listed is accepted, so a new one can be rolled out before the
# old one is removed. Our format (design §5) at /webhooks/pagamentos/.
PAYMENT_WEBHOOK_SECRET = env.list(
    "PAYMENT_WEBHOOK_SECRET", default=[secrets_check.DEV_WEBHOOK_SECRET] if DEBUG else []
)
# The name the order history shows for changes made by that gateway.
PAYMENT_WEBHOOK_GATEWAY_NAME = env("PAYMENT_WEBHOOK_GATEWAY_NAME", default="Gateway de pagamento")
PAYMENT_WEBHOOK_MAX_BODY = env.int("PAYMENT_WEBHOOK_MAX_BODY", default=64 * 1024)
# Per client address; gateways retry in bursts, so this only stops floods.
PAYMENT_WEBHOOK_RATE_LIMIT = env("PAYMENT_WEBHOOK_RATE_LIMIT", default="1200/m")
# Mercado Pago at /webhooks/pagamentos/mercadopago/: the "assinatura secreta" of the webhook
# (comma-separated for rotation) and the access token used to fetch each payment.
# https://www.mercadopago.com.br/developers/pt/docs/your-integrations/notifications/webhooks
MERCADOPAGO_WEBHOOK_SECRET = env.list("MERCADOPAGO_WEBHOOK_SECRET", default=[])
MERCADOPAGO_ACCESS_TOKEN = env("MERCADOPAGO_ACCESS_TOKEN", default="")
MERCADOPAGO_API_URL = env("MERCADOPAGO_API_URL", default="https://api.mercadopago.com")
# (connect, read) seconds: Mercado Pago waits 22 s for our answer; we wait at most ~8 s on it.
MERCADOPAGO_TIMEOUT = (3.05, 5)

# Integration API
# ------------------------------------------------------------------------------
# /api/v1/ (django-ninja). Tokens come from `manage.py create_api_token NAME`. An ERP pushing
# a Black-Friday backlog sends several hundred calls a minute: limits stop abuse only.
INTEGRATION_API_RATE_LIMIT = env("INTEGRATION_API_RATE_LIMIT", default="3000/m")
INTEGRATION_API_ADDRESS_RATE_LIMIT = env("INTEGRATION_API_ADDRESS_RATE_LIMIT", default="6000/m")

# Carrier tracking and outbound webhooks (docs/integrations.md)
# ------------------------------------------------------------------------------
# Tracking is off until a carrier's API URL and token are set: nothing is polled, nothing fails.
# Correios SRO: https://api.correios.com.br (Bearer token from the Correios API portal).
CORREIOS_API_URL = env("CORREIOS_API_URL", default="")
CORREIOS_TOKEN = env("CORREIOS_TOKEN", default="")
# Every other carrier through Melhor Envio: https://www.melhorenvio.com.br (or the sandbox).
MELHORENVIO_API_URL = env("MELHORENVIO_API_URL", default="")
MELHORENVIO_TOKEN = env("MELHORENVIO_TOKEN", default="")
# (connect, read) seconds for a carrier's API; the poller runs in the worker only.
CARRIER_API_TIMEOUT = (3.05, env.float("CARRIER_API_TIMEOUT", default=10.0))
# Each dispatched order is polled this often; each failure doubles it, up to the maximum.
TRACKING_POLL_MINUTES = env.int("TRACKING_POLL_MINUTES", default=60)
TRACKING_POLL_MAX_MINUTES = env.int("TRACKING_POLL_MAX_MINUTES", default=24 * 60)
TRACKING_POLL_BATCH = env.int("TRACKING_POLL_BATCH", default=50)
TRACKING_LEASE_SECONDS = env.int("TRACKING_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 30)
# /webhooks/transportadoras/<carrier>/: X-Jet-Signature with one of these (comma-separated for
# rotation). Unset: every push is refused.
CARRIER_WEBHOOK_SECRET = env.list("CARRIER_WEBHOOK_SECRET", default=[])
CARRIER_WEBHOOK_MAX_BODY = env.int("CARRIER_WEBHOOK_MAX_BODY", default=256 * 1024)
CARRIER_WEBHOOK_RATE_LIMIT = env("CARRIER_WEBHOOK_RATE_LIMIT", default="600/m")
# Outbound webhooks to the endpoints staff register in the admin. Only https:// with DEBUG
# off, never to private, loopback or link-local addresses unless this is True.
OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = env.bool("OUTBOUND_WEBHOOKS_ALLOW_PRIVATE", default=False)
# (connect, read) seconds: a slow receiver holds a worker this long at most, never a request.
OUTBOUND_WEBHOOKS_TIMEOUT = (3.05, env.float("OUTBOUND_WEBHOOKS_TIMEOUT", default=5.0))
OUTBOUND_WEBHOOKS_MAX_ATTEMPTS = env.int("OUTBOUND_WEBHOOKS_MAX_ATTEMPTS", default=8)
OUTBOUND_WEBHOOKS_RETRY_BASE_SECONDS = env.int("OUTBOUND_WEBHOOKS_RETRY_BASE_SECONDS", default=30)
# Below CELERY_VISIBILITY_TIMEOUT, like the e-mail retries.
OUTBOUND_WEBHOOKS_RETRY_MAX_SECONDS = env.int("OUTBOUND_WEBHOOKS_RETRY_MAX_SECONDS", default=1800)
OUTBOUND_WEBHOOKS_LEASE_SECONDS = env.int(
    "OUTBOUND_WEBHOOKS_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 30
)
# Each process keeps the list of active endpoints and re-reads it when their version in the
# shared cache changes (an endpoint saved or deleted); this is the backstop age for what the
# version cannot see (no CACHE_URL, cache down). docs/integrations.md, "New endpoints".
OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS = env.float(
    "OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS", default=5.0
)
CELERY_BEAT_SCHEDULE |= {
    "poll-carrier-tracking": {
        "task": "integrations.tasks.poll_carrier_tracking",
        "schedule": env.float("TRACKING_SWEEP_SECONDS", default=60.0),
    },
    "sweep-outbound-webhooks": {
        "task": "integrations.tasks.sweep_outbound_webhooks",
        "schedule": env.float("OUTBOUND_WEBHOOKS_SWEEP_SECONDS", default=30.0),
    },
}

# Production hardening (all on when DEBUG is off)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    # The start guard: manage.py, gunicorn and celery all import this module, so all refuse
    # to start with a missing or placeholder secret (a forged token signed with the
    # repository's dev key must never be accepted). Rules: jetorders/secrets_check.py.
    secrets_check.refuse_unsafe_secrets(
        secret_key=SECRET_KEY,
        payment_webhook_secrets=PAYMENT_WEBHOOK_SECRET,
        mercadopago_webhook_secrets=MERCADOPAGO_WEBHOOK_SECRET,
        mercadopago_access_token=MERCADOPAGO_ACCESS_TOKEN,
        anymail_webhook_secret=ANYMAIL.get("WEBHOOK_SECRET", ""),
        email_backend=EMAIL_BACKEND,
    )

# Health endpoints (jetorders/health.py)
# ------------------------------------------------------------------------------
# /readyz fails when an e-mail has waited this long in the outbox (no worker or beat running).
READYZ_MAX_OUTBOX_LAG_SECONDS = env.int("READYZ_MAX_OUTBOX_LAG_SECONDS", default=600)

# Error reports
# ------------------------------------------------------------------------------
# ADMINS="Ana Souza <ana@loja.com.br>, ti@loja.com.br": each gets an e-mail for every server
# error (500) while DEBUG is off. https://docs.djangoproject.com/en/5.2/ref/settings/#admins
ADMINS = parse_admins(env("ADMINS", default=""))
# Optional: error tracking with Sentry, without personal data (customer e-mails, IPs, cookies).
# https://docs.sentry.io/platforms/python/integrations/django/
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# Security hardening
# ------------------------------------------------------------------------------
# Seconds a status-page link (/pedido/<token>/) opens after its e-mail was sent; each status
# e-mail carries a freshly signed one (orders/links.py).
STATUS_LINK_MAX_AGE = env.int("STATUS_LINK_MAX_AGE", default=180 * 24 * 60 * 60)
# A staff session ends after this many minutes without a request (customers keep 14 days).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=60)
# jetorders/security.py: NUL bytes in the URL are a 400 (first, before anything reads the
# query), out-of-range admin filters a ?e=1 redirect, a Content-Security-Policy on every
# page, and the staff idle timeout (after auth).
MIDDLEWARE[:0] = [
    "jetorders.security.RefuseNulBytesMiddleware",
    "jetorders.security.AdminBadFilterMiddleware",
    "jetorders.security.ContentSecurityPolicyMiddleware",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "jetorders.security.StaffIdleTimeoutMiddleware",
)
# Ninja serves /api/v1/docs with the swagger-ui bundled in its static files when it is an
# installed app; otherwise its page loads swagger-ui from a CDN (ninja/openapi/docs.py).
# jetorders is an app only to connect the staff login hook (jetorders/apps.py).
INSTALLED_APPS += ["ninja", "jetorders"]

# Logging
# ------------------------------------------------------------------------------
# LOG_FORMAT=json writes one JSON object a line (jetorders/logging.py) for log collectors.
# Request errors also go to ADMINS by e-mail (only with DEBUG off); everything else of
# Django's propagates to the console.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "jetorders.logging.JsonFormatter"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.request": {"handlers": ["mail_admins"], "level": "ERROR", "propagate": True},
    },
}
