"""CSV downloads streamed row by row, formula-safe, with a byte-order mark for spreadsheets."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from flask import Response, stream_with_context
from sqlalchemy.orm import Session

from webapp.delivery.packets import neutralise_cell

# Without it spreadsheet programs read the file in a local code page: Arabic names as mojibake.
BOM = "\ufeff"


class _Line:
    """A file-like object whose write() returns the text, so csv rows can be yielded one by one."""

    def write(self, text: str) -> str:
        return text


def csv_response(rows: Iterator[str], session: Session, filename: str) -> Response:
    """A download streamed row by row, not kept by any cache."""

    def stream() -> Iterator[str]:
        # The request's teardown runs before the rows are read, and reading reopens the session
        # the rows were built on: it is ours to close when the last row is out.
        try:
            yield from rows
        finally:
            session.close()

    response = Response(stream_with_context(stream()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_lines(header: tuple[str, ...], values: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(header)
    for row in values:
        yield writer.writerow([neutralise_cell("" if v is None else str(v)) for v in row])
