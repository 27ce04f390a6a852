"""Middleware that hardens every response: NUL bytes refused, out-of-range admin filters
answered like any bad filter, a Content-Security-Policy, and an idle timeout for staff
sessions. Wired in settings.py, section "Security hardening"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.utils import timezone

logger = logging.getLogger(__name__)
Handler = Callable[[HttpRequest], HttpResponse]

# What the pages need, nothing more. Scripts only from our own /static/ (the admin's, ours,
# ninja's bundled swagger-ui): no inline script, no eval. Inline styles stay allowed: the
# admin and our e-mail previews use style attributes, and a style cannot run code. Images
# may come from https: an e-mail the store edits may show its logo from anywhere, and the
# admin previews it. No one may frame us (as X-Frame-Options: DENY says to older browsers).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or query string is a 400 before any view sees it.

    PostgreSQL refuses NUL in text, so `?q=%00` used to reach the database and fail as a 500
    on any page that filters by what it is given (the admin lists, /conta/pedidos/<number>/).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote_plus(query):
            detail = "Requisição inválida: o endereço contém um caractere nulo (%00)."
            if request.path.startswith(("/api/", "/webhooks/")):
                body = {"error": "invalid_request", "detail": detail, "fields": {}}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class AdminBadFilterMiddleware:
    """An admin list filtered by a date Python cannot hold redirects with ?e=1, not a 500.

    Every date field an admin lists can be filtered from the URL, and a year out of range
    (`?created_at__year=99999`, a date hierarchy on 9999, `?last_login__year=0`, a `__gte`
    that overflows in the local time zone) raises ValueError or OverflowError while the admin
    builds its filters or the database query; Django's admin only catches that for some
    lookups. This answers like the admin does for any other bad filter, for every admin
    (ours, auth's, allauth's, axes'); a list opened without filters is never affected.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        is_admin_list = bool(
            match and match.app_name == "admin" and match.url_name.endswith("_changelist")
        )
        if not (
            is_admin_list and request.GET and isinstance(exception, ValueError | OverflowError)
        ):
            return None
        logger.warning("admin list %s: invalid filter %s", request.path, request.GET.urlencode())
        if ERROR_FLAG in request.GET:
            return HttpResponseBadRequest(
                "Filtro inválido.", content_type="text/plain; charset=utf-8"
            )
        return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")


class ContentSecurityPolicyMiddleware:
    """Adds CONTENT_SECURITY_POLICY to every HTML response that has none of its own."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


# The session is saved (its expiry pushed back) at most this often, not on every request.
STAFF_SESSION_REFRESH_SECONDS = 60
STAFF_SEEN_KEY = "_staff_seen_at"


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request.

    Each staff request sets the session to expire that many minutes later (at most once a
    minute, to spare a write per request); the session store drops it once that passes, so
    the admin asks for the password again. Customers keep the normal session length.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Checked after the view, so the request that logs a staff member in counts too; a
        # request with no session at all (the API, webhooks) is left alone.
        session = getattr(request, "session", None)
        if session is not None and (
            settings.SESSION_COOKIE_NAME in request.COOKIES or session.modified
        ):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                self._refresh(request)
        return response

    def _refresh(self, request: HttpRequest) -> None:
        session = request.session
        now = int(timezone.now().timestamp())
        last = session.get(STAFF_SEEN_KEY, 0)
        idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
        if now - last >= STAFF_SESSION_REFRESH_SECONDS or session.get_expiry_age() > idle:
            mark_staff_seen(session, now)


def mark_staff_seen(session, now: int) -> None:
    session[STAFF_SEEN_KEY] = now
    session.set_expiry(settings.STAFF_SESSION_IDLE_MINUTES * 60)


def start_staff_idle_timeout(sender: object, request: HttpRequest, user, **kwargs) -> None:
    """On login (user_logged_in, connected in jetorders.apps): a staff session starts with the
    idle expiry, saved with the login itself, so the first page costs no extra write."""
    if user.is_staff and hasattr(request, "session"):
        mark_staff_seen(request.session, int(timezone.now().timestamp()))
