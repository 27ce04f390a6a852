"""Carriers that push: POST /webhooks/transportadoras/<carrier>/ (docs/integrations.md).

The body is the carrier's own tracking format (Correios: the SRO answer; Melhor Envio: its
tracking answer), signed with our `X-Jet-Signature` scheme and CARRIER_WEBHOOK_SECRET (the
relay in front of the carrier signs it). No secret configured: every push is refused. Each
parcel's scans are applied exactly as a poll's would be, so a push and a poll of the same scan
make one row.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from jetorders.clients import client_ip
from jetorders.ratelimit import RateLimit
from jetorders.signing import SignatureError, verify
from orders.models import Order

from .adapters import CarrierUnavailable
from .apply import apply_scans
from .correios import Correios
from .melhorenvio import MelhorEnvio
from .polling import TRACKED_STATUSES

logger = logging.getLogger(__name__)
rate_limit = RateLimit("carrier-webhook", "CARRIER_WEBHOOK_RATE_LIMIT", client_ip)
# Parsing a push needs no API credentials: only the format.
PUSH_ADAPTERS = {adapter.slug: adapter("", "") for adapter in (Correios, MelhorEnvio)}


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


@csrf_exempt
def carrier_webhook(request: HttpRequest, carrier: str) -> JsonResponse:
    adapter = PUSH_ADAPTERS.get(carrier)
    if adapter is None:
        return _error(404, "unknown_carrier", _("Transportadora desconhecida."))
    if request.method != "POST":
        return _error(405, "method_not_allowed", _("Use POST para enviar notificações."))
    if not rate_limit.allow_request(request):
        return _error(429, "rate_limited", _("Muitas notificações; tente de novo em instantes."))
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.CARRIER_WEBHOOK_MAX_BODY:
        return _error(413, "payload_too_large", _("Notificação grande demais."))
    header = request.headers.get("X-Jet-Signature", "")
    try:
        verify(header, request.body, settings.CARRIER_WEBHOOK_SECRET, time.time())
    except SignatureError as error:
        return _error(401, "invalid_signature", error.detail)
    try:
        parcels = adapter.parse_push(request.body)
    except CarrierUnavailable as error:
        return _error(400, "invalid_payload", str(error))
    applied, unknown = 0, []
    for code, scans in parcels.items():
        orders = Order.objects.filter(tracking_code__iexact=code, status__in=TRACKED_STATUSES)
        found = list(orders)
        if not found:
            unknown.append(code)
        for order in found:
            applied += apply_scans(order, carrier=adapter.label, scans=scans).new_scans
    logger.info("carrier push %s: %s new scans, unknown codes %s", carrier, applied, unknown)
    return JsonResponse({"received": True, "new_scans": applied, "unknown": unknown})
