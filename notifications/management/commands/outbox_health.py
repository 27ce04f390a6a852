"""Exit non-zero when e-mails are stuck or failed, naming the oldest one
(docs/reliability.md, R9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import EmailOutbox, OutboxStatus


class Command(BaseCommand):
    help = "Verifica a fila de e-mails: falha se houver e-mail parado há muito tempo ou falhado."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--max-age-minutes", type=int, default=10)

    def handle(self, *args: Any, max_age_minutes: int = 10, **options: Any) -> None:
        problems = [*self._stuck(max_age_minutes), *self._failed()]
        if problems:
            raise CommandError(" ".join(problems))
        waiting = EmailOutbox.objects.waiting().count()
        self.stdout.write(
            _("Fila de e-mails em dia: %(n)d aguardando, nenhum falhou.") % {"n": waiting}
        )

    def _stuck(self, max_age_minutes: int) -> list[str]:
        now = timezone.now()
        oldest = EmailOutbox.objects.waiting().order_by("created_at", "id").first()
        if not oldest or now - oldest.created_at <= timedelta(minutes=max_age_minutes):
            return []
        minutes = int((now - oldest.created_at).total_seconds() // 60)
        return [
            _("E-mail #%(id)s (%(name)s → %(to)s) aguarda envio há %(min)d min.")
            % {"id": oldest.pk, "name": oldest.template, "to": oldest.to_email, "min": minutes}
        ]

    def _failed(self) -> list[str]:
        dead = EmailOutbox.objects.filter(status=OutboxStatus.DEAD)
        first = dead.order_by("created_at", "id").first()
        if not first:
            return []
        return [
            _("%(n)d e-mail(s) falharam; o mais antigo é o #%(id)s (%(name)s → %(to)s): %(err)s")
            % {
                "n": dead.count(),
                "id": first.pk,
                "name": first.template,
                "to": first.to_email,
                "err": first.last_error[:200],
            }
        ]
