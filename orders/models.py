"""Orders, their items and their append-only status history."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import django_fsm as fsm
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Cast, JSONObject, Lower
from django.utils.translation import gettext_lazy as _

from .documents import (
    DOCUMENT_LABEL,
    DocumentField,
    PostalCodeField,
    StateField,
    document_kind,
    format_document,
    format_postal_code,
)
from .permissions import OVERRIDE, OVERRIDE_CODENAME, PROCESS, PROCESS_CODENAME
from .status_fields import DISPATCH_FIELDS, FIELD_LABELS
from .statuses import FINAL_STATUSES, OrderStatus

# Every status an order can be in before it is final: the sources of a cancellation.
NOT_FINAL = [status for status in OrderStatus if status not in FINAL_STATUSES]


class JSONArrayAgg(models.Aggregate):
    """The aggregated values as one JSON array (PostgreSQL json_agg, SQLite json_group_array)."""

    function = "JSON_AGG"
    output_field = models.JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # As text, like every JSON column Django reads: JSONField decodes it once.
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"({sql})::text", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


class OrderQuerySet(models.QuerySet):
    def locked_for_change(self) -> OrderQuerySet:
        """Orders row-locked for a status change, each with `items_for_email` (its items as
        plain values) read in the same statement: one round trip before the change."""
        items = (
            OrderItem.objects.filter(order=OuterRef("pk"))
            .order_by()
            .values("order")
            .annotate(
                data=JSONArrayAgg(
                    JSONObject(
                        id="id",
                        description="description",
                        quantity="quantity",
                        unit_price=Cast("unit_price", models.CharField()),
                    )
                )
            )
            .values("data")
        )
        # NO KEY: history and outbox rows may still reference the order meanwhile.
        return self.select_for_update(no_key=True, of=("self",)).annotate(
            items_for_email=Subquery(items, output_field=models.JSONField())
        )

    def lock_for_change(self, pk: int) -> Order:
        """The order `pk`, row-locked, with `items_for_email`: locked_for_change() in one
        statement whose SQL is compiled once per process, as the hot path runs it thousands of
        times an hour and compiling the subquery cost more than running it."""
        sql, params, mark = _compiled_lock(self)
        params = [pk if param == mark else param for param in params]
        order = next(iter(self.model.objects.raw(sql, params)), None)
        if order is None:
            raise self.model.DoesNotExist(f"Order {pk} does not exist.")
        if isinstance(order.items_for_email, str):
            order.items_for_email = json.loads(order.items_for_email)
        return order

    def visible_to_customer(self, user: Any) -> OrderQuerySet:
        """The orders a signed-in customer may see: linked to the account, or placed with one
        of the account's verified e-mail addresses."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        # Only verified addresses count: signing up with someone else's e-mail shows nothing.
        # Looked up by name so the order domain does not import allauth at load time.
        email_address = apps.get_model("account", "EmailAddress")
        # A short list read first, so the orders are found through two indexes (account and
        # e-mail) rather than a scan joined to a subquery: the same cost at a million orders.
        verified = list(
            email_address.objects.filter(user=user, verified=True).values_list(
                Lower("email"), flat=True
            )
        )
        return self.filter(Q(customer=user) | Q(customer_email__in=verified))

    def late(self, now: Any, cutoffs: dict[str, Any] | None = None) -> OrderQuerySet:
        """Orders past their status's time limit at `now` (orders/deadlines.py): the limits
        are read (one small query, unless `cutoffs` are given) and turned into a cutoff per
        status, so the database sees only ranges on the (status, status_changed_at) index."""
        from .deadlines import late_condition, status_cutoffs

        if cutoffs is None:
            cutoffs = status_cutoffs(now)
        return self.filter(late_condition(cutoffs))


# A primary key no order has, marking where the real one goes in the compiled lock SQL.
_PK_MARK = -918_273_645
_LOCK_SQL: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _compiled_lock(queryset: OrderQuerySet) -> tuple[str, tuple[Any, ...], int]:
    alias = queryset.db
    if alias not in _LOCK_SQL:
        query = queryset.locked_for_change().filter(pk=_PK_MARK).query
        _LOCK_SQL[alias] = query.get_compiler(using=alias).as_sql()
    sql, params = _LOCK_SQL[alias]
    return sql, params, _PK_MARK


class Order(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(
        _("número"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    customer_name = models.CharField(_("nome do cliente"), max_length=200)
    customer_email = models.EmailField(_("e-mail do cliente"), db_index=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conta do cliente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    # The buyer's CPF or CNPJ (orders.documents): stored normalised, shown formatted, indexed
    # for the admin's search. Blank on orders created before it existed; the database default
    # keeps INSERTs that do not name it (bulk loads, benchmarks) working.
    buyer_document = DocumentField(
        DOCUMENT_LABEL, max_length=14, blank=True, default="", db_default="", db_index=True
    )
    shipping_street = models.CharField(_("logradouro"), max_length=200, blank=True)
    shipping_number = models.CharField(_("número"), max_length=20, blank=True)
    shipping_complement = models.CharField(_("complemento"), max_length=100, blank=True)
    shipping_district = models.CharField(_("bairro"), max_length=100, blank=True)
    shipping_city = models.CharField(_("cidade"), max_length=100, blank=True)
    shipping_state = StateField(_("UF"), blank=True)
    # Stored as 8 digits; 9 long because older rows hold "00000-000".
    shipping_postal_code = PostalCodeField(_("CEP"), max_length=9, blank=True)
    shipping_cost = models.DecimalField(
        _("frete"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=Decimal("0"))

    status = fsm.FSMField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.NOVO,
        protected=True,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("última alteração de status"), null=True, blank=True)

    # Dispatch data, set by the dispatch transition; kept on the order so staff can search it.
    invoice_number = models.CharField(
        FIELD_LABELS["invoice_number"], max_length=9, blank=True, db_index=True
    )
    nfe_key = models.CharField(FIELD_LABELS["nfe_key"], max_length=44, blank=True, db_index=True)
    carrier = models.CharField(FIELD_LABELS["carrier"], max_length=100, blank=True)
    shipping_method = models.CharField(FIELD_LABELS["shipping_method"], max_length=100, blank=True)
    tracking_code = models.CharField(
        FIELD_LABELS["tracking_code"], max_length=50, blank=True, db_index=True
    )
    nfe_content = models.TextField(FIELD_LABELS["nfe_content"], blank=True)
    nfe_xml = models.TextField(FIELD_LABELS["nfe_xml"], blank=True)

    created_at = models.DateTimeField(_("criado em"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("pedido")
        verbose_name_plural = _("pedidos")
        ordering = ["-created_at", "-id"]
        permissions = [
            (PROCESS_CODENAME, _("Pode processar pedidos (alterar o status)")),
            (OVERRIDE_CODENAME, _("Pode alterar pedidos em status final (suporte)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            # The API's list for ERPs that poll pages through (updated_at, id).
            models.Index(fields=["updated_at", "id"], name="order_updated"),
            # Late orders: per status, those that entered it before a cutoff.
            models.Index(fields=["status", "status_changed_at"], name="order_status_entered"),
        ]

    def __str__(self) -> str:
        return _("Pedido %(number)s") % {"number": self.number or "—"}

    # Transitions: pure, they only set in-memory fields (django-fsm-2's rule). The service in
    # services.py locks, saves, writes the history and queues the e-mail.

    @fsm.transition(
        field=status, source=OrderStatus.NOVO, target=OrderStatus.EM_APROVACAO, permission=PROCESS
    )
    def start_approval(self) -> None:
        pass

    @fsm.transition(
        field=status,
        source=[OrderStatus.NOVO, OrderStatus.EM_APROVACAO],
        target=OrderStatus.APROVADO,
        permission=PROCESS,
    )
    def approve(self) -> None:
        pass

    @fsm.transition(
        field=status,
        source=OrderStatus.APROVADO,
        target=OrderStatus.EM_PRODUCAO,
        permission=PROCESS,
    )
    def start_production(self) -> None:
        pass

    @fsm.transition(
        field=status,
        source=[OrderStatus.APROVADO, OrderStatus.EM_PRODUCAO],
        target=OrderStatus.DESPACHADO,
        permission=PROCESS,
    )
    def dispatch(self, **dispatch_fields: Any) -> None:
        self.set_dispatch_fields(dispatch_fields)

    @fsm.transition(
        field=status, source=OrderStatus.DESPACHADO, target=OrderStatus.TRACKING, permission=PROCESS
    )
    def start_tracking(self) -> None:
        pass

    @fsm.transition(
        field=status,
        source=[OrderStatus.DESPACHADO, OrderStatus.TRACKING],
        target=OrderStatus.CONCLUIDO,
        permission=PROCESS,
    )
    def complete(self) -> None:
        pass

    @fsm.transition(
        field=status, source=NOT_FINAL, target=OrderStatus.CANCELADO, permission=PROCESS
    )
    def cancel(self) -> None:
        # The reason is a field of the change (its history row), not of the order.
        pass

    @fsm.transition(
        field=status,
        source=list(FINAL_STATUSES),
        target=fsm.RETURN_VALUE(*OrderStatus.values),
        permission=OVERRIDE,
    )
    def override_status(self, to_status: str, **status_fields: Any) -> str:
        if to_status == OrderStatus.DESPACHADO:
            self.set_dispatch_fields(status_fields)
        return to_status

    def set_dispatch_fields(self, values: dict[str, Any]) -> None:
        for name in DISPATCH_FIELDS:
            setattr(self, name, values.get(name, "") or "")

    @property
    def shipping_address_lines(self) -> list[str]:
        street = ", ".join(p for p in [self.shipping_street, self.shipping_number] if p)
        if self.shipping_complement:
            street = f"{street} — {self.shipping_complement}"
        city = " / ".join(p for p in [self.shipping_city, self.shipping_state] if p)
        cep = format_postal_code(self.shipping_postal_code)
        lines = [street, self.shipping_district, city, f"CEP {cep}" if cep else ""]
        return [line for line in lines if line]

    @property
    def buyer_document_display(self) -> str:
        """ "CPF 111.444.777-35", "CNPJ 12.ABC.345/01DE-35", or "" without one."""
        if not self.buyer_document:
            return ""
        kind = document_kind(self.buyer_document)
        formatted = format_document(self.buyer_document)
        return f"{kind} {formatted}" if kind else formatted


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    description = models.CharField(_("produto"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantidade"), default=1)
    unit_price = models.DecimalField(_("preço unitário"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("item do pedido")
        verbose_name_plural = _("itens do pedido")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_item_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Lojista")
    SUPPORT = "support", _("Suporte")
    GATEWAY = "gateway", _("Gateway de pagamento")
    INTEGRATION = "integration", _("Integração")
    SYSTEM = "system", _("Sistema")


class AppendOnlyError(Exception):
    """Raised when code tries to rewrite or delete status history."""


class OrderStatusChange(models.Model):
    """One status change of an order. Rows are never edited or deleted; an override revokes."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("de"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("para"), max_length=20, choices=OrderStatus.choices)
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)
    actor_kind = models.CharField(_("tipo de autor"), max_length=20, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuário"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A snapshot of who did it (a person's name, the gateway's or integration's name), so the
    # history still reads right if the user is renamed or removed.
    actor_label = models.CharField(_("autor"), max_length=200, blank=True)
    fields = models.JSONField(_("dados do status"), default=dict, blank=True)
    message_to_customer = models.TextField(_("mensagem ao cliente"), blank=True)
    internal_note = models.TextField(_("observação interna"), blank=True)
    is_override = models.BooleanField(_("alteração do suporte"), default=False)
    override_reason = models.TextField(_("motivo da alteração"), blank=True)
    revoked = models.BooleanField(_("revogado"), default=False)
    revoked_by = models.ForeignKey(
        "self",
        verbose_name=_("revogado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_changes",
    )

    class Meta:
        verbose_name = _("alteração de status")
        verbose_name_plural = _("andamento do pedido")
        ordering = ["created_at", "id"]
        constraints = [
            # "Each status at most once per order", enforced by the database too: two staff
            # members clicking at once cannot both write the same status.
            models.UniqueConstraint(
                fields=["order", "to_status"],
                condition=Q(revoked=False),
                name="uniq_active_status_per_order",
            ),
        ]
        indexes = [
            # The dashboard's time in each status reads the last 30 days of changes.
            models.Index(fields=["created_at"], name="status_change_created"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and set(kwargs.get("update_fields") or []) - {
            "revoked",
            "revoked_by",
        }:
            raise AppendOnlyError("Status history is append-only.")
        if self.pk is not None and not kwargs.get("update_fields"):
            raise AppendOnlyError("Status history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Status history is append-only.")

    @property
    def actor_display(self) -> str:
        return _actor_display(self.actor_kind, self.actor_label)


def _actor_display(actor_kind: str, actor_label: str) -> str:
    if actor_kind in (ActorKind.STAFF, ActorKind.SUPPORT) and actor_label:
        return actor_label
    kind = str(ActorKind(actor_kind).label)
    # "Gateway de pagamento (Mercado Pago)", "Integração (ERP Bling)".
    if actor_label and actor_label != kind:
        return f"{kind} ({actor_label})"
    return kind


class DispatchCorrection(models.Model):
    """A correction of a dispatched order's dispatch data: who, when, each field old → new.

    Not a status change, so "each status once per order" and the history's unique index are
    untouched. Rows are never edited or deleted, like the status history.
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="dispatch_corrections")
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)
    # The order's status when it was corrected (Despachado, Tracking or, by support, Concluído).
    status = models.CharField(_("status do pedido"), max_length=20, choices=OrderStatus.choices)
    actor_kind = models.CharField(_("tipo de autor"), max_length=20, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuário"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("autor"), max_length=200, blank=True)
    # {field name: [old value, new value]} for each field that changed.
    changes = models.JSONField(_("campos corrigidos"), default=dict)
    message_to_customer = models.TextField(_("mensagem ao cliente"), blank=True)
    internal_note = models.TextField(_("observação interna"), blank=True)
    notified = models.BooleanField(_("cliente avisado"), default=True)

    class Meta:
        verbose_name = _("correção do despacho")
        verbose_name_plural = _("correções do despacho")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="dispatch_corr_order_created")]

    def __str__(self) -> str:
        return f"{self.order_id}: {', '.join(self.changes)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Dispatch corrections are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Dispatch corrections are append-only.")

    @property
    def actor_display(self) -> str:
        return _actor_display(self.actor_kind, self.actor_label)


# Carrier scans, spreadsheet dispatch jobs, status time limits and the Painel's snapshot live
# in their own modules (one idea per file); imported here so Django finds the models.
from .dashboard_snapshot import DashboardSnapshot  # noqa: E402, F401
from .deadlines import StatusDeadline  # noqa: E402, F401
from .dispatch_import_models import DispatchImport, DispatchImportRow  # noqa: E402, F401
from .export_jobs import ExportJob  # noqa: E402, F401
from .tracking_events import TrackingEvent  # noqa: E402, F401
