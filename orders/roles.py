"""The staff roles: groups Lojista (process orders) and Suporte (also override final statuses)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

STORE_STAFF_GROUP = "Lojista"
SUPPORT_GROUP = "Suporte"

STORE_STAFF_PERMISSIONS = [
    "orders.view_order",
    "orders.view_orderitem",
    "orders.view_orderstatuschange",
    "orders.process_order",
    # The store's e-mails: edit their text, watch the outbox, re-send what failed.
    "notifications.view_emailtemplate",
    "notifications.change_emailtemplate",
    "notifications.view_emailoutbox",
    "notifications.view_emailattempt",
    "notifications.view_emaildeliveryevent",
    "notifications.resend_email",
    # Refunds and chargebacks flagged by the gateways: staff read them and mark them resolved.
    "orders.view_paymentevent",
    "orders.change_paymentevent",
]
SUPPORT_PERMISSIONS = [
    *STORE_STAFF_PERMISSIONS,
    "orders.override_final_status",
    # Support can see the integrations' API tokens and revoke a leaked one.
    "orders.view_apitoken",
    "orders.change_apitoken",
]

ROLE_PERMISSIONS = {
    STORE_STAFF_GROUP: STORE_STAFF_PERMISSIONS,
    SUPPORT_GROUP: SUPPORT_PERMISSIONS,
}


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted}
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def ensure_role_groups(**kwargs: Any) -> None:
    """Create the role groups with their permissions; safe to run any number of times."""
    for group_name, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*_permissions(permission_names))
