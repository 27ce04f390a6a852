from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from orders.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Cria usuários e pedidos de demonstração (pode ser executado várias vezes)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo users share a published password: never in a store's production database.
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "seed_demo não roda com DEBUG desligado: os usuários de demonstração têm uma "
                "senha pública. Use-o só em desenvolvimento (DEBUG=1), nunca no banco da loja."
            )
        # The demo customers are made up: their status e-mails go through the whole outbox but
        # into memory, not onto the console of `make run`.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            _, created = seed_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"{created} pedidos de demonstração criados."))
        else:
            self.stdout.write("Os pedidos de demonstração já existem; nada foi criado.")
        self.stdout.write(f"Usuários de demonstração (senha: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<8} {user.email}")
