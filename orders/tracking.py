"""Tracking codes and carriers' tracking pages."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# [0-9], not \d: in Python \d also matches non-ASCII digits such as '١'.
CORREIOS_PATTERN = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
CORREIOS_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

# Carrier name (lower-case, without accents) → its public tracking page for a code.
CARRIER_TRACKING_URLS = {
    "correios": "https://rastreamento.correios.com.br/app/index.php?objeto={code}",
    "jadlog": "https://www.jadlog.com.br/jadlog/tracking?cte={code}",
    "loggi": "https://www.loggi.com/rastreador/{code}",
    "total express": "https://tracking.totalexpress.com.br/poupup_track.php?nf={code}",
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().lower()


def is_correios(carrier: str) -> bool:
    return _plain(carrier).startswith("correios")


def correios_check_digit(serial: str) -> int:
    total = sum(int(d) * w for d, w in zip(serial, CORREIOS_WEIGHTS, strict=True))
    remainder = total % 11
    if remainder == 0:
        return 5
    if remainder == 1:
        return 0
    return 11 - remainder


def correios_code_problem(code: str) -> str | None:
    """Why a Correios code looks wrong, or None. A warning only: it never blocks a dispatch."""
    if not CORREIOS_PATTERN.fullmatch(code):
        return "Código dos Correios fora do formato AA123456789BR."
    if correios_check_digit(code[2:10]) != int(code[10]):
        return "O dígito verificador do código dos Correios não confere."
    return None


def tracking_url(carrier: str, code: str) -> str | None:
    if not code:
        return None
    plain = _plain(carrier)
    for name, template in CARRIER_TRACKING_URLS.items():
        if plain.startswith(name):
            return template.format(code=quote(code))
    return None
