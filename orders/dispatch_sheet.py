"""Reading a dispatch spreadsheet (CSV or XLSX) into rows of dispatch fields, and its template.

Carriers and ERPs name the same column many ways ("Rastreio", "Objeto", "Código de
rastreamento"); headers are matched without case, accents or punctuation. What the values
mean is not decided here: every row is validated by the dispatch form (status_fields.py).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .status_fields import FIELD_LABELS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
# Carrier spreadsheets often start with a title or a blank line: the header is the first
# of these many rows that names at least two known columns.
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 60

COLUMNS = ("order_number", "invoice_number", "nfe_key", "carrier", "shipping_method")
COLUMNS += ("tracking_code",)
REQUIRED_COLUMNS = COLUMNS[:-1]
# The template's headers: the form's own labels, so the file reads like the form.
CANONICAL_HEADERS = {"order_number": "Pedido"} | {
    name: str(FIELD_LABELS[name]) for name in COLUMNS[1:]
}
ALIASES = {
    "order_number": [
        "Pedido", "Número do pedido", "Nº do pedido", "Num pedido", "Nro pedido",
        "Código do pedido", "ID do pedido", "Pedido loja", "Pedido de venda", "Order",
        "Order number", "Order ID",
    ],
    "invoice_number": [
        "Nota fiscal", "Número da nota fiscal", "Número da NF", "Número NF-e", "NF", "NF-e", "NFe",
        "Nº NF", "Nota", "Número da nota", "Invoice", "Invoice number",
    ],
    "nfe_key": [
        "Chave NF-e", "Chave NFe", "Chave da NF-e", "Chave da nota", "Chave de acesso",
        "Chave de acesso da NF-e", "Chave", "Access key",
    ],
    "carrier": ["Transportadora", "Nome da transportadora", "Transportador", "Carrier"],
    "shipping_method": [
        "Método de envio", "Serviço", "Serviço de entrega", "Modalidade", "Modalidade de envio",
        "Forma de envio", "Tipo de envio", "Tipo de serviço", "Shipping method", "Service",
    ],
    "tracking_code": [
        "Código de rastreio", "Código de rastreamento", "Rastreio", "Rastreamento", "Objeto",
        "Código do objeto", "Número do objeto", "Etiqueta", "Tracking", "Tracking code",
    ],
}  # fmt: skip
NUMBER_WORDS = {"n", "no", "nro", "num", "numero", "number"}
FILLER_WORDS = {"do", "da", "de", "dos", "das", "the", "of"}
# Excel keeps 15 significant digits: a 44-digit key typed as a number comes back mangled.
SCIENTIFIC = re.compile(r"[0-9][.,]?[0-9]*[eE]\+[0-9]+")
# Some ERPs write ="00123" so that Excel keeps the leading zeros.
EXCEL_TEXT = re.compile(r'="(.*)"')


def normalize_header(text: str) -> str:
    """ "Nº do Pedido" and "numero pedido" both become "numero pedido"."""
    plain = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    words = ["numero" if w in NUMBER_WORDS else w for w in words if w not in FILLER_WORDS]
    return " ".join(words)


HEADER_INDEX = {
    normalize_header(alias): name
    for name, aliases in ALIASES.items()
    for alias in [*aliases, CANONICAL_HEADERS[name]]
}


@dataclass
class SheetRow:
    line: int
    values: dict[str, str]
    # {column: message}: a cell that could not be read as text (a key Excel made a number).
    problems: dict[str, str] = field(default_factory=dict)


@dataclass
class Sheet:
    rows: list[SheetRow]
    # {column: the header as written in the file}
    columns: dict[str, str]


def read_sheet(name: str, content: bytes) -> Sheet:
    """The rows of an uploaded file, or ValidationError with a Portuguese message."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("O arquivo é grande demais: o máximo é 5 MB."))
    if not content.strip():
        raise ValidationError(_("O arquivo está vazio."))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            _("Arquivos .xls (Excel 97-2003) não são aceitos: salve a planilha como .xlsx ou CSV.")
        )
    if content.startswith(b"PK"):
        lines = _xlsx_lines(content)
    elif name.lower().endswith((".xlsx", ".xlsm", ".ods", ".pdf")):
        raise ValidationError(_("O arquivo não é uma planilha XLSX válida."))
    else:
        lines = _csv_lines(content)
    return _rows(lines)


def _csv_lines(content: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Portuguese saves "CSV" in Windows-1252; latin-1 reads any byte at all.
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
    if "\x00" in text:
        raise ValidationError(_("O arquivo não é um CSV de texto nem uma planilha XLSX."))
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ValidationError(_("O CSV está malformado: %(e)s.") % {"e": error}) from error


def _xlsx_lines(content: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    invalid = _("O arquivo não é uma planilha XLSX válida.")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    # openpyxl raises many kinds for a damaged file (zip, XML, its own): all mean the same.
    except Exception as error:  # noqa: BLE001
        raise ValidationError(invalid) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as error:  # noqa: BLE001
                raise ValidationError(invalid) from error
            number += 1
            yield number, list(cells)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = str(value).strip()
    match = EXCEL_TEXT.fullmatch(text)
    return match.group(1).strip() if match else text


def _header_map(cells: list[object]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, cell in enumerate(cells[:MAX_COLUMNS]):
        name = HEADER_INDEX.get(normalize_header(_cell_text(cell)))
        if name is not None:
            found[index] = name
    return found


def _rows(lines: Iterable[tuple[int, list[object]]]) -> Sheet:
    lines = iter(lines)
    header: dict[int, str] = {}
    header_cells: list[object] = []
    for number, cells in lines:
        found = _header_map(cells)
        if len(found) > len(header):
            header, header_cells = found, cells
        if len(header) >= 2 or number >= HEADER_SEARCH_ROWS:
            break
    columns = _check_columns(header, header_cells)
    rows = []
    for number, cells in lines:
        if not any(_cell_text(cell) for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationError(
                _("A planilha tem mais de %(max)s linhas: divida-a em arquivos menores.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        rows.append(_row(number, cells, header))
    if not rows:
        raise ValidationError(_("A planilha não tem nenhuma linha de pedido abaixo do cabeçalho."))
    return Sheet(rows=rows, columns=columns)


def _check_columns(header: dict[int, str], cells: list[object]) -> dict[str, str]:
    if not header:
        raise ValidationError(
            _(
                "Não encontramos o cabeçalho da planilha: a primeira linha deve ter as colunas "
                "%(names)s. Baixe o modelo para ver um exemplo."
            )
            % {"names": ", ".join(CANONICAL_HEADERS.values())}
        )
    columns: dict[str, str] = {}
    for index, name in header.items():
        if name in columns:
            raise ValidationError(
                _("As colunas “%(a)s” e “%(b)s” são a mesma informação (%(label)s): deixe só uma.")
                % {"a": columns[name], "b": _cell_text(cells[index]), "label": column_label(name)}
            )
        columns[name] = _cell_text(cells[index])
    missing = [column_label(name) for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            _("Faltam colunas na planilha: %(names)s.") % {"names": ", ".join(missing)}
        )
    return columns


def _row(number: int, cells: list[object], header: dict[int, str]) -> SheetRow:
    row = SheetRow(line=number, values=dict.fromkeys(COLUMNS, ""))
    for index, name in header.items():
        value = cells[index] if index < len(cells) else None
        text = _cell_text(value)
        if name == "nfe_key" and (isinstance(value, int | float) or SCIENTIFIC.fullmatch(text)):
            row.problems[name] = _(
                "O Excel gravou a chave como número e perdeu dígitos (%(v)s): formate a coluna "
                "como Texto e digite a chave de novo."
            ) % {"v": text}
        row.values[name] = text
    return row


def column_label(name: str) -> str:
    return CANONICAL_HEADERS[name]


def template_csv() -> bytes:
    """The template for Excel: `;`-separated, UTF-8 with BOM so accents survive."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow(CANONICAL_HEADERS.values())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as XLSX, every column formatted as text so Excel keeps the 44-digit keys."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Despachos"
    sheet.append(list(CANONICAL_HEADERS.values()))
    for index, _name in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 48 if _name == "nfe_key" else 24
        sheet.column_dimensions[letter].number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
