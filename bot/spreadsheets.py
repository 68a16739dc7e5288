"""CSV files that spreadsheet programs open as they are, and that never run a cell as a formula.

RFC 4180: CRLF line ends, a field quoted when it holds a quote, comma or line break, quotes doubled; UTF-8 with a
byte order mark, so that spreadsheet programs do not guess another encoding.

Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some with a tab or
carriage return before one of them) as a formula, so any cell that starts with one of these characters gets a
single quote `'` in front. The rest of the cell is kept exactly as typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["BOM", "FORMULA_STARTS", "csv_file", "neutralised"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralised(cell: str) -> str:
    """`cell` with a single quote in front when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_file(rows: Iterable[Sequence[str]]) -> bytes:
    """`rows` as a CSV file (see the module docstring), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([neutralised(cell) for cell in row])
    return (BOM + out.getvalue()).encode("utf-8")
