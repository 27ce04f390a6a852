"""The README's state diagram is the one the state machine draws of itself."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

README = Path(__file__).resolve().parents[2] / "README.md"


def printed_diagram() -> str:
    out = StringIO()
    call_command("state_diagram", stdout=out)
    return out.getvalue().strip()


def test_the_readme_shows_the_diagram_the_state_machine_prints():
    readme_copy = re.search(r"```mermaid\n(.*?)\n```", README.read_text(), re.S)

    assert readme_copy is not None, "README.md has no ```mermaid block"
    assert readme_copy.group(1).strip() == printed_diagram(), (
        "README.md's state diagram is out of date: paste `python manage.py state_diagram`"
    )


def test_the_diagram_has_every_transition_of_the_machine():
    diagram = printed_diagram()

    # A few the design names (design §2): dispatch from production, cancel before dispatch.
    for line in [
        "em_producao --> despachado",
        "despachado --> cancelado",
        "tracking --> concluido",
    ]:
        assert f"    {line}\n" in diagram + "\n"
    # Finals only leave through the support override.
    assert "concluido --> novo: suporte" in diagram
    assert "concluido --> cancelado" not in diagram
