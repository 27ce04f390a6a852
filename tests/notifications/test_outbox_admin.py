"""The outbox as the lojista reads it: which order, the e-mail as the customer got it, the state
and the error in Portuguese, "Reenviar", and the engineering details folded away."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import EmailOutbox, EmailTemplate, OutboxStatus
from orders.statuses import OrderStatus

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_emailoutbox_changelist"


def change_url(row: EmailOutbox) -> str:
    return reverse("admin:notifications_emailoutbox_change", args=[row.pk])


@pytest.fixture
def approved(order_factory, django_capture_on_commit_callbacks):
    """An approved order whose two e-mails (Novo, Aprovado) were sent."""
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory(status=OrderStatus.APROVADO, customer_name="Marina D'Ávila")
    return order


def approval_email(order) -> EmailOutbox:
    return EmailOutbox.objects.get(to_email=order.customer_email, template="pedido_aprovado")


def srcdoc(page: str) -> str:
    """The HTML inside the sandboxed frame, as the browser will read it."""
    match = re.search(r'<iframe[^>]*sandbox=""[^>]*srcdoc="([^"]*)"', page)
    assert match, "no sandboxed iframe with srcdoc"
    return html.unescape(match.group(1))


def test_each_email_links_to_its_order(client, lojista, approved):
    client.force_login(lojista)
    order_page = reverse("admin:orders_order_change", args=[approved.pk])
    link = f'<a href="{order_page}">Pedido {approved.number}</a>'

    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert listing.count(link) == 2  # the Novo and the Aprovado e-mails

    detail = client.get(change_url(approval_email(approved))).content.decode()
    assert link in detail
    # The list is found by the order's number too.
    found = client.get(reverse(CHANGELIST), {"q": approved.number}).content.decode()
    assert found.count(link) == 2


def test_the_page_shows_the_email_as_the_customer_got_it_even_after_an_edit(
    client, lojista, approved
):
    row = approval_email(approved)
    [sent] = [m for m in mail.outbox if m.subject == row.subject]
    # The store edits the template afterwards: the page must still show what was sent.
    EmailTemplate.objects.create(name="pedido_aprovado", subject="Novo assunto {{ nome_cliente }}")
    client.force_login(lojista)

    page = client.get(change_url(row)).content.decode()

    assert "O e-mail como o cliente recebeu" in page
    assert srcdoc(page) == sent.alternatives[0][0]
    assert "D&#x27;Ávila" in srcdoc(page)  # as escaped in the e-mail itself
    assert html.escape(sent.body).strip() in page  # the plain-text part
    assert html.escape(row.subject) in page
    assert "Novo assunto" not in page
    assert "prévia com o modelo atual" not in page


def test_a_queued_email_shows_a_preview_saying_it_is_not_sent_yet(client, lojista, order_factory):
    order = order_factory(customer_name="Rafael Lima")  # queued, not sent: no on_commit ran
    row = EmailOutbox.objects.get(to_email=order.customer_email)
    assert row.status == OutboxStatus.PENDING
    client.force_login(lojista)

    page = client.get(change_url(row)).content.decode()

    assert "Ainda não enviado: prévia com o modelo atual." in page
    assert "Rafael Lima" in srcdoc(page)


@pytest.mark.parametrize(
    ("status", "delivery", "label"),
    [
        (OutboxStatus.PENDING, "", "Enfileirado"),
        (OutboxStatus.RETRY, "", "Enfileirado"),
        (OutboxStatus.SENT, "", "Enviado"),
        (OutboxStatus.SENT, "delivered", "Entregue"),
        (OutboxStatus.SENT, "opened", "Entregue e aberto"),
        (OutboxStatus.SENT, "bounced", "Devolvido"),
        (OutboxStatus.SENT, "complained", "Marcado como spam"),
        (OutboxStatus.DEAD, "", "Falhou"),
    ],
)
def test_the_state_is_one_portuguese_word_and_filters_the_list(
    client, lojista, approved, status, delivery, label
):
    row = approval_email(approved)
    EmailOutbox.objects.filter(pk=row.pk).update(status=status, delivery_state=delivery)
    client.force_login(lojista)
    badge = re.compile(rf'<span class="jet-mail-state jet-mail-state--\w+">{label}</span>')

    assert badge.search(client.get(change_url(row)).content.decode())
    state = {"Enfileirado": "queued", "Entregue e aberto": "opened"}.get(label)
    key = (
        state
        or {
            "Enviado": "sent",
            "Entregue": "delivered",
            "Devolvido": "bounced",
            "Marcado como spam": "complained",
            "Falhou": "failed",
        }[label]
    )
    listing = client.get(reverse(CHANGELIST), {"situacao": key}).content.decode()
    assert change_url(row) in listing
    # The other e-mail of the order (Novo, sent) is not in this state unless it is "Enviado".
    novo = EmailOutbox.objects.get(to_email=row.to_email, template="pedido_novo")
    assert (change_url(novo) in listing) == (key == "sent")


def test_the_error_is_in_plain_words_with_the_original_folded(client, lojista, approved):
    row = approval_email(approved)
    raw = (
        "SMTPRecipientsRefused: {'cliente@exemplo.com.br': (550, b'5.1.1 <cliente@exemplo.com.br>:"
        " Recipient address rejected: User unknown in virtual mailbox table')}"
    )
    EmailOutbox.objects.filter(pk=row.pk).update(status=OutboxStatus.DEAD, last_error=raw)
    client.force_login(lojista)
    words = (
        "O endereço do cliente não existe ou não aceita e-mails. Confira o e-mail com o cliente."
    )

    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert words in listing
    page = client.get(change_url(row)).content.decode()
    assert words in page
    folded = re.search(r'<details class="jet-raw-error">(.*?)</details>', page, re.S).group(1)
    assert "Erro original" in folded
    assert html.escape(raw) in folded


def test_engineering_details_are_folded_and_dates_are_dd_mm_yyyy(client, lojista, approved):
    row = approval_email(approved)
    client.force_login(lojista)

    page = client.get(change_url(row)).content.decode()

    technical = re.search(
        r"<details><summary>\s*<h2[^>]*>Detalhes técnicos</h2>.*?</fieldset>", page, re.S
    )
    assert technical, "no folded 'Detalhes técnicos'"
    for detail in [row.dedupe_key, row.task_id, "Tentativas de envio", "numero_pedido"]:
        assert detail in technical.group(0)
        assert page.count(detail) == technical.group(0).count(detail)
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", page)
    assert "de Novembro" not in page
    assert "de novembro" not in page


def test_reenviar_requeues_a_failed_email_and_it_is_sent(
    client, lojista, approved, django_capture_on_commit_callbacks, mailoutbox
):
    row = approval_email(approved)
    EmailOutbox.objects.filter(pk=row.pk).update(
        status=OutboxStatus.DEAD, attempts=6, last_error="SMTPServerDisconnected: timed out"
    )
    client.force_login(lojista)
    page = client.get(change_url(row)).content.decode()
    assert 'form="resend-form"' in page
    assert ">Reenviar</button>" in page
    mailoutbox.clear()

    resend = reverse("admin:notifications_emailoutbox_resend", args=[row.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, follow=True)

    assert "1 e-mail voltou para a fila." in response.content.decode()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1
    assert [m.to for m in mailoutbox] == [[approved.customer_email]]


def test_reenviar_changes_nothing_for_an_email_that_did_not_fail(
    client, lojista, viewer, approved, mailoutbox
):
    row = approval_email(approved)
    resend = reverse("admin:notifications_emailoutbox_resend", args=[row.pk])
    client.force_login(lojista)
    assert ">Reenviar</button>" not in client.get(change_url(row)).content.decode()
    mailoutbox.clear()

    response = client.post(resend, follow=True)

    assert "Só e-mails com a situação “Falhou” podem ser reenviados." in response.content.decode()
    assert mailoutbox == []
    assert EmailOutbox.objects.get(pk=row.pk).status == OutboxStatus.SENT
    # Without the permission: refused, not a 500; a GET never resends.
    client.force_login(viewer)
    assert client.post(resend).status_code == 403
    client.force_login(lojista)
    assert client.get(resend).status_code == 403


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted')", "acesso"),
        ("SMTPRecipientsRefused: {'a@b.c': (552, b'5.2.2 Mailbox full')}", "está cheia"),
        ("SMTPDataError: (554, b'5.7.1 Message rejected as spam')", "spam"),
        ("SMTPSenderRefused: (553, b'sender address rejected', 'loja@x')", "remetente"),
        ("AnymailAPIError: 422 Invalid 'To' address", "é inválido"),
        ("AnymailRecipientsRefused: All message recipients were rejected", "não existe"),
        ("AnymailAPIError: 429 Too Many Requests", "limitou o envio"),
        ("ConnectionRefusedError: [Errno 111] Connection refused", "Não foi possível falar"),
        ("SMTPServerDisconnected: Connection unexpectedly closed: timed out", "Não foi possível"),
        ("RenderError: O modelo body_html está vazio.", "Modelos de e-mail"),
        ("Tentativas esgotadas (o envio nunca terminou).", "várias tentativas"),
        ("KeyError: 'x'", "não reconhece"),
    ],
)
def test_common_sending_errors_read_as_portuguese_sentences(raw, words):
    from notifications.error_words import plain_words

    assert words in plain_words(raw)
    assert plain_words("") == ""


def test_the_list_costs_the_same_queries_for_two_or_twenty_emails(
    client, lojista, order_factory, django_assert_max_num_queries
):
    client.force_login(lojista)
    order_factory(status=OrderStatus.APROVADO)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    for _ in range(9):
        order_factory(status=OrderStatus.APROVADO)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse(CHANGELIST))
    assert page.content.decode().count('class="jet-mail-state ') == 20
