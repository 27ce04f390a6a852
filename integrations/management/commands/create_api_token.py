"""`python manage.py create_api_token NAME [--scope SCOPE ...]`: a new integration API token,
printed once. Without --scope the token gets every scope."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.models import ApiScope, ApiToken, all_scopes
from integrations.tokens import issue_token

NAME_MAX = ApiToken._meta.get_field("name").max_length


class Command(BaseCommand):
    help = "Cria um token da API de integração e o mostra uma única vez."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Nome da integração (aparece no andamento do pedido).")
        parser.add_argument(
            "--scope",
            action="append",
            choices=all_scopes(),
            dest="scopes",
            help="Permissão do token; repita para dar várias. Sem --scope: todas.",
        )

    def handle(self, *args: Any, name: str, scopes: list[str] | None, **options: Any) -> None:
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            raise CommandError(f"Informe um nome com 1 a {NAME_MAX} caracteres.")
        token, raw = issue_token(name, scopes)
        granted = ", ".join(f"{scope} ({ApiScope(scope).label})" for scope in token.scopes)
        self.stderr.write(
            f"Token “{token.name}” criado ({token.prefix}…) com as permissões: {granted}. "
            "Guarde-o agora: ele não será mostrado de novo. "
            "Use-o como “Authorization: Bearer <token>”."
        )
        # The token alone on stdout, so a script can capture it.
        self.stdout.write(raw)
