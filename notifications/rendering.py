"""Renders an e-mail: the store's edited template if there is one, else the default files."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError, loader
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .catalog import EmailSpec, spec_for
from .errors import RenderError, TemplateTooCostly
from .models import EmailTemplate
from .safety import ENGINE, TEXT_ENGINE, cost_problems, template_problems
from .sandbox import render_budget

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 200
# Default files, in the sending app's templates/: emails/<name>_subject.txt, <name>_body.txt,
# <name>_body.html.
PARTS = {"subject": "subject.txt", "body_text": "body.txt", "body_html": "body.html"}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def default_source(name: str, part: str) -> str:
    """The source of a default template file, shown in the admin as the starting point."""
    try:
        template = loader.get_template(f"emails/{name}_{PARTS[part]}")
    except TemplateDoesNotExist:
        return ""
    return template.template.source


def sources(name: str) -> dict[str, str]:
    edited = EmailTemplate.objects.filter(name=name).first()
    return {
        part: (getattr(edited, part, "") if edited else "") or default_source(name, part)
        for part in PARTS
    }


def render_email(name: str, context: dict[str, Any]) -> RenderedEmail:
    """Render every part; RenderError (never anything else) when that is impossible.

    A store-edited template over a limit (TemplateTooCostly) does not cost the customer the
    e-mail: it is sent with the default templates, and the store's version is logged.
    """
    spec = spec_for(name)
    if spec is None:
        raise RenderError(_("E-mail desconhecido: %(name)s") % {"name": name})
    try:
        return render_sources(spec, sources(name), context)
    except TemplateTooCostly as error:
        logger.warning(
            "E-mail %s: the store's template is over a limit (%s); using the default", name, error
        )
        defaults = {part: default_source(name, part) for part in PARTS}
        return render_sources(spec, defaults, context)


def render_sources(
    spec: EmailSpec, parts: dict[str, str], context: dict[str, Any]
) -> RenderedEmail:
    for part, source in parts.items():
        if not source.strip():
            raise RenderError(_("O modelo %(part)s está vazio.") % {"part": part})
        costly = cost_problems(source)
        if costly:
            raise TemplateTooCostly("; ".join(costly))
        problems = template_problems(source, spec.variables)
        if problems:
            raise RenderError("; ".join(problems))
    with render_budget():
        subject, text, html = _render_parts(parts, context)
    try:
        if spec.text_layout:
            text = loader.render_to_string(spec.text_layout, {**context, "conteudo": text})
        if spec.html_layout:
            html = loader.render_to_string(
                spec.html_layout,
                {**context, "conteudo": mark_safe(html), "assunto": one_line(subject)},
            )
    except (TemplateSyntaxError, TemplateDoesNotExist, ValueError, TypeError) as error:
        raise RenderError(str(error)) from error
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return RenderedEmail(subject=one_line(subject), text=text, html=html)


def _render_parts(parts: dict[str, str], context: dict[str, Any]) -> tuple[str, str, str]:
    """The store's (or default) parts, in the sandbox; the trusted layouts come after."""
    try:
        # The subject and the text part are plain text: a Context escapes by default whatever
        # its engine says, so it is told not to (D'Ávila, not D&#x27;Ávila). HTML is escaped.
        subject = TEXT_ENGINE.from_string(parts["subject"]).render(plain_context(context))
        text = TEXT_ENGINE.from_string(parts["body_text"]).render(plain_context(context))
        html = ENGINE.from_string(parts["body_html"]).render(Context(context))
    except (TemplateSyntaxError, ValueError, TypeError) as error:
        raise RenderError(str(error)) from error
    return subject, text, html


def plain_context(context: dict[str, Any]) -> Context:
    return Context(context, autoescape=False)


def one_line(subject: str) -> str:
    """A subject is one line (no header injection) and not too long (docs/reliability.md, R25)."""
    flat = " ".join(subject.split())
    return flat[:SUBJECT_MAX_LENGTH]
