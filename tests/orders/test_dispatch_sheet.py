"""Reading dispatch spreadsheets: CSV and XLSX, as carriers and ERPs write them."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from orders.dispatch_sheet import (
    CANONICAL_HEADERS,
    MAX_ROWS,
    normalize_header,
    read_sheet,
    template_csv,
    template_xlsx,
)
from tests.factories import make_nfe_key

KEY = make_nfe_key(1234)
EXPECTED = {
    "order_number": "100001",
    "invoice_number": "1234",
    "nfe_key": KEY,
    "carrier": "Correios",
    "shipping_method": "SEDEX",
    "tracking_code": "AA123456785BR",
}


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_of(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        read_sheet(name, content)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("headers", "encoding", "delimiter"),
    [
        # The canonical template headers, saved by Excel in Portuguese (Windows-1252, ";").
        (list(CANONICAL_HEADERS.values()), "cp1252", ";"),
        # An ERP's export: UTF-8 with BOM, "," and its own names.
        (
            ["Número do pedido", "Nota fiscal", "Chave de acesso", "Transportadora", "Serviço"]
            + ["Código de rastreio"],
            "utf-8-sig",
            ",",
        ),
        # A carrier's spreadsheet: upper case, no accents, "Objeto" for the tracking code.
        (["PEDIDO", "NF", "CHAVE NF-E", "TRANSPORTADORA", "MODALIDADE", "OBJETO"], "utf-8", ";"),
        (
            ["nº pedido", "Numero da NF", "chave nfe", "Nome da transportadora"]
            + ["Método de Envio", "Rastreio"],
            "latin-1",
            "\t",
        ),  # fmt: skip
    ],
)
def test_csv_headers_are_recognised_in_their_usual_names(headers, encoding, delimiter):
    values = list(EXPECTED.values())
    text = "\n".join(delimiter.join(line) for line in [headers, values]) + "\n"

    sheet = read_sheet("pedidos.csv", text.encode(encoding))

    [row] = sheet.rows
    assert row.values == EXPECTED
    assert row.line == 2
    assert sheet.columns["order_number"] == headers[0]


def test_xlsx_with_numbers_a_title_row_and_extra_columns_is_read():
    content = xlsx(
        [
            ["Relatório de objetos postados — 27/11/2026"],
            [],
            ["Pedido", "Destinatário", "Nota Fiscal", "Chave de Acesso", "Transportadora"]
            + ["Serviço", "Objeto", "Peso (kg)"],
            [100001, "Ana Souza", 1234, KEY, "Correios", "SEDEX", "AA123456785BR", 0.3],
            [None, None, None, None, None, None, None, None],
            [100002.0, "Bruno", "1235", "", "Jadlog", ".Package", "", 1],
        ]
    )

    sheet = read_sheet("objetos.xlsx", content)

    first, second = sheet.rows
    assert first.values == EXPECTED
    assert first.line == 4
    assert second.line == 6
    assert second.values["order_number"] == "100002"
    assert second.values["tracking_code"] == ""


def test_a_key_that_excel_turned_into_a_number_is_a_problem_at_its_cell():
    content = xlsx(
        [
            ["Pedido", "NF", "Chave NF-e", "Transportadora", "Serviço"],
            [100001, 1234, int(KEY), "Correios", "PAC"],
        ]
    )
    [row] = read_sheet("x.xlsx", content).rows
    assert "Texto" in row.problems["nfe_key"]

    csv = "Pedido;NF;Chave NF-e;Transportadora;Serviço\n100001;1234;3,52611E+43;Correios;PAC\n"
    [row] = read_sheet("x.csv", csv.encode()).rows
    assert "perdeu dígitos" in row.problems["nfe_key"]


def test_excel_text_formula_keeps_leading_zeros():
    text = 'Pedido;NF;Chave NF-e;Transportadora;Serviço\n="100001";="0001234";x;Correios;PAC\n'
    [row] = read_sheet("x.csv", text.encode()).rows
    assert row.values["order_number"] == "100001"
    assert row.values["invoice_number"] == "0001234"


def test_headers_are_compared_without_case_accents_or_punctuation():
    assert normalize_header("Nº do Pedido") == normalize_header("numero pedido")
    assert normalize_header("Código de Rastreio") == normalize_header("CODIGO-DE-RASTREIO")
    assert normalize_header("Chave NF-e") == normalize_header("chave nf e")


def test_missing_columns_are_named_in_portuguese():
    message = error_of("x.csv", b"Pedido;Rastreio\n100001;AA123456785BR\n")
    assert "Faltam colunas na planilha" in message
    assert "Chave NF-e" in message
    assert "Nome da Transportadora" in message


def test_two_columns_for_the_same_field_are_refused():
    message = error_of(
        "x.csv", "Pedido;NF;Nota fiscal;Chave;Transportadora;Serviço\n1;2;3;4;5;6\n".encode()
    )
    assert "“NF” e “Nota fiscal” são a mesma informação" in message


def test_a_file_without_a_header_is_refused():
    message = error_of("x.csv", b"100001;1234;abc\n100002;1235;def\n")
    assert "Não encontramos o cabeçalho" in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("x.csv", b"", "O arquivo está vazio."),
        ("x.xlsx", b"PK\x03\x04 not really a zip", "não é uma planilha XLSX válida"),
        ("x.xlsx", b"plain text", "não é uma planilha XLSX válida"),
        ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "Excel 97-2003"),
        ("x.csv", b"Pedido;NF\x00\x00\x01", "não é um CSV"),
        ("x.csv", b"Pedido;NF;Chave;Transportadora;Servico\n", "nenhuma linha de pedido"),
    ],
)
def test_unreadable_files_get_a_clear_portuguese_error(name, content, expected):
    assert expected in error_of(name, content)


def test_size_and_row_limits():
    assert "máximo é 5 MB" in error_of("x.csv", b"a" * (5 * 1024 * 1024 + 1))
    lines = ["Pedido;NF;Chave;Transportadora;Serviço"] + ["1;2;3;4;5"] * (MAX_ROWS + 1)
    assert "mais de 5.000 linhas" in error_of("x.csv", "\n".join(lines).encode())
    # Exactly at the limit is fine.
    sheet = read_sheet("x.csv", "\n".join(lines[: MAX_ROWS + 1]).encode())
    assert len(sheet.rows) == MAX_ROWS


def test_the_templates_read_back_with_the_canonical_headers():
    csv = template_csv()
    assert csv.startswith("\ufeff".encode())
    assert csv.decode("utf-8-sig").strip().split(";") == list(CANONICAL_HEADERS.values())

    workbook = load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == list(CANONICAL_HEADERS.values())
    # Text columns, so Excel keeps the 44 digits of a key typed in.
    assert sheet.column_dimensions["C"].number_format == "@"

    # A template filled in is read like any other file.
    sheet.append(list(EXPECTED.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    [row] = read_sheet("modelo-despacho.xlsx", buffer.getvalue()).rows
    assert row.values == EXPECTED
