"""Exit non-zero when e-mails are stuck or failed, naming the oldest one (R9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.models import EmailOutbox, OutboxStatus


class Command(BaseCommand):
    help = "Verifica a fila de e-mails: falha se houver e-mail parado há muito tempo ou falhado."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--max-age-minutes", type=int, default=10)

    def handle(self, *args: Any, max_age_minutes: int = 10, **options: Any) -> None:
        now = timezone.now()
        oldest = EmailOutbox.objects.waiting().order_by("created_at", "id").first()
        dead = EmailOutbox.objects.filter(status=OutboxStatus.DEAD)
        problems = []
        if oldest and now - oldest.created_at > timedelta(minutes=max_age_minutes):
            minutes = int((now - oldest.created_at).total_seconds() // 60)
            problems.append(
                f"E-mail #{oldest.pk} ({oldest.template} → {oldest.to_email}) "
                f"aguarda envio há {minutes} min."
            )
        first_dead = dead.order_by("created_at", "id").first()
        if first_dead:
            problems.append(
                f"{dead.count()} e-mail(s) falharam; o mais antigo é o #{first_dead.pk} "
                f"({first_dead.template} → {first_dead.to_email}): {first_dead.last_error[:200]}"
            )
        if problems:
            raise CommandError(" ".join(problems))
        waiting = EmailOutbox.objects.waiting().count()
        self.stdout.write(f"Fila de e-mails em dia: {waiting} aguardando, nenhum falhou.")
