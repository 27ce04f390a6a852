"""The API's status fields are the order domain's own (orders.status_fields): none missing,
none extra, so the API cannot drift from the admin form and the e-mails."""

from __future__ import annotations

from integrations.schemas import StatusIn
from orders.status_fields import ALL_STATUS_FIELDS


def test_the_status_schema_takes_exactly_the_domains_status_fields():
    schema_fields = set(StatusIn.model_fields) - {"status", "message", "note"}

    assert schema_fields == set(ALL_STATUS_FIELDS)


def test_the_status_schema_passes_on_every_field_given():
    values = {name: f"valor-{name}" for name in ALL_STATUS_FIELDS}

    assert StatusIn(status="despachado", **values).status_fields() == values
