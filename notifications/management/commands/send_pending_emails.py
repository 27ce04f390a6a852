"""Send every due e-mail now, without the broker: for cron, or when Redis is the problem."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from notifications.sweeper import sweep


class Command(BaseCommand):
    help = "Envia os e-mails pendentes da fila (e retoma os que ficaram presos em envio)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args: Any, batch_size: int | None = None, **options: Any) -> None:
        sent = sweep(batch_size=batch_size)
        self.stdout.write(_("%(n)d e-mail(s) enviado(s).") % {"n": sent})
