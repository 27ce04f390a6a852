"""The tags and filters a store-edited e-mail renders with, each bounded (docs/reliability.md, R24).

Django's own `for` and filters, wrapped: every loop iteration counts against a per-render
budget (iterations and a wall-clock limit), and no filter may return a string longer than
MAX_VALUE_CHARS. Past a limit the render stops with TemplateTooCostly, so a template such as
four nested `{% for %}` over a customer's name (18 s before this existed) cannot tie up a
worker. Plain Python counters and time.monotonic(): no signals, no threads, so it behaves the
same under gunicorn and Celery. safety.py refuses what is visibly too costly (nesting) on save.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.template import Library, defaultfilters, defaulttags
from django.template.defaulttags import ForNode
from django.utils.translation import gettext as _

from .errors import TemplateTooCostly

# Loop iterations per render, every loop together: an order's items times a few loops fit.
MAX_LOOP_ITERATIONS = 10_000
# Seconds one render may take; a default e-mail renders in milliseconds.
RENDER_TIME_LIMIT = 1.0
# Characters one filter may return; the longest value in a context is a 2,000-character message.
MAX_VALUE_CHARS = 20_000


class RenderBudget:
    def __init__(self) -> None:
        self.iterations = 0
        self.deadline = time.monotonic() + RENDER_TIME_LIMIT
        # Set when a limit was hit, even where a tag swallowed the exception ({% if %}).
        self.exceeded: TemplateTooCostly | None = None

    def tick(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_LOOP_ITERATIONS:
            self.fail(
                _("O modelo repete trechos demais (máximo de %(n)d repetições por e-mail).")
                % {"n": MAX_LOOP_ITERATIONS}
            )
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            self.fail(
                _("O modelo demorou demais para ser montado (limite de %(s)s s).")
                % {"s": RENDER_TIME_LIMIT}
            )

    def fail(self, message: str) -> None:
        self.exceeded = self.exceeded or TemplateTooCostly(message)
        raise self.exceeded


_budget: ContextVar[RenderBudget | None] = ContextVar("email_render_budget", default=None)


@contextmanager
def render_budget() -> Iterator[RenderBudget]:
    """One budget for everything rendered inside (every part of one e-mail)."""
    budget = RenderBudget()
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)
    if budget.exceeded:
        raise budget.exceeded


def current_budget() -> RenderBudget:
    # Outside render_budget() (a stray render) each call gets a fresh one: still bounded.
    return _budget.get() or RenderBudget()


class _CountedValues:
    """A loop's values; each step taken counts against the render's budget."""

    def __init__(self, values: Any) -> None:
        self.values = values if hasattr(values, "__len__") else list(values)
        self.budget = current_budget()

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Iterator[Any]:
        for item in self.values:
            self.budget.tick()
            yield item

    def __reversed__(self) -> Iterator[Any]:
        for item in reversed(self.values):
            self.budget.tick()
            yield item


class _CountedSequence:
    """A `for` tag's sequence expression whose values are counted; reads like the original."""

    def __init__(self, expression: Any) -> None:
        self.expression = expression

    def __getattr__(self, name: str) -> Any:
        return getattr(self.expression, name)

    def __str__(self) -> str:
        return str(self.expression)

    def resolve(self, context: Any, ignore_failures: bool = False) -> Any:
        values = self.expression.resolve(context, ignore_failures=ignore_failures)
        return None if values is None else _CountedValues(values)


class BoundedForNode(ForNode):
    """Django's {% for %}, each iteration counted (safety.py finds it as a ForNode)."""

    def __init__(self, node: ForNode) -> None:
        super().__init__(
            node.loopvars,
            _CountedSequence(node.sequence),
            node.is_reversed,
            node.nodelist_loop,
            node.nodelist_empty,
        )


def bounded_for(parser: Any, token: Any) -> BoundedForNode:
    return BoundedForNode(defaulttags.do_for(parser, token))


def bounded_filter(func: Any) -> Any:
    # functools.wraps keeps the flags (is_safe, needs_autoescape…) and, through __wrapped__,
    # the signature Django checks the filter's arguments against.
    @wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        budget = current_budget()
        budget.check_time()
        result = func(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_VALUE_CHARS:
            budget.fail(
                _("Um filtro gerou um texto longo demais (máximo de %(n)d caracteres).")
                % {"n": MAX_VALUE_CHARS}
            )
        return result

    return bounded


# The library the sandboxed engines load after Django's built-ins, so its `for` and filters
# replace theirs. Only safety.ALLOWED_TAGS and ALLOWED_FILTERS may be used at all.
register = Library()
register.tags.update(defaulttags.register.tags)
register.tags["for"] = bounded_for
register.filters.update(
    {name: bounded_filter(func) for name, func in defaultfilters.register.filters.items()}
)
