"""Which sending errors are worth retrying and which are final."""

from __future__ import annotations

import smtplib

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError


class RenderError(Exception):
    """The e-mail could not be rendered; retrying will not help."""


class TemplateTooCostly(RenderError):
    """A store-edited template is over a limit (nesting, size, iterations, time).

    The e-mail is then sent with the default templates instead (rendering.render_email).
    """


# HTTP statuses from a provider that mean "try again later".
TRANSIENT_HTTP = {408, 425, 429}


def is_permanent(error: BaseException) -> bool:
    """True for errors that will fail the same way again (bad address, 4xx, render errors)."""
    if isinstance(error, RenderError | ValidationError | BadHeaderError):
        return True
    if isinstance(error, AnymailRecipientsRefused):
        return True
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        return status is not None and 400 <= status < 500 and status not in TRANSIENT_HTTP
    if isinstance(error, AnymailError):
        # Invalid addresses, unsupported features, configuration: not fixed by waiting.
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def describe(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:  # Anymail's __str__ reads a response that may be missing.
        text = repr(error)
    return f"{type(error).__name__}: {text}"[:2000]
