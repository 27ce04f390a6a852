"""Payment-gateway notifications: POST /webhooks/pagamentos/ (our signed format, design §5)
and POST /webhooks/pagamentos/mercadopago/ (Mercado Pago's own).

Each request: rate limit → size cap → signature over the raw body → parse → store the event
and apply it through order_process, in one transaction (payments/events.py). Every refusal is
a 4xx JSON {"error", "detail"} and writes nothing; a database or provider outage is a 503, so
the gateway retries; never a 500.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from jetorders.clients import client_ip
from jetorders.ratelimit import RateLimit
from orders.models import Order

from . import jet, mercadopago
from .events import record_payment_event
from .models import PaymentEvent
from .signing import SignatureError
from .signing import verify as verify_jet_signature

logger = logging.getLogger(__name__)
rate_limit = RateLimit("webhook", "PAYMENT_WEBHOOK_RATE_LIMIT", client_ip)


class Refusal(Exception):
    """Ends a webhook request with a JSON error; nothing has been written."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


Handler = Callable[[HttpRequest], JsonResponse]


def webhook_view(handler: Handler) -> Handler:
    """POST-only, CSRF-exempt (the signature is the proof), guarded, refusals as JSON."""

    @csrf_exempt
    @wraps(handler)
    def view(request: HttpRequest) -> JsonResponse:
        try:
            _guard(request)
            response = handler(request)
        except Refusal as refusal:
            response = JsonResponse(
                {"error": refusal.code, "detail": refusal.detail}, status=refusal.status
            )
            if refusal.status == 405:
                response["Allow"] = "POST"
        except DatabaseError:
            logger.exception("webhook %s: database unavailable", request.path)
            response = JsonResponse(
                {"error": "unavailable", "detail": _("Serviço indisponível, tente novamente.")},
                status=503,
            )
        except Exception:
            # A bug, not bad input: logged with its traceback; the gateway retries on any 5xx.
            logger.exception("webhook %s failed", request.path)
            response = JsonResponse(
                {"error": "server_error", "detail": _("Erro interno; tente novamente.")},
                status=500,
            )
        outcome = _log_label(json.loads(response.content))
        logger.info(
            "webhook %s from %s: %s %s",
            request.path,
            client_ip(request),
            response.status_code,
            outcome,
            extra={
                "event": "webhook",
                "order": getattr(request, "webhook_order", ""),
                "outcome": outcome,
                "status": response.status_code,
            },
        )
        return response

    return view


def _log_label(result: dict) -> str:
    """What happened, for the logs: the event's outcome, "duplicate", or the error code."""
    if result.get("duplicate"):
        return "duplicate"
    return result.get("outcome") or result.get("error") or "ignored"


def _guard(request: HttpRequest) -> None:
    if request.method != "POST":
        raise Refusal(405, "method_not_allowed", _("Use POST para enviar notificações."))
    if not rate_limit.allow_request(request):
        raise Refusal(429, "rate_limited", _("Muitas notificações; tente de novo em instantes."))
    limit = settings.PAYMENT_WEBHOOK_MAX_BODY
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Checked before reading, so an oversized body is never loaded into memory.
    if declared > limit or len(request.body) > limit:
        raise Refusal(413, "payload_too_large", _("Notificação grande demais."))


def _acknowledge(event: PaymentEvent, created: bool) -> JsonResponse:
    return JsonResponse(
        {"received": True, "duplicate": not created, "outcome": event.outcome}, status=200
    )


def _order(request: HttpRequest, number: str) -> Order:
    # Kept on the request for the log line of webhook_view, found or not.
    request.webhook_order = number
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise Refusal(
            404, "unknown_order", _("Pedido %(number)s não encontrado.") % {"number": number}
        )
    return order


@webhook_view
def payment_webhook(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("X-Jet-Signature", "")
    try:
        verify_jet_signature(header, request.body, settings.PAYMENT_WEBHOOK_SECRET, time.time())
    except SignatureError as error:
        raise Refusal(401, "invalid_signature", error.detail) from error
    try:
        notification = jet.parse_notification(request.body)
    except jet.NotificationError as error:
        raise Refusal(400, "invalid_payload", error.detail) from error
    event, created = record_payment_event(
        provider=jet.PROVIDER,
        label=settings.PAYMENT_WEBHOOK_GATEWAY_NAME,
        event_id=notification.event_id,
        kind=notification.kind,
        order=_order(request, notification.order_number),
        payload=notification.payload,
    )
    return _acknowledge(event, created)


@webhook_view
def mercadopago_webhook(request: HttpRequest) -> JsonResponse:
    data_id = request.GET.get("data.id", "")
    request_id = request.headers.get("X-Request-Id", "")
    if len(request_id) > 150 or "\x00" in request_id:
        raise Refusal(400, "invalid_payload", _("Cabeçalho x-request-id inválido."))
    try:
        mercadopago.verify(
            request.headers.get("X-Signature", ""),
            data_id,
            request_id,
            settings.MERCADOPAGO_WEBHOOK_SECRET,
            now=time.time(),
        )
    except SignatureError as error:
        raise Refusal(401, "invalid_signature", error.detail) from error
    body = _json_object(request.body)
    topic = request.GET.get("type") or body.get("type")
    if topic != "payment":
        # Other topics (merchant orders, plans…) are not ours: acknowledged so they stop.
        return JsonResponse({"received": True, "ignored": True}, status=200)
    if not mercadopago.PAYMENT_ID.fullmatch(data_id):
        raise Refusal(400, "invalid_payload", _("Id de pagamento (data.id) inválido."))
    payment = _fetch(data_id)
    kind = mercadopago.STATUS_KINDS.get(payment.status)
    if kind is None:
        logger.warning("mercadopago payment %s has unknown status %r", data_id, payment.status)
        return JsonResponse({"received": True, "ignored": True}, status=200)
    event, created = record_payment_event(
        provider=mercadopago.PROVIDER,
        label=mercadopago.LABEL,
        # Both parts are covered by the signature; the body is not.
        event_id=f"{data_id}:{request_id}"[:200],
        kind=kind,
        order=_order(request, payment.external_reference[:20]),
        payload={"payment": payment.raw, "action": _text(body.get("action"), 100)},
    )
    return _acknowledge(event, created)


def _text(value: object, max_length: int) -> str:
    # Only a short, NUL-free string from an unsigned body goes into our JSON column.
    return str(value or "")[:max_length].replace("\x00", "")


def _json_object(body: bytes) -> dict:
    # RecursionError: a body of thousands of nested brackets is not JSON we accept either.
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise Refusal(400, "invalid_payload", _("O corpo não é um JSON válido.")) from error
    if not isinstance(data, dict):
        raise Refusal(400, "invalid_payload", _("O corpo deve ser um objeto JSON."))
    return data


def _fetch(payment_id: str) -> mercadopago.Payment:
    # Outside any transaction: no row is locked while we wait on the network
    # (docs/reliability.md, R10).
    try:
        return mercadopago.fetch_payment(payment_id)
    except mercadopago.PaymentNotFound as error:
        raise Refusal(
            404, "unknown_payment", _("Pagamento não encontrado no Mercado Pago.")
        ) from error
    except mercadopago.GatewayUnavailable as error:
        logger.warning("mercadopago payment %s could not be fetched: %s", payment_id, error)
        raise Refusal(
            503, "gateway_unavailable", _("Mercado Pago indisponível; tente novamente.")
        ) from error
