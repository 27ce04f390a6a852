"""The last sending error in words a lojista understands, and what to do about it.

The raw error (exception and provider response) stays on the page, folded away, for whoever
has to dig further. The patterns cover what SMTP servers and the providers anymail speaks to
(SendGrid, Postmark, Mailgun, Amazon SES…) commonly answer.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# The first pattern that matches (case-insensitive, on "ExceptionType: message") wins.
RULES = [
    (
        r"RenderError|TemplateTooCostly|TemplateSyntaxError|modelo .* vazio",
        _(
            "O modelo deste e-mail tem um erro e a mensagem não pôde ser montada. Corrija-o em "
            "E-mails → Modelos de e-mail e depois reenvie."
        ),
    ),
    (
        r"Tentativas esgotadas",
        _("O envio não terminou depois de várias tentativas (o servidor de e-mail não respondeu)."),
    ),
    (
        r"SMTPAuthenticationError|\b535\b|\b530\b|api.?key|unauthori[sz]ed|\b401\b|forbidden"
        r"|credentials",
        _(
            "O provedor de e-mail recusou o acesso da loja (usuário, senha ou chave de API). "
            "A configuração de e-mail do sistema precisa ser corrigida; avise o suporte."
        ),
    ),
    (
        r"mailbox (is )?full|quota|over ?quota|insufficient storage|\b552\b|\b452\b",
        _("A caixa de e-mail do cliente está cheia. Tente reenviar mais tarde."),
    ),
    (
        r"spam|blocked|blacklist|blocklist|reputation|\b554\b|policy",
        _("O servidor do cliente bloqueou a mensagem (filtro de spam ou política de segurança)."),
    ),
    (
        r"SMTPSenderRefused|sender (address )?(rejected|refused)|from address|not verified"
        r"|unverified",
        _(
            "O provedor recusou o remetente da loja (DEFAULT_FROM_EMAIL). O endereço de envio "
            "precisa ser verificado no provedor; avise o suporte."
        ),
    ),
    (
        r"ValidationError|invalid( '?to'?)? (e-?mail|address|recipient)|InvalidEmail|malformed",
        _("O endereço de e-mail do cliente é inválido. Confira-o com o cliente."),
    ),
    (
        r"SMTPRecipientsRefused|RecipientsRefused|user unknown|unknown user|no such user"
        r"|does not exist|mailbox unavailable|recipient (address )?rejected|\b550\b|\b551\b"
        r"|\b553\b|hard ?bounce|inexistente|endere[cç]o recusado",
        _(
            "O endereço do cliente não existe ou não aceita e-mails. Confira o e-mail com o "
            "cliente."
        ),
    ),
    (
        r"rate.?limit|too many|throttl|\b429\b|\b421\b",
        _(
            "O provedor de e-mail limitou o envio (muitos e-mails de uma vez). O sistema tenta "
            "de novo sozinho."
        ),
    ),
    (
        r"ConnectionRefused|SMTPConnectError|SMTPServerDisconnected|timed? ?out|Timeout"
        r"|Name or service not known|getaddrinfo|Network is unreachable|ConnectionError"
        r"|\b50[234]\b",
        _(
            "Não foi possível falar com o servidor de e-mail (fora do ar ou sem conexão). "
            "O sistema tenta de novo sozinho."
        ),
    ),
]
COMPILED = [(re.compile(pattern, re.IGNORECASE), words) for pattern, words in RULES]
UNKNOWN = _(
    "O envio falhou por um motivo que o sistema não reconhece. Veja o erro original abaixo "
    "ou avise o suporte."
)


def plain_words(error: str) -> str:
    """A Portuguese sentence for a raw error; "" when there is no error."""
    if not error.strip():
        return ""
    for pattern, words in COMPILED:
        if pattern.search(error):
            return str(words)
    return str(UNKNOWN)
