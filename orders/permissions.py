"""Who may do what to an order: the two permissions and the staff roles, named only here.

- `orders.process_order`: move an order through its statuses ("Processar pedido").
- `orders.override_final_status`: support only; change an order that is Concluído or Cancelado.

Groups Lojista and Suporte are made from ROLE_PERMISSIONS after every migrate.
"""

from __future__ import annotations

from typing import Any

PROCESS_CODENAME = "process_order"
OVERRIDE_CODENAME = "override_final_status"
PROCESS = f"orders.{PROCESS_CODENAME}"
OVERRIDE = f"orders.{OVERRIDE_CODENAME}"

STORE_STAFF_GROUP = "Lojista"
SUPPORT_GROUP = "Suporte"

STORE_STAFF_PERMISSIONS = [
    "orders.view_order",
    "orders.view_orderitem",
    "orders.view_orderstatuschange",
    PROCESS,
    # The store's e-mails: edit their text, watch the outbox, re-send what failed.
    "notifications.view_emailtemplate",
    "notifications.change_emailtemplate",
    "notifications.view_emailoutbox",
    "notifications.view_emailattempt",
    "notifications.view_emaildeliveryevent",
    "notifications.resend_email",
    # Refunds and chargebacks flagged by the gateways: staff read them and mark them resolved.
    "payments.view_paymentevent",
    "payments.change_paymentevent",
    # Carrier scans: returned or lost parcels are flagged; staff read them and clear the flag.
    "orders.view_trackingevent",
    "orders.change_trackingevent",
    # How long an order may stay in each status before it shows as late.
    "orders.view_statusdeadline",
    "orders.add_statusdeadline",
    "orders.change_statusdeadline",
]
SUPPORT_PERMISSIONS = [
    *STORE_STAFF_PERMISSIONS,
    OVERRIDE,
    # Support can see the integrations' API tokens and revoke a leaked one.
    "integrations.view_apitoken",
    "integrations.change_apitoken",
    # Outbound webhooks: register endpoints, watch deliveries, re-send what failed.
    "integrations.view_webhookendpoint",
    "integrations.add_webhookendpoint",
    "integrations.change_webhookendpoint",
    "integrations.delete_webhookendpoint",
    "integrations.view_webhookdelivery",
    "integrations.view_webhookattempt",
    "integrations.resend_webhook",
]

ROLE_PERMISSIONS = {
    STORE_STAFF_GROUP: STORE_STAFF_PERMISSIONS,
    SUPPORT_GROUP: SUPPORT_PERMISSIONS,
}


def can_process(user: Any) -> bool:
    """May `user` move orders through their statuses (ordinary changes)?"""
    return bool(user.is_active and user.has_perm(PROCESS))


def can_override(user: Any) -> bool:
    """May `user` change an order in a final status (support)?"""
    return bool(user.is_active and user.has_perm(OVERRIDE))


def may_open_processing(user: Any) -> bool:
    """Does "Processar pedido" apply to `user` at all (either permission)?"""
    return can_process(user) or can_override(user)


def _permissions(names: list[str]) -> list[Any]:
    from django.contrib.auth.models import Permission

    wanted = {tuple(name.split(".", 1)) for name in names}
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted}
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def ensure_role_groups() -> None:
    """Create the role groups with their permissions; safe to run any number of times."""
    from django.contrib.auth.models import Group

    for group_name, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*_permissions(permission_names))
