from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from orders.diagram import state_diagram


class Command(BaseCommand):
    help = "Imprime o diagrama de status (Mermaid) gerado da máquina de estados do pedido."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(state_diagram())
