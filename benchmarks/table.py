"""The bench's rows: each a median of several runs with min and max, beside its ceiling."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Row:
    section: str
    name: str
    unit: str
    median: float
    low: float
    high: float
    # The ceiling's median in the same unit, when the row has one; "higher is better" rows
    # (per second) read ratio = median / ceiling, time rows ratio = ceiling / median.
    ceiling: float | None = None
    higher_is_better: bool = True
    target: float | None = None
    queries: int | None = None

    @property
    def ratio(self) -> float | None:
        if not self.ceiling or not self.median:
            return None
        if self.higher_is_better:
            return self.median / self.ceiling
        return self.ceiling / self.median

    @property
    def verdict(self) -> str:
        """ "ok", or how far from its target the row is ("-0.12"), or "" without a target."""
        if self.target is None:
            return ""
        value = self.ratio if self.ceiling else self.median
        if value is None:
            return ""
        if self.ceiling or self.higher_is_better:
            return "ok" if value >= self.target else f"{value - self.target:+.2f}"
        return "ok" if value <= self.target else f"+{value - self.target:.1f} {self.unit}"


def sample(fn: Callable[[], float], runs: int) -> tuple[float, float, float]:
    """Median, min and max of `runs` values returned by `fn`."""
    values = [fn() for _ in range(runs)]
    return statistics.median(values), min(values), max(values)


def rate(count: int, fn: Callable[[], object]) -> float:
    """Operations per second of `fn`, which performs `count` operations."""
    start = time.perf_counter()
    fn()
    return count / (time.perf_counter() - start)


def print_table(rows: list[Row], header: str) -> None:
    out = [header, ""]
    columns = ["medida", "mediana", "mín", "máx", "unidade", "teto", "razão", "consultas", "meta"]
    table = [columns]
    for row in rows:
        table.append(
            [
                f"{row.section}: {row.name}",
                f"{row.median:,.1f}",
                f"{row.low:,.1f}",
                f"{row.high:,.1f}",
                row.unit,
                "" if row.ceiling is None else f"{row.ceiling:,.1f}",
                "" if row.ratio is None else f"{row.ratio:.2f}",
                "" if row.queries is None else str(row.queries),
                row.verdict,
            ]
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    for n, line in enumerate(table):
        cells = [
            cell.ljust(widths[i]) if i in (0, 4, 8) else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    sys.stdout.write("\n".join(out) + "\n")


def write_json(rows: list[Row], path: Path, meta: dict) -> None:
    data = {
        "meta": meta,
        "rows": [asdict(row) | {"ratio": row.ratio, "verdict": row.verdict} for row in rows],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
