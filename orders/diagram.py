"""The state machine as a Mermaid diagram, read from Order's django-fsm transitions.

`manage.py state_diagram` prints it; the README's copy is tested against it, so the picture a
newcomer reads is the machine the code runs.
"""

from __future__ import annotations

from orders.models import Order
from orders.rules import OVERRIDE_TRANSITION
from orders.statuses import FINAL_STATUSES, STATUS_SEQUENCE, OrderStatus

OVERRIDE_LABEL = "suporte, com motivo (qualquer status)"


def _position(status: str) -> int:
    return STATUS_SEQUENCE.index(OrderStatus(status))


def state_diagram() -> str:
    field = Order._meta.get_field("status")
    ordinary, overrides = [], []
    for transition in field.get_all_transitions(Order):
        if transition.name == OVERRIDE_TRANSITION:
            overrides.append(transition.source)
        else:
            ordinary.append((transition.source, transition.target))
    # Forward moves first, cancellations after them, each in the order statuses happen.
    ordinary.sort(
        key=lambda pair: (pair[1] == OrderStatus.CANCELADO, _position(pair[0]), _position(pair[1]))
    )
    lines = ["stateDiagram-v2", f"    [*] --> {field.default}"]
    lines += [f"    {source} --> {target}" for source, target in ordinary]
    finals = sorted(FINAL_STATUSES, key=_position)
    lines += [f"    {status} --> [*]" for status in finals]
    first = STATUS_SEQUENCE[0]
    lines += [
        f"    {source} --> {first}: {OVERRIDE_LABEL}" for source in sorted(overrides, key=_position)
    ]
    return "\n".join(lines)
