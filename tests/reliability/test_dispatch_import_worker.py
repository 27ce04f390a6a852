"""Dispatch by spreadsheet on a real `celery -A jetorders worker` with Redis and PostgreSQL:
the web process only queues the job; the worker dispatches every line, in several tasks when
the file outlasts one task's time budget, each order with one e-mail."""

from __future__ import annotations

import re

from notifications.models import EmailOutbox
from orders.dispatch_import import confirm, create_draft, file_hash
from orders.dispatch_import_models import DispatchImport, ImportStatus
from orders.dispatch_sheet import read_sheet
from orders.emails import template_name
from orders.models import Order
from orders.statuses import OrderStatus
from tests.factories import OrderFactory, staff_user
from tests.orders.test_dispatch_import import csv_bytes, line
from tests.reliability.conftest import wait_for


def test_a_real_worker_dispatches_a_spreadsheet_in_several_tasks(worker_factory):
    # given a worker whose tasks stop after 0.8 s (half the soft limit of a 2 s task), and a
    # previewed file of 300 orders (5-20 ms each: at least two tasks even on an idle machine)
    worker = worker_factory(CELERY_TASK_TIME_LIMIT="2")
    lojista = staff_user(username="lucia")
    orders = [OrderFactory(status=OrderStatus.APROVADO) for _ in range(300)]
    content = csv_bytes([line(order, 1000 + i) for i, order in enumerate(orders)])
    sheet = read_sheet("x.csv", content)
    job = create_draft(sheet, user=lojista, file_name="x.csv", digest=file_hash(content))
    worker.start()

    # when staff confirm: this process only hands the job to the broker
    assert confirm(job, lojista).status == ImportStatus.QUEUED

    # then the worker takes it to the end
    def finished() -> bool:
        return DispatchImport.objects.get(pk=job.pk).status == ImportStatus.DONE

    wait_for(finished, 120, "the job to finish")
    job.refresh_from_db()
    assert (job.processed, job.changed, job.failed, job.percent) == (300, 300, 0, 100), worker.log()
    assert Order.objects.filter(status=OrderStatus.DESPACHADO).count() == 300
    template = template_name(OrderStatus.DESPACHADO)
    assert EmailOutbox.objects.filter(template=template).count() == 300
    log = "".join(path.read_text() for path in worker.tmp.glob("worker-*.log"))
    runs = re.findall(r"Task orders\.tasks\.process_dispatch_import\[\S+\] succeeded", log)
    assert len(runs) >= 2, log[-3000:]
