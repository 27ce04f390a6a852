"""Checks a store-edited template before it is saved or rendered (docs/reliability.md, R24).

Django's template language "isn't safe against untrusted template authors", so an edited
e-mail may use only an allow-list of tags and filters and only the variables its e-mail
declares; the context it gets is plain values built by us, never model instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.template import Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, TokenType, Variable, VariableNode
from django.template.defaulttags import FirstOfNode, ForNode, IfNode, WithNode
from django.utils.translation import gettext as _

ALLOWED_TAGS = frozenset(
    {
        "if", "elif", "else", "endif",
        "for", "empty", "endfor",
        "with", "endwith",
        "firstof", "now",
        "spaceless", "endspaceless",
        "comment", "endcomment",
    }
)  # fmt: skip
ALLOWED_FILTERS = frozenset(
    {
        "capfirst", "cut", "date", "default", "default_if_none", "first", "floatformat",
        "join", "last", "length", "linebreaks", "linebreaksbr", "lower", "pluralize",
        "time", "title", "truncatechars", "truncatewords", "upper", "urlencode", "yesno",
    }
)  # fmt: skip

# Only Django's built-in tags and filters (bounded ones, sandbox.py, replace `for` and every
# filter), no libraries to {% load %} and no loaders.
BUILTINS = [
    "django.template.defaulttags",
    "django.template.defaultfilters",
    "notifications.sandbox",
]
ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, builtins=BUILTINS)
TEXT_ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=False, builtins=BUILTINS)
FILTER_NAMES = {
    func: name for library in ENGINE.template_builtins for name, func in library.filters.items()
}
# `{% for %}` inside `{% for %}` is fine (items and their details); a third level multiplies
# iterations for no e-mail we can think of.
MAX_LOOP_DEPTH = 2
# Characters per part; the default templates are under 3,000.
MAX_SOURCE_CHARS = 20_000


def template_problems(source: str, variables: Iterable[str]) -> list[str]:
    """Portuguese messages for everything wrong with `source`; empty when it is safe."""
    if len(source) > MAX_SOURCE_CHARS:
        return cost_problems(source)
    problems = _tag_problems(source)
    if problems:
        return problems
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        return [_("Erro de sintaxe no modelo: %(error)s") % {"error": error}]
    problems = _nesting_problems(template.nodelist)
    allowed = set(variables) | {"forloop"} | _local_names(template.nodelist)
    for expression in _expressions(template.nodelist):
        problems.extend(_expression_problems(expression, allowed))
    return list(dict.fromkeys(problems))


def cost_problems(source: str) -> list[str]:
    """What makes `source` too costly to render (too long, loops nested too deep)."""
    if len(source) > MAX_SOURCE_CHARS:
        return [
            _("O modelo é grande demais (máximo de %(n)d caracteres).") % {"n": MAX_SOURCE_CHARS}
        ]
    if _tag_problems(source):
        return []
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError:
        return []
    return _nesting_problems(template.nodelist)


def _nesting_problems(nodelist) -> list[str]:
    if _loop_depth(nodelist) > MAX_LOOP_DEPTH:
        return [_("O modelo tem laços aninhados demais (máximo %(n)d).") % {"n": MAX_LOOP_DEPTH}]
    return []


def _loop_depth(nodelist) -> int:
    deepest = 0
    for node in nodelist:
        inner = max(
            (_loop_depth(getattr(node, name, None) or []) for name in node.child_nodelists),
            default=0,
        )
        deepest = max(deepest, inner + isinstance(node, ForNode))
    return deepest


def _tag_problems(source: str) -> list[str]:
    problems = []
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        name = (token.split_contents() or [""])[0]
        if name not in ALLOWED_TAGS:
            problems.append(_("A tag {%% %(tag)s %%} não é permitida nos e-mails.") % {"tag": name})
    return problems


def _local_names(nodelist) -> set[str]:
    names: set[str] = set()
    for node in nodelist.get_nodes_by_type(ForNode):
        names.update(node.loopvars)
    for node in nodelist.get_nodes_by_type(WithNode):
        names.update(node.extra_context)
    return names


def _expressions(nodelist) -> Iterator[FilterExpression]:
    for node in nodelist.get_nodes_by_type(VariableNode):
        yield node.filter_expression
    for node in nodelist.get_nodes_by_type(ForNode):
        yield node.sequence
    for node in nodelist.get_nodes_by_type(WithNode):
        yield from node.extra_context.values()
    for node in nodelist.get_nodes_by_type(FirstOfNode):
        yield from node.vars
    for node in nodelist.get_nodes_by_type(IfNode):
        for condition, _nodelist in node.conditions_nodelists:
            yield from _condition_expressions(condition)


def _condition_expressions(condition) -> Iterator[FilterExpression]:
    # smartif builds a tree: literals hold `.value`, operators hold `.first`/`.second`.
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for part in ("first", "second"):
        yield from _condition_expressions(getattr(condition, part, None))


def _expression_problems(expression: FilterExpression, allowed: set[str]) -> list[str]:
    problems = _variable_problems(expression.var, allowed)
    for func, args in expression.filters:
        name = FILTER_NAMES.get(func, getattr(func, "__name__", "?"))
        if name not in ALLOWED_FILTERS:
            problems.append(
                _("O filtro |%(filter)s não é permitido nos e-mails.") % {"filter": name}
            )
        for is_lookup, arg in args:
            if is_lookup:
                problems.extend(_variable_problems(arg, allowed))
    return problems


def _variable_problems(var: object, allowed: set[str]) -> list[str]:
    if not isinstance(var, Variable) or var.lookups is None:
        return []
    shown = ".".join(var.lookups)
    if var.lookups[0] not in allowed or any(part.startswith("_") for part in var.lookups):
        return [
            _("A variável {{ %(var)s }} não existe neste e-mail. Use uma das variáveis listadas.")
            % {"var": shown}
        ]
    return []
