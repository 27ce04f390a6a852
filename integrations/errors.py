"""Every API error as JSON {"error": code, "detail": message in Portuguese, "fields": {...}}.

Handlers are registered on the NinjaAPI instance, so a view raises and never builds an error
response itself. Request validation (pydantic) speaks English; its messages are translated
here by error type, naming the field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from orders.errors import OrderProcessingError, RefusalCode

from .idempotency import IdempotencyKeyReused
from .models import ApiScope

logger = logging.getLogger("integrations.api")

HTTP_ERRORS = {
    400: ("invalid_request", lambda: _("Corpo da requisição inválido: envie um objeto JSON.")),
    401: ("unauthorized", lambda: _("Token de acesso ausente, inválido ou revogado.")),
    403: ("forbidden", lambda: _("Acesso negado.")),
    404: ("not_found", lambda: _("Recurso não encontrado.")),
    405: ("method_not_allowed", lambda: _("Método não permitido.")),
    429: ("rate_limited", lambda: _("Muitas requisições; tente de novo em alguns segundos.")),
}


class ScopeMissing(Exception):
    """The token is valid but lacks the scope this endpoint needs: a 403."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


# The error type of a field our own rules refused (integrations.schemas.rule): its message is
# already the Portuguese one the rule wrote (orders.documents), passed on as it is.
RULE_ERROR = "jet_rule"


def pydantic_message(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if error.get("type") == RULE_ERROR:
        return str(ctx.get("message") or error.get("msg") or _("Valor inválido."))
    messages = {
        "missing": _("Campo obrigatório."),
        "string_too_short": _("Informe pelo menos %(n)s caractere(s).")
        % {"n": ctx.get("min_length")},
        "string_too_long": _("Use no máximo %(n)s caracteres.") % {"n": ctx.get("max_length")},
        "too_short": _("Informe pelo menos %(n)s item(ns).") % {"n": ctx.get("min_length")},
        "too_long": _("Informe no máximo %(n)s itens.") % {"n": ctx.get("max_length")},
        "greater_than_equal": _("Deve ser maior ou igual a %(n)s.") % {"n": ctx.get("ge")},
        "less_than_equal": _("Deve ser menor ou igual a %(n)s.") % {"n": ctx.get("le")},
        "enum": _("Valor inválido. Use um destes: %(v)s.") % {"v": ctx.get("expected")},
        "decimal_max_places": _("Use no máximo %(n)s casas decimais.")
        % {"n": ctx.get("decimal_places")},
        "decimal_max_digits": _("Número grande demais."),
        "decimal_whole_digits": _("Número grande demais."),
        "value_error": _("Valor inválido."),
        "extra_forbidden": _("Campo desconhecido; veja os campos aceitos em /api/v1/docs."),
    }
    if error.get("type") == "extra_forbidden":
        name = str((error.get("loc") or ("",))[-1])
        return _("Campo desconhecido: “%(name)s”. Veja os campos aceitos em /api/v1/docs.") % {
            "name": name
        }
    if error.get("type", "").endswith("_type") or error.get("type", "").endswith("_parsing"):
        return _("Tipo de valor inválido para este campo.")
    return messages.get(error.get("type", ""), _("Valor inválido."))


def _field_name(location: Any) -> str:
    # ("body", "payload", "items", 0, "quantity") → "items.0.quantity"
    parts = [str(part) for part in location[1:]]
    if len(parts) > 1 and parts[0] in ("payload", "data"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _order_in_path(request: HttpRequest) -> str:
    """The order number the URL names, if any (`/orders/<number>…`), for the log line."""
    match = getattr(request, "resolver_match", None)
    number = match.kwargs.get("number", "") if match else ""
    return str(number)[:20]


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    logger.info(
        "api %s %s: %s %s",
        request.method,
        request.path,
        status,
        code,
        extra={
            "event": "api_call",
            "order": _order_in_path(request),
            "outcome": code,
            "status": status,
        },
    )
    body = {"error": code, "detail": detail, "fields": fields or {}}
    return api.create_response(request, body, status=status)


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose every error is our JSON shape, 405 included.

    Ninja answers a wrong method in plain text and has no hook for it, so each URL's view is
    wrapped (ninja is pinned below 2 in pyproject.toml).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        register_error_handlers(self)

    def _get_urls(self) -> list:
        patterns = super()._get_urls()
        for pattern in patterns:
            pattern.callback = self._json_method_not_allowed(pattern.callback)
        return patterns

    def _json_method_not_allowed(self, view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                detail = _("Método não permitido.")
                response = error_response(self, request, 405, "method_not_allowed", detail)
                response["Allow"] = allowed
            return response

        return wrapped


def register_error_handlers(api: NinjaAPI) -> None:
    def refused(request: HttpRequest, exc: OrderProcessingError) -> HttpResponse:
        status = 400 if exc.code == RefusalCode.INVALID_FIELDS else 409
        return error_response(api, request, status, str(exc.code), exc.message, exc.fields)

    def invalid_model(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
        detail = _("Confira os dados enviados.")
        return error_response(api, request, 400, "invalid_fields", detail, fields)

    def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc", ())), []).append(pydantic_message(error))
        detail = _("Confira os dados enviados.")
        return error_response(api, request, 400, "invalid_fields", detail, fields)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, detail = HTTP_ERRORS.get(exc.status_code, ("error", lambda: _("Erro.")))
        response = error_response(api, request, exc.status_code, code, detail())
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, Throttled) and exc.wait:
            response["Retry-After"] = str(max(1, round(exc.wait)))
        return response

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        detail = str(exc) if exc.args else HTTP_ERRORS[404][1]()
        return error_response(api, request, 404, "not_found", detail)

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("api %s %s failed", request.method, request.path)
        detail = _("Erro interno; a equipe foi avisada. Tente novamente mais tarde.")
        return error_response(api, request, 500, "server_error", detail)

    def key_reused(request: HttpRequest, exc: IdempotencyKeyReused) -> HttpResponse:
        detail = _("Esta Idempotency-Key já foi usada para outro pedido; use uma chave nova.")
        return error_response(api, request, 409, "idempotency_key_reused", detail)

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        detail = _("Requisição grande demais.")
        return error_response(api, request, 413, "payload_too_large", detail)

    def forbidden(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
        detail = _(
            "Este token não tem a permissão “%(scope)s” (%(label)s). Peça à loja um token "
            "com essa permissão."
        ) % {"scope": exc.scope, "label": ApiScope(exc.scope).label}
        return error_response(api, request, 403, "forbidden", detail)

    api.add_exception_handler(ScopeMissing, forbidden)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_exception_handler(IdempotencyKeyReused, key_reused)
    api.add_exception_handler(OrderProcessingError, refused)
    api.add_exception_handler(DjangoValidationError, invalid_model)
    api.add_exception_handler(ValidationError, invalid_request)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, unexpected)
