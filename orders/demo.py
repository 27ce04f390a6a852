"""Believable demo data for `manage.py seed_demo`: staff, support, a customer and their orders."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from .actors import Actor
from .documents import cnpj_check_digits, cpf_check_digits
from .models import Order, OrderStatusChange
from .nfe import nfe_check_digit
from .permissions import STORE_STAFF_GROUP, SUPPORT_GROUP
from .services import order_create, order_process
from .statuses import OrderStatus

DEMO_PASSWORD = "jetdemo2026"
DEMO_DOMAIN = "exemplo.com.br"
S = OrderStatus


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    group: str | None = None
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_DOMAIN}"


DEMO_USERS = [
    DemoUser("lojista", "Larissa", "Souza", STORE_STAFF_GROUP),
    DemoUser("suporte", "Rafael", "Almeida", SUPPORT_GROUP),
    DemoUser("admin", "Administrador", "JET", is_superuser=True),
    DemoUser("cliente", "Camila", "Ferreira"),
]


def _cpf(first_9: str) -> str:
    return first_9 + cpf_check_digits(first_9)


def _cnpj(first_12: str) -> str:
    return first_12 + cnpj_check_digits(first_12)


# name, e-mail handle, street, number, district, city, UF, CEP, CPF/CNPJ. One buyer is a
# company with an alphanumeric CNPJ (issued since July 2026).
CUSTOMERS = [
    (
        "Camila Ferreira",
        "cliente",
        "Rua Oscar Freire",
        "1200",
        "Jardins",
        "São Paulo",
        "SP",
        "01426001",
        _cpf("529982247"),
    ),
    (
        "João Pedro Santos",
        "joao.santos",
        "Av. Afonso Pena",
        "3100",
        "Centro",
        "Belo Horizonte",
        "MG",
        "30130009",
        _cpf("111444777"),
    ),
    (
        "Mariana Costa",
        "mari.costa",
        "Rua da Aurora",
        "45",
        "Boa Vista",
        "Recife",
        "PE",
        "50050000",
        _cpf("390533447"),
    ),
    (
        "Lucas Oliveira",
        "lucas.oli",
        "Av. Beira-Mar",
        "800",
        "Meireles",
        "Fortaleza",
        "CE",
        "60165121",
        _cpf("714602380"),
    ),
    (
        "Beatriz Lima",
        "bia.lima",
        "Rua XV de Novembro",
        "77",
        "Centro",
        "Curitiba",
        "PR",
        "80020310",
        _cpf("258369147"),
    ),
    (
        "Ateliê Ponto Azul Ltda",
        "compras.pontoazul",
        "Rua Chile",
        "12",
        "Comércio",
        "Salvador",
        "BA",
        "40020000",
        _cnpj("12ABC34501DE"),
    ),
    (
        "Ana Clara Martins",
        "anaclara",
        "Av. Ipiranga",
        "6681",
        "Partenon",
        "Porto Alegre",
        "RS",
        "90619900",
        _cpf("864197253"),
    ),
    (
        "Felipe Carvalho",
        "felipe.c",
        "SQS 308 Bloco C",
        "201",
        "Asa Sul",
        "Brasília",
        "DF",
        "70355030",
        _cpf("475318962"),
    ),
]

PRODUCTS = [
    ("CAM-ALG-P", "Camiseta de algodão orgânico", Decimal("79.90")),
    ("CAN-PER-01", "Caneca personalizada com nome", Decimal("49.90")),
    ("QDR-A3-MAD", "Quadro decorativo A3 com moldura", Decimal("189.00")),
    ("ALM-BORD", "Almofada bordada à mão", Decimal("129.90")),
    ("ECO-BAG", "Ecobag de lona", Decimal("39.90")),
    ("AGD-2027", "Agenda 2027 capa dura", Decimal("64.50")),
]

# (status, how many orders) — every status has orders, most of them in the working statuses.
SPREAD = [
    (S.NOVO, 5),
    (S.EM_APROVACAO, 4),
    (S.APROVADO, 6),
    (S.EM_PRODUCAO, 4),
    (S.DESPACHADO, 5),
    (S.TRACKING, 4),
    (S.CONCLUIDO, 6),
    (S.CANCELADO, 4),
]

# Time between two demo status changes.
STEP = timedelta(hours=6)

PATH_TO = {
    S.NOVO: [],
    S.EM_APROVACAO: [S.EM_APROVACAO],
    S.APROVADO: [S.EM_APROVACAO, S.APROVADO],
    S.EM_PRODUCAO: [S.APROVADO, S.EM_PRODUCAO],
    S.DESPACHADO: [S.APROVADO, S.EM_PRODUCAO, S.DESPACHADO],
    S.TRACKING: [S.APROVADO, S.DESPACHADO, S.TRACKING],
    S.CONCLUIDO: [S.EM_APROVACAO, S.APROVADO, S.DESPACHADO, S.TRACKING, S.CONCLUIDO],
    S.CANCELADO: [S.EM_APROVACAO, S.CANCELADO],
}

CARRIERS = [
    ("Correios", "SEDEX"),
    ("Correios", "PAC"),
    ("Jadlog", ".Package"),
    ("Loggi", "Expresso"),
]
MESSAGES = {
    S.EM_PRODUCAO: "Seu pedido personalizado já está com a nossa equipe de produção.",
    S.DESPACHADO: "Seu pedido foi embalado com carinho e já está com a transportadora.",
    S.CONCLUIDO: "Esperamos que goste! Conte para nós o que achou.",
}


def correios_code(serial: int) -> str:
    digits = f"{serial:08d}"
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = 5 if remainder == 0 else 0 if remainder == 1 else 11 - remainder
    return f"QB{digits}{check}BR"


def demo_nfe_key(invoice_number: int) -> str:
    first_43 = f"352611{'45678912000134'}55001{invoice_number:09d}1{invoice_number * 7:08d}"
    return first_43 + str(nfe_check_digit(first_43))


def ensure_users() -> dict[str, object]:
    users = {}
    for demo in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=demo.username,
            defaults={
                "email": demo.email,
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "is_staff": demo.group is not None or demo.is_superuser,
                "is_superuser": demo.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if demo.group:
            user.groups.add(Group.objects.get(name=demo.group))
        # The demo customer signs in at /conta/ with a confirmed address, as after sign-up.
        EmailAddress.objects.update_or_create(
            user=user, email=demo.email, defaults={"verified": True, "primary": True}
        )
        users[demo.username] = get_user_model().objects.get(pk=user.pk)
    return users


def _fields(status: str, serial: int) -> dict[str, str]:
    if status == S.DESPACHADO:
        carrier, method = CARRIERS[serial % len(CARRIERS)]
        invoice = 4000 + serial
        return {
            "invoice_number": str(invoice),
            "nfe_key": demo_nfe_key(invoice),
            "carrier": carrier,
            "shipping_method": method,
            "tracking_code": correios_code(10_000_000 + serial * 37)
            if carrier == "Correios"
            else f"JD{serial:010d}",
            "nfe_content": "Artigos de decoração e vestuário",
        }
    if status == S.CANCELADO:
        return {"reason": "Pagamento não aprovado pela operadora do cartão"}
    return {}


def _actor_for(status: str, users: dict[str, object]) -> Actor:
    if status in (S.EM_APROVACAO, S.APROVADO):
        return Actor.gateway("Mercado Pago")
    if status == S.TRACKING:
        return Actor.integration("Rastreio Correios")
    return Actor.person(users["lojista"])


def create_orders(users: dict[str, object], rng: random.Random) -> int:
    now = timezone.now()
    serial = 0
    for status, count in SPREAD:
        for _ in range(count):
            serial += 1
            name, handle, street, number, district, city, state, cep, document = rng.choice(
                CUSTOMERS
            )
            picks = rng.sample(PRODUCTS, k=rng.randint(1, 3))
            order = order_create(
                customer_name=name,
                customer_email=f"{handle}@{DEMO_DOMAIN}",
                customer=users["cliente"] if handle == "cliente" else None,
                buyer_document=document,
                items=[
                    {
                        "sku": sku,
                        "description": desc,
                        "quantity": rng.randint(1, 3),
                        "unit_price": p,
                    }
                    for sku, desc, p in picks
                ],
                shipping={
                    "street": street,
                    "number": number,
                    "district": district,
                    "city": city,
                    "state": state,
                    "postal_code": cep,
                },
                shipping_cost=Decimal(rng.choice(["0.00", "19.90", "24.50", "32.00"])),
            )
            for step in PATH_TO[status]:
                order_process(
                    order,
                    to_status=step,
                    by=_actor_for(step, users),
                    fields=_fields(step, serial),
                    message=MESSAGES.get(step, ""),
                )
            # The whole timeline ends in the past: it starts that many 6-hour steps earlier.
            ago = timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 23))
            _backdate(order, now - ago - STEP * len(PATH_TO[status]))
    return serial


def _backdate(order: Order, start) -> None:
    """Spread the demo timeline over past days (demo data only: real history is never edited)."""
    when = start
    for change in order.status_changes.order_by("id"):
        OrderStatusChange.objects.filter(pk=change.pk).update(created_at=when)
        last = when
        when += STEP
    Order.objects.filter(pk=order.pk).update(created_at=start, status_changed_at=last)


def seed_demo() -> tuple[dict[str, object], int]:
    users = ensure_users()
    if Order.objects.filter(customer_email__endswith=f"@{DEMO_DOMAIN}").exists():
        fill_buyer_documents()
        return users, 0
    return users, create_orders(users, random.Random(2026))


def fill_buyer_documents() -> None:
    """Demo orders seeded before orders carried the buyer's CPF/CNPJ get theirs (and a real
    CEP), so running seed_demo again brings an older demo database up to date."""
    for _name, handle, *_street, state, cep, document in CUSTOMERS:
        Order.objects.filter(customer_email=f"{handle}@{DEMO_DOMAIN}", buyer_document="").update(
            buyer_document=document, shipping_state=state, shipping_postal_code=cep
        )
