"""The JSON endpoint behind the live warnings: the same rules as the save, for what is typed."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import make_nfe_key

CHECK_URL = reverse("admin:orders_order_check_dispatch")


def test_a_bad_correios_digit_is_a_warning(client, lojista):
    client.force_login(lojista)

    response = client.post(CHECK_URL, {"carrier": "Correios", "tracking_code": "aa123456789br"})

    assert response.status_code == 200
    assert response.json()["warnings"] == [
        "O dígito verificador do código dos Correios não confere."
    ]
    assert response.json()["problems"] == {}


def test_a_good_code_and_another_carrier_warn_about_nothing(client, lojista):
    client.force_login(lojista)

    good = client.post(CHECK_URL, {"carrier": "Correios", "tracking_code": "AA123456785BR"})
    other = client.post(CHECK_URL, {"carrier": "Jadlog", "tracking_code": "AA123456789BR"})

    assert good.json()["warnings"] == []
    assert other.json()["warnings"] == []


def test_problems_of_filled_fields_only_with_their_labels(client, lojista):
    client.force_login(lojista)
    key = make_nfe_key(1234)

    wrong_digit = client.post(CHECK_URL, {"nfe_key": key[:43] + str((int(key[43]) + 1) % 10)})
    mismatch = client.post(CHECK_URL, {"nfe_key": key, "invoice_number": "999", "carrier": "X"})

    body = wrong_digit.json()
    assert list(body["problems"]) == ["nfe_key"]
    assert "O dígito verificador da Chave NF-e não confere" in body["problems"]["nfe_key"][0]
    assert body["labels"] == {"nfe_key": "Chave NF-e"}
    body = mismatch.json()
    assert body["problems"]["invoice_number"] == [
        "O número da nota (999) não confere com o da Chave NF-e (1234)."
    ]


def test_only_staff_who_may_process_can_ask(client, viewer):
    client.force_login(viewer)

    response = client.post(CHECK_URL, {"carrier": "Correios", "tracking_code": "AA123456789BR"})

    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"


def test_get_is_refused_and_anonymous_is_sent_to_login(client, lojista):
    anonymous = client.post(CHECK_URL, {"tracking_code": "AA123456789BR"})
    client.force_login(lojista)
    get = client.get(CHECK_URL)

    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]
    assert get.status_code == 405
