"""What the integration API accepts and returns (the OpenAPI schema is built from these)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from orders.documents import clean_document, clean_postal_code, clean_state
from orders.models import Order
from orders.status_fields import ALL_STATUS_FIELDS, DISPATCH_FIELDS
from orders.statuses import OrderStatus

from .errors import RULE_ERROR


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL characters; refuse them here, by field.
    if "\x00" in value:
        raise ValueError("nul")
    return value


def Text(max_length: int, min_length: int = 0) -> Any:  # noqa: N802 - reads as a type
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_nul)
    ]


def rule(clean: Callable[[str], str]) -> AfterValidator:
    """One of orders.documents' clean_* functions as a field validator: the value comes out
    normalised, and a refusal keeps the rule's Portuguese message (integrations.errors)."""

    def validate(value: str) -> str:
        try:
            return clean(value)
        except DjangoValidationError as error:
            raise PydanticCustomError(
                RULE_ERROR, "{message}", {"message": " ".join(error.messages)}
            ) from error

    return AfterValidator(validate)


class StrictSchema(Schema):
    """A request body: a field we do not know is refused (400), never silently ignored."""

    model_config = ConfigDict(extra="forbid")


CENTS = Decimal("0.01")
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


class ItemIn(StrictSchema):
    sku: Text(64) = ""
    description: Text(200, min_length=1)
    quantity: int = Field(ge=1, le=100_000)
    unit_price: Money


class ShippingIn(StrictSchema):
    street: Text(200) = ""
    number: Text(20) = ""
    complement: Text(100) = ""
    district: Text(100) = ""
    city: Text(100) = ""
    state: Annotated[Text(2), rule(clean_state)] = Field(
        "", description="UF: sigla de um dos 26 estados ou DF.", examples=["SP"]
    )
    postal_code: Annotated[Text(9), rule(clean_postal_code)] = Field(
        "", description="CEP com ou sem hífen; guardado com 8 dígitos.", examples=["01310-100"]
    )


class OrderIn(StrictSchema):
    # The example the docs (/api/v1/docs) show and "Try it out" sends.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_name": "Ana Souza",
                    "customer_email": "ana@exemplo.com.br",
                    "buyer_document": "111.444.777-35",
                    "items": [
                        {
                            "sku": "CAM-01",
                            "description": "Camiseta",
                            "quantity": 1,
                            "unit_price": "59.90",
                        }
                    ],
                    "shipping": {
                        "street": "Av. Paulista",
                        "number": "1000",
                        "complement": "ap. 12",
                        "district": "Bela Vista",
                        "city": "São Paulo",
                        "state": "SP",
                        "postal_code": "01310-100",
                    },
                    "shipping_cost": "19.90",
                    "total": "79.80",
                }
            ]
        },
    )

    customer_name: Text(200, min_length=1)
    customer_email: Text(254, min_length=3)
    items: list[ItemIn] = Field(min_length=1, max_length=500)
    buyer_document: Annotated[Text(18), rule(clean_document)] = Field(
        "",
        description="CPF ou CNPJ do comprador, com ou sem pontuação; o CNPJ pode ser "
        "alfanumérico (desde julho de 2026). Conferido pelos dígitos verificadores e "
        "guardado sem pontuação.",
        examples=["111.444.777-35", "12.ABC.345/01DE-35"],
    )
    shipping: ShippingIn | None = None
    shipping_cost: Money = Decimal("0")
    total: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] = Field(
        description="Soma dos itens mais o frete; precisa conferir com eles."
    )


class StatusIn(StrictSchema):
    status: OrderStatus
    invoice_number: Text(20) | None = None
    nfe_key: Text(60) | None = None
    carrier: Text(100) | None = None
    shipping_method: Text(100) | None = None
    tracking_code: Text(50) | None = None
    nfe_content: Text(10_000) | None = None
    nfe_xml: Text(200_000) | None = None
    reason: Text(1000) | None = None
    message: Text(2000) = Field("", description="Mensagem ao cliente, vai no e-mail.")
    note: Text(2000) = Field("", description="Observação interna, só a equipe vê.")

    def status_fields(self) -> dict[str, str]:
        values = {name: getattr(self, name) for name in ALL_STATUS_FIELDS}
        return {name: value for name, value in values.items() if value is not None}


class DispatchIn(Schema):
    """A correction of a dispatched order's dispatch data: only the fields that change."""

    model_config = ConfigDict(extra="forbid")

    invoice_number: Text(20) | None = None
    nfe_key: Text(60) | None = None
    carrier: Text(100) | None = None
    shipping_method: Text(100) | None = None
    tracking_code: Text(50) | None = None
    nfe_content: Text(10_000) | None = None
    nfe_xml: Text(200_000) | None = None
    message: Text(2000) = Field("", description="Mensagem ao cliente, vai no e-mail.")
    note: Text(2000) = Field("", description="Observação interna, só a equipe vê.")
    notify: bool = Field(True, description="Envia ao cliente o e-mail com os dados corrigidos.")

    def dispatch_fields(self) -> dict[str, str]:
        values = {name: getattr(self, name) for name in DISPATCH_FIELDS}
        return {name: value for name, value in values.items() if value is not None}


class ShippingOut(Schema):
    street: str
    number: str
    complement: str
    district: str
    city: str
    state: str = Field(description="UF (sigla).", examples=["SP"])
    postal_code: str = Field(description="CEP, 8 dígitos sem hífen.", examples=["01310100"])


class CorrectionOut(Schema):
    at: datetime
    actor: str
    changes: dict[str, list[str]]


class ErrorOut(Schema):
    error: str
    detail: str
    fields: dict[str, list[str]] = {}


class ItemOut(Schema):
    sku: str
    description: str
    quantity: int
    unit_price: Decimal


class ChangeOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    actor: str
    fields: dict[str, Any]
    message: str
    is_override: bool


class PaymentEventOut(Schema):
    provider: str
    kind: str
    outcome: str
    needs_attention: bool
    at: datetime


class OrderOut(Schema):
    number: str
    status: OrderStatus
    status_label: str
    customer_name: str
    customer_email: str
    buyer_document: str = Field(
        description="CPF (11 dígitos) ou CNPJ (14 caracteres) sem pontuação; vazio se não "
        "informado.",
        examples=["11144477735", "12ABC34501DE35"],
    )
    items: list[ItemOut]
    shipping: ShippingOut
    shipping_cost: Decimal
    total: Decimal
    created_at: datetime
    status_changed_at: datetime | None
    dispatch: dict[str, str]
    history: list[ChangeOut]
    dispatch_corrections: list[CorrectionOut]
    payment_events: list[PaymentEventOut]


SHIPPING_FIELDS = ("street", "number", "complement", "district", "city", "state", "postal_code")


def order_out(order: Order) -> dict[str, Any]:
    """An order as the API shows it: status, items, dispatch data and history."""
    changes = order.status_changes.filter(revoked=False).order_by("created_at", "id")
    return {
        "number": order.number,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "customer_name": order.customer_name,
        "customer_email": order.customer_email,
        "buyer_document": order.buyer_document,
        "items": list(order.items.values("sku", "description", "quantity", "unit_price")),
        "shipping": {name: getattr(order, f"shipping_{name}") for name in SHIPPING_FIELDS},
        "shipping_cost": Decimal(order.shipping_cost).quantize(CENTS),
        "total": Decimal(order.total).quantize(CENTS),
        "created_at": order.created_at,
        "status_changed_at": order.status_changed_at,
        "dispatch": {name: getattr(order, name) for name in DISPATCH_FIELDS},
        # Internal notes stay with staff (design §2); everything else an integrator may see.
        "history": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "at": change.created_at,
                "actor": change.actor_display,
                "fields": change.fields,
                "message": change.message_to_customer,
                "is_override": change.is_override,
            }
            for change in changes
        ],
        "dispatch_corrections": [
            {"at": c.created_at, "actor": c.actor_display, "changes": c.changes}
            for c in order.dispatch_corrections.all()
        ],
        "payment_events": [
            {
                "provider": event.provider,
                "kind": event.kind,
                "outcome": event.outcome,
                "needs_attention": event.needs_attention,
                "at": event.created_at,
            }
            for event in order.payment_events.order_by("created_at", "id")
        ],
    }


class OrderSummaryOut(Schema):
    number: str
    status: OrderStatus
    status_label: str
    customer_name: str
    customer_email: str
    total: Decimal
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime | None


class OrderPageOut(Schema):
    results: list[OrderSummaryOut]
    next_cursor: str | None = Field(
        None, description="Passe em ?cursor= para a próxima página; null: não há mais."
    )


def order_summary(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "customer_name": order.customer_name,
        "customer_email": order.customer_email,
        "total": Decimal(order.total).quantize(CENTS),
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "status_changed_at": order.status_changed_at,
    }
