"""Dispatch by spreadsheet: the preview's verdict per cell, and the job through order_process."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from notifications.models import EmailOutbox
from orders.actors import Actor
from orders.dispatch_import import active_job, confirm, create_draft, file_hash, validate_rows
from orders.dispatch_import_models import DispatchImport, ImportStatus, RowOutcome
from orders.dispatch_run import result_csv, run
from orders.dispatch_sheet import read_sheet
from orders.emails import template_name
from orders.models import ActorKind, Order
from orders.statuses import OrderStatus
from tests.factories import OrderFactory, make_nfe_key

pytestmark = pytest.mark.django_db
HEADER = ["Pedido", "Nota fiscal", "Chave de acesso", "Transportadora", "Serviço", "Rastreio"]
DESPACHADO_EMAIL = template_name(OrderStatus.DESPACHADO)


def line(order: Order | str, invoice: int, **overrides: str) -> list[str]:
    number = order if isinstance(order, str) else order.number
    values = {
        "invoice": str(invoice),
        "key": make_nfe_key(invoice),
        "carrier": "Correios",
        "method": "SEDEX",
        "tracking": "AA123456785BR",
    } | overrides
    return [number, *values.values()]


def csv_bytes(lines: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADER, *lines])
    return buffer.getvalue().encode("utf-8-sig")


def upload(content: bytes, user) -> DispatchImport:
    sheet = read_sheet("despachos.csv", content)
    return create_draft(sheet, user=user, file_name="despachos.csv", digest=file_hash(content))


def dispatch_emails(order: Order) -> int:
    return EmailOutbox.objects.filter(
        template=DESPACHADO_EMAIL, to_email=order.customer_email
    ).count()


def test_the_preview_puts_each_problem_at_its_cell(lojista):
    # given orders in every situation a spreadsheet meets
    approved = OrderFactory(status=OrderStatus.APROVADO)
    in_production = OrderFactory(status=OrderStatus.EM_PRODUCAO)
    dispatched = OrderFactory(status=OrderStatus.DESPACHADO)
    tracking = OrderFactory(status=OrderStatus.TRACKING)
    new = OrderFactory(status=OrderStatus.NOVO)
    cancelled = OrderFactory(status=OrderStatus.CANCELADO)
    bad_key, mismatch, no_carrier = (OrderFactory(status=OrderStatus.APROVADO) for _ in range(3))
    warned, repeated, conflicting = (OrderFactory(status=OrderStatus.APROVADO) for _ in range(3))
    content = csv_bytes(
        [
            line(approved, 101),  # 2
            line(in_production, 102),  # 3
            line(dispatched, 103),  # 4
            line(tracking, 104, key="garbage"),  # 5: skipped, its errors do not matter
            line(new, 105),  # 6
            line(cancelled, 106),  # 7
            line("999999", 107),  # 8
            line(bad_key, 108, key=make_nfe_key(108)[:-1] + "0"),  # 9
            line(mismatch, 109, key=make_nfe_key(110)),  # 10
            line(no_carrier, 111, carrier=""),  # 11
            line(warned, 112, tracking="AA123456789BR"),  # 12
            line(repeated, 113),  # 13
            line(repeated, 113),  # 14
            line(conflicting, 114),  # 15
            line(conflicting, 114, tracking="AA987654321BR"),  # 16
            line("", 115),  # 17
        ]
    )

    # when
    job = upload(content, lojista)

    # then
    rows = {row.line: row for row in job.rows.all()}
    assert rows[2].outcome == rows[3].outcome == RowOutcome.PENDING
    assert rows[2].errors == rows[3].errors == {}
    for skipped in (4, 5):
        assert rows[skipped].outcome == RowOutcome.SKIPPED
        assert rows[skipped].message == "já despachado — será ignorado"
    assert "só a partir de Aprovado ou Em produção" in rows[6].errors["order_number"][0]
    assert "status final" in rows[7].errors["order_number"][0]
    assert rows[8].errors == {"order_number": ["Pedido não encontrado."]}
    assert list(rows[9].errors) == ["nfe_key"]
    assert "dígito verificador" in rows[9].errors["nfe_key"][0]
    assert "não confere com o da Chave NF-e" in rows[10].errors["invoice_number"][0]
    assert list(rows[11].errors) == ["carrier"]
    assert rows[12].outcome == RowOutcome.PENDING
    assert rows[12].warnings == ["O dígito verificador do código dos Correios não confere."]
    assert rows[13].outcome == RowOutcome.PENDING
    assert rows[14].outcome == RowOutcome.SKIPPED
    assert "igual à linha 13" in rows[14].message
    for line_number in (15, 16):
        assert rows[line_number].outcome == RowOutcome.INVALID
        assert "linhas 15, 16 com dados diferentes" in rows[line_number].errors["order_number"][0]
    assert rows[17].errors["order_number"] == ["Informe o número do pedido."]
    assert (job.total_rows, job.to_process, job.skipped, job.invalid) == (16, 4, 3, 9)
    # and nothing changed yet
    assert Order.objects.get(pk=approved.pk).status == OrderStatus.APROVADO


def test_the_preview_reads_the_database_a_constant_number_of_times(
    lojista, django_assert_max_num_queries
):
    orders = [OrderFactory(status=OrderStatus.APROVADO) for _ in range(12)]
    actor = Actor.person(lojista)
    for size in (2, 12):
        content = csv_bytes([line(order, 200 + i) for i, order in enumerate(orders[:size])])
        sheet = read_sheet("x.csv", content)
        # The orders and their history; the user's permissions once, on the first call.
        with django_assert_max_num_queries(4 if size == 2 else 2):
            rows = validate_rows(sheet, actor)
        assert {row.outcome for row in rows} == {RowOutcome.PENDING}


def test_confirmed_job_dispatches_each_good_order_through_order_process_with_one_email(
    lojista, django_capture_on_commit_callbacks
):
    # given a previewed file with two good lines, one already dispatched and one bad
    good = [OrderFactory(status=OrderStatus.APROVADO), OrderFactory(status=OrderStatus.EM_PRODUCAO)]
    dispatched = OrderFactory(status=OrderStatus.DESPACHADO)
    bad = OrderFactory(status=OrderStatus.APROVADO)
    content = csv_bytes(
        [line(good[0], 301), line(good[1], 302), line(dispatched, 303), line(bad, 304, key="1")]
    )
    job = upload(content, lojista)
    emails_before = dispatch_emails(dispatched)

    # when staff confirm (the task runs in-process after the commit, as without a broker)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(job, lojista)

    # then the two good orders are dispatched, by Lúcia, each with one e-mail
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.processed, job.changed, job.skipped, job.invalid, job.failed) == (2, 2, 1, 1, 0)
    assert job.percent == 100
    for order, invoice in zip(good, (301, 302), strict=True):
        order.refresh_from_db()
        assert order.status == OrderStatus.DESPACHADO
        assert order.invoice_number == str(invoice)
        assert order.nfe_key == make_nfe_key(invoice)
        assert order.tracking_code == "AA123456785BR"
        change = order.status_changes.get(to_status=OrderStatus.DESPACHADO)
        assert change.actor_user == lojista
        assert change.actor_kind == ActorKind.STAFF
        assert f"envio nº {job.pk}" in change.internal_note
        assert dispatch_emails(order) == 1
    # and the others are untouched
    assert Order.objects.get(pk=bad.pk).status == OrderStatus.APROVADO
    assert dispatch_emails(bad) == 0
    assert dispatch_emails(dispatched) == emails_before == 1


def test_the_same_file_twice_changes_nothing_the_second_time(
    lojista, django_capture_on_commit_callbacks
):
    orders = [OrderFactory(status=OrderStatus.APROVADO) for _ in range(3)]
    content = csv_bytes([line(order, 400 + i) for i, order in enumerate(orders)])
    with django_capture_on_commit_callbacks(execute=True):
        confirm(upload(content, lojista), lojista)
    history = {o.pk: o.status_changes.count() for o in orders}
    emails = EmailOutbox.objects.count()

    # when the same file comes again
    second = upload(content, lojista)

    # then every line is "already dispatched", and confirming it changes nothing
    assert {row.outcome for row in second.rows.all()} == {RowOutcome.SKIPPED}
    assert second.to_process == 0
    with django_capture_on_commit_callbacks(execute=True):
        confirm(second, lojista)
    second.refresh_from_db()
    assert second.status == ImportStatus.DONE
    assert {o.pk: o.status_changes.count() for o in orders} == history
    assert EmailOutbox.objects.count() == emails


def test_the_same_file_cannot_run_twice_at_once(lojista, django_capture_on_commit_callbacks):
    order = OrderFactory(status=OrderStatus.APROVADO)
    content = csv_bytes([line(order, 500)])
    first, second = upload(content, lojista), upload(content, lojista)

    # given the first is queued (its task not run yet)
    with django_capture_on_commit_callbacks(execute=False):
        assert confirm(first, lojista).pk == first.pk
    assert active_job(file_hash(content)).pk == first.pk

    # when the second draft of the same file is confirmed, it points to the first
    assert confirm(second, lojista).pk == first.pk
    second.refresh_from_db()
    assert second.status == ImportStatus.DRAFT
    # and confirming the first again (a double click) queues nothing new
    assert confirm(first, lojista).status == ImportStatus.QUEUED


def test_a_job_stops_when_its_time_is_up_and_resumes_where_it_stopped(lojista):
    orders = [OrderFactory(status=OrderStatus.APROVADO) for _ in range(60)]
    job = upload(csv_bytes([line(o, 600 + i) for i, o in enumerate(orders)]), lojista)
    DispatchImport.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)

    # when the time budget runs out after the first line, twice
    assert run(job.pk, max_seconds=0) is True
    assert run(job.pk, max_seconds=0) is True
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    assert (job.processed, job.percent) == (2, 3)

    # then the next run finishes the rest (past a whole batch of 50), never a line twice
    assert run(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.processed, job.changed) == (ImportStatus.DONE, 60, 60)
    assert all(dispatch_emails(order) == 1 for order in orders)


def test_orders_that_moved_after_the_preview_are_skipped_or_refused_with_the_reason(
    lojista, lojista_actor, django_capture_on_commit_callbacks
):
    from orders.services import order_process
    from tests.factories import dispatch_fields

    meanwhile_dispatched = OrderFactory(status=OrderStatus.APROVADO)
    meanwhile_cancelled = OrderFactory(status=OrderStatus.APROVADO)
    job = upload(
        csv_bytes([line(meanwhile_dispatched, 701), line(meanwhile_cancelled, 702)]), lojista
    )
    order_process(
        meanwhile_dispatched, to_status=OrderStatus.DESPACHADO, by=lojista_actor,
        fields=dispatch_fields(9),
    )  # fmt: skip
    order_process(
        meanwhile_cancelled, to_status=OrderStatus.CANCELADO, by=lojista_actor,
        fields={"reason": "Cliente desistiu"},
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        confirm(job, lojista)

    rows = {row.line: row for row in job.rows.all()}
    assert rows[2].outcome == RowOutcome.SKIPPED
    assert rows[2].message == "já despachado — será ignorado"
    assert rows[3].outcome == RowOutcome.FAILED
    assert "Cancelado, um status final" in rows[3].message
    meanwhile_dispatched.refresh_from_db()
    assert meanwhile_dispatched.invoice_number == "9"
    assert dispatch_emails(meanwhile_dispatched) == 1


def test_the_result_file_says_what_changed_what_was_skipped_and_why(
    lojista, django_capture_on_commit_callbacks
):
    good = OrderFactory(status=OrderStatus.APROVADO)
    dispatched = OrderFactory(status=OrderStatus.DESPACHADO)
    content = csv_bytes([line(good, 801), line(dispatched, 802), line('=HYPERLINK("x")', 803)])
    job = upload(content, lojista)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(job, lojista)

    text = b"".join(result_csv(job)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Linha", "Resultado", "Motivo"]
    assert rows[1][:4] == ["2", "Despachado", "", good.number]
    assert rows[2][:4] == ["3", "Ignorado", "já despachado", dispatched.number]
    assert rows[3][1] == "Com erro"
    assert rows[3][2] == "Pedido: Pedido não encontrado."
    # A formula-looking cell from the upload comes back inert.
    assert rows[3][3] == '\'=HYPERLINK("x")'


def test_a_support_user_never_overrides_a_final_status_from_a_spreadsheet(
    suporte, suporte_actor, django_capture_on_commit_callbacks
):
    from orders.services import order_process

    order = OrderFactory(status=OrderStatus.APROVADO)
    job = upload(csv_bytes([line(order, 901)]), suporte)
    order_process(
        order, to_status=OrderStatus.CANCELADO, by=suporte_actor, fields={"reason": "Fraude"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        confirm(job, suporte)

    [row] = job.rows.all()
    assert row.outcome == RowOutcome.FAILED
    assert row.message == "O pedido está Cancelado, um status final: altere-o no próprio pedido."
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELADO


def test_a_job_nobody_advanced_for_a_while_is_handed_to_a_worker_again(
    lojista, monkeypatch, settings
):
    from django.utils import timezone

    from orders import dispatch_import

    order = OrderFactory(status=OrderStatus.APROVADO)
    job = upload(csv_bytes([line(order, 902)]), lojista)
    kicked: list[int] = []
    monkeypatch.setattr(dispatch_import, "kick", kicked.append)
    DispatchImport.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    job.refresh_from_db()

    # a job moving along is left alone
    assert dispatch_import.resume_if_stalled(job) is False
    # one whose task message was lost (broker down at confirm) is queued again, once
    stalled = timezone.now() - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT + 1)
    DispatchImport.objects.filter(pk=job.pk).update(updated_at=stalled)
    assert dispatch_import.resume_if_stalled(job) is True
    assert dispatch_import.resume_if_stalled(job) is False
    assert kicked == [job.pk]
