"""The integration API under /api/v1/ (design §5), for ERPs and carriers.

Bearer tokens (`manage.py create_api_token NAME`); each token's changes show in the order's
history as Actor.integration(token.name). Status changes go through order_process, so an
integration may make every change store staff may make and nothing more.
OpenAPI schema: /api/v1/openapi.json; interactive docs: /api/v1/docs.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Status
from ninja.errors import Throttled
from ninja.security import HttpBearer

from jetorders.clients import client_ip
from jetorders.ratelimit import RateLimit
from orders.actors import Actor
from orders.models import Order
from orders.services import order_correct_dispatch, order_create, order_process
from orders.statuses import OrderStatus

from .errors import JsonErrorsAPI, ScopeMissing
from .idempotency import create_once
from .listing import orders_page
from .models import ApiScope, ApiToken
from .schemas import (
    DispatchIn,
    ErrorOut,
    OrderIn,
    OrderOut,
    OrderPageOut,
    StatusIn,
    order_out,
    order_summary,
)
from .tokens import authenticate_token

logger = logging.getLogger("integrations.api")
ORDER_NUMBER = re.compile(r"[0-9A-Za-z-]{1,20}")

address_limit = RateLimit("api-address", "INTEGRATION_API_ADDRESS_RATE_LIMIT", client_ip)


def _token_key(request: HttpRequest) -> str:
    token = getattr(request, "auth", None)
    return f"token-{token.pk}" if token else f"address-{client_ip(request)}"


token_limit = RateLimit("api-token", "INTEGRATION_API_RATE_LIMIT", _token_key)


class TokenAuth(HttpBearer):
    """A valid, active token that holds `scope` (a 403 when it lacks it); None: any scope."""

    def __init__(self, scope: ApiScope | None = None) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        # Counted before the token is checked, so guessing tokens is rate limited too.
        if not address_limit.allow_request(request):
            raise Throttled(wait=address_limit.wait())
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        # Checked here, before the body is read and validated: a token without the scope
        # learns nothing about what a valid request would look like.
        if found is not None and self.scope and not found.has_scope(self.scope):
            raise ScopeMissing(self.scope)
        return found


api = JsonErrorsAPI(
    title="JET Pedidos — API de integração",
    version="1",
    description="Pedidos para ERPs, transportadoras e outras integrações. "
    'Erros: {"error": código, "detail": mensagem, "fields": {campo: [mensagens]}}. '
    "Cada token tem permissões: orders:read (consultar), orders:create (criar) e "
    "orders:status (alterar o status); sem a permissão do endpoint, a resposta é 403.",
    # Each endpoint names its scope; a new one without its own auth still needs a token.
    auth=TokenAuth(),
    throttle=[token_limit],
    urls_namespace="api_v1",
)

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    429: ErrorOut,
}


def _order(number: str) -> Order:
    order = Order.objects.filter(number=number).first() if ORDER_NUMBER.fullmatch(number) else None
    if order is None:
        raise Http404(_("Pedido %(number)s não encontrado.") % {"number": number[:20]})
    return order


def _done(request: HttpRequest, status: int, order: Order) -> None:
    logger.info(
        "api %s %s by %s: %s order %s",
        request.method,
        request.path,
        request.auth.prefix,
        status,
        order.number,
        extra={"event": "api_call", "order": order.number, "outcome": "ok", "status": status},
    )


@api.post(
    "/orders",
    response={201: OrderOut, 200: OrderOut, **ERRORS},
    summary="Cria um pedido em Novo",
    description="Permissão: orders:create.",
    auth=TokenAuth(ApiScope.ORDERS_CREATE),
)
def create_order(
    request: HttpRequest,
    payload: OrderIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        description="Repita a mesma chave ao reenviar o mesmo pedido: ele não é criado duas vezes.",
    ),
) -> Status:
    _check_total(payload)

    def create() -> Order:
        return order_create(
            customer_name=payload.customer_name.strip(),
            customer_email=payload.customer_email,
            buyer_document=payload.buyer_document,
            items=[item.dict() for item in payload.items],
            shipping=payload.shipping.dict() if payload.shipping else None,
            shipping_cost=payload.shipping_cost,
            by=Actor.integration(request.auth.name),
        )

    if idempotency_key:
        order, created = create_once(request.auth, idempotency_key, payload.dict(), create)
    else:
        order, created = create(), True
    status = 201 if created else 200
    _done(request, status, order)
    return Status(status, order_out(order))


def _check_total(payload: OrderIn) -> None:
    subtotal = sum((item.unit_price * item.quantity for item in payload.items), Decimal("0"))
    if subtotal + payload.shipping_cost != payload.total:
        raise ValidationError(
            {
                "total": [
                    _("O total (%(total)s) não confere com os itens mais o frete (%(sum)s).")
                    % {"total": payload.total, "sum": subtotal + payload.shipping_cost}
                ]
            }
        )


@api.get(
    "/orders",
    response={200: OrderPageOut, **ERRORS},
    summary="Lista pedidos (para ERPs que consultam periodicamente)",
    description="Permissão: orders:read. Do pedido alterado há mais tempo ao mais recente; "
    "guarde o next_cursor e consulte de novo com ?cursor= para receber só o que mudou.",
    auth=TokenAuth(ApiScope.ORDERS_READ),
)
def list_orders(
    request: HttpRequest,
    status: OrderStatus | None = None,
    updated_since: datetime | None = Query(
        None, description="Só pedidos alterados a partir deste instante (ISO 8601)."
    ),
    customer_email: str | None = Query(None, max_length=254),
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    page, next_cursor = orders_page(
        status=status,
        updated_since=updated_since,
        customer_email=customer_email,
        cursor=cursor,
        limit=limit,
    )
    logger.info(
        "api %s %s by %s: 200, %s orders",
        request.method,
        request.path,
        request.auth.prefix,
        len(page),
        extra={"event": "api_call", "order": "", "outcome": "ok", "status": 200},
    )
    return {"results": [order_summary(order) for order in page], "next_cursor": next_cursor}


@api.get(
    "/orders/{number}",
    response={200: OrderOut, **ERRORS},
    summary="Status e andamento",
    description="Permissão: orders:read.",
    auth=TokenAuth(ApiScope.ORDERS_READ),
)
def get_order(request: HttpRequest, number: str) -> dict[str, Any]:
    order = _order(number)
    _done(request, 200, order)
    return order_out(order)


@api.post(
    "/orders/{number}/status",
    response={200: OrderOut, **ERRORS},
    summary="Processa o pedido (altera o status)",
    description="Permissão: orders:status.",
    auth=TokenAuth(ApiScope.ORDERS_STATUS),
)
def process_order(request: HttpRequest, number: str, payload: StatusIn) -> dict[str, Any]:
    change = order_process(
        _order(number),
        to_status=payload.status,
        by=Actor.integration(request.auth.name),
        fields=payload.status_fields(),
        message=payload.message,
        note=payload.note,
    )
    _done(request, 200, change.order)
    return order_out(change.order)


@api.post(
    "/orders/{number}/dispatch",
    response={200: OrderOut, **ERRORS},
    summary="Corrige os dados do despacho",
    description="Permissão: orders:status. Para um pedido Despachado ou em Tracking: envie só "
    "os campos que mudam; os demais ficam como estão, e o conjunto é validado como no "
    "despacho. O status não muda; a correção fica no andamento (`dispatch_corrections`) e o "
    "cliente recebe um e-mail com os dados corrigidos (`notify: false` para não avisar). "
    "409 se o pedido não está despachado; 400 se um campo é inválido.",
    auth=TokenAuth(ApiScope.ORDERS_STATUS),
)
def correct_dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> dict[str, Any]:
    order = _order(number)
    order_correct_dispatch(
        order,
        by=Actor.integration(request.auth.name),
        fields=payload.dispatch_fields(),
        notify=payload.notify,
        note=payload.note,
        message=payload.message,
    )
    order.refresh_from_db()
    _done(request, 200, order)
    return order_out(order)


# Last, so it only catches what no route above matched: a JSON 404, not the site's HTML page.
@api.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404(_("Endereço desconhecido na API: veja /api/v1/docs."))
