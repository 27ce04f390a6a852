"""Test data: orders built through the real services, so every one has a true history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from orders.actors import Actor
from orders.documents import cnpj_check_digits, cpf_check_digits
from orders.models import Order
from orders.nfe import nfe_check_digit
from orders.permissions import STORE_STAFF_GROUP, SUPPORT_GROUP
from orders.services import order_create, order_process
from orders.statuses import OrderStatus
from payments.models import PaymentEvent, PaymentEventKind, PaymentEventOutcome

# The changes that lead from NOVO to each status, as staff would make them.
PATH_TO = {
    OrderStatus.NOVO: [],
    OrderStatus.EM_APROVACAO: [OrderStatus.EM_APROVACAO],
    OrderStatus.APROVADO: [OrderStatus.APROVADO],
    OrderStatus.EM_PRODUCAO: [OrderStatus.APROVADO, OrderStatus.EM_PRODUCAO],
    OrderStatus.DESPACHADO: [OrderStatus.APROVADO, OrderStatus.DESPACHADO],
    OrderStatus.TRACKING: [OrderStatus.APROVADO, OrderStatus.DESPACHADO, OrderStatus.TRACKING],
    OrderStatus.CONCLUIDO: [
        OrderStatus.APROVADO,
        OrderStatus.DESPACHADO,
        OrderStatus.TRACKING,
        OrderStatus.CONCLUIDO,
    ],
    OrderStatus.CANCELADO: [OrderStatus.CANCELADO],
}


def make_nfe_key(
    invoice_number: int = 1234,
    *,
    state: str = "35",
    cnpj: str = "12345678000195",
    model: str = "55",
) -> str:
    """A valid NF-e access key for the given invoice number."""
    first_43 = f"{state}2611{cnpj}{model}001{invoice_number:09d}1{12345678:08d}"
    return first_43 + str(nfe_check_digit(first_43))


def make_cpf(serial: int = 1) -> str:
    """A valid CPF (11 digits, no punctuation), a different one for each serial."""
    first_9 = f"{123_456_000 + serial:09d}"
    return first_9 + cpf_check_digits(first_9)


def make_cnpj(base: str = "12ABC345", branch: str = "0001") -> str:
    """A valid CNPJ (14 characters); alphanumeric when `base` holds letters."""
    first_12 = f"{base}{branch}"
    return first_12 + cnpj_check_digits(first_12)


def dispatch_fields(invoice_number: int = 1234, **overrides: Any) -> dict[str, str]:
    fields = {
        "invoice_number": str(invoice_number),
        "nfe_key": make_nfe_key(invoice_number),
        "carrier": "Correios",
        "shipping_method": "SEDEX",
        "tracking_code": "AA123456785BR",
        "nfe_content": "2 camisetas de algodão",
    }
    fields.update(overrides)
    return fields


def fields_for(status: str) -> dict[str, str]:
    if status == OrderStatus.DESPACHADO:
        return dispatch_fields()
    if status == OrderStatus.CANCELADO:
        return {"reason": "Cliente desistiu da compra"}
    return {}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemplo.com.br")
    first_name = factory.Faker("first_name", locale="pt_BR")
    last_name = factory.Faker("last_name", locale="pt_BR")
    password = factory.django.Password("senha-de-teste-123")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def staff_user(**kwargs: Any):
    return UserFactory(is_staff=True, role=STORE_STAFF_GROUP, **kwargs)


def support_user(**kwargs: Any):
    return UserFactory(is_staff=True, role=SUPPORT_GROUP, **kwargs)


def verified_customer(email: str, **kwargs: Any):
    """A customer whose e-mail is verified, so the customer area opens their orders."""
    kwargs.setdefault("username", email.split("@")[0])
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


class OrderFactory(factory.Factory):
    """`OrderFactory(status="despachado")` walks the order there through order_process."""

    class Meta:
        model = Order

    customer_name = factory.Faker("name", locale="pt_BR")
    customer_email = factory.Sequence(lambda n: f"cliente{n}@exemplo.com.br")
    status = OrderStatus.NOVO
    customer = None
    buyer_document = factory.Sequence(make_cpf)

    @classmethod
    def _create(cls, model_class: type[Order], *args: Any, **kwargs: Any) -> Order:
        status = kwargs.pop("status")
        order = order_create(
            customer_name=kwargs["customer_name"],
            customer_email=kwargs["customer_email"],
            customer=kwargs.get("customer"),
            buyer_document=kwargs["buyer_document"],
            items=kwargs.get("items")
            or [
                {"description": "Camiseta básica", "quantity": 2, "unit_price": Decimal("59.90")},
                {"description": "Boné bordado", "quantity": 1, "unit_price": Decimal("79.00")},
            ],
            shipping={
                "street": "Rua das Flores",
                "number": "123",
                "district": "Centro",
                "city": "São Paulo",
                "state": "SP",
                "postal_code": "01001-000",
            },
            shipping_cost=Decimal("19.90"),
        )
        for step in PATH_TO[OrderStatus(status)]:
            order = order_process(
                order, to_status=step, by=Actor.system(), fields=fields_for(step)
            ).order
        return order


def dispatched_with_message_and_note(*, by: Actor, message: str, note: str, **kwargs: Any) -> Order:
    """An approved order `by` dispatched with a message to the customer and an internal note."""
    order = OrderFactory(status=OrderStatus.APROVADO, **kwargs)
    return order_process(
        order,
        to_status=OrderStatus.DESPACHADO,
        by=by,
        fields=dispatch_fields(),
        message=message,
        note=note,
    ).order


class PaymentEventFactory(factory.django.DjangoModelFactory):
    """A gateway notification as the webhook stores it; by default a late approval that did nothing.

    `PaymentEventFactory(chargeback=True)` or `(refunded=True)` is one staff must look at.
    """

    class Meta:
        model = PaymentEvent

    provider = "mercadopago"
    event_id = factory.Sequence(lambda n: f"evt-{n}")
    kind = PaymentEventKind.APPROVED
    order = factory.SubFactory(OrderFactory)
    outcome = PaymentEventOutcome.IGNORED
    detail = ""
    needs_attention = False

    class Params:
        chargeback = factory.Trait(
            kind=PaymentEventKind.CHARGEBACK,
            outcome=PaymentEventOutcome.RECORDED,
            detail="Contestação aberta pelo titular do cartão.",
            needs_attention=True,
        )
        refunded = factory.Trait(
            kind=PaymentEventKind.REFUNDED,
            outcome=PaymentEventOutcome.RECORDED,
            detail="Estorno solicitado pelo cliente no gateway.",
            needs_attention=True,
        )
