"""Join PDFs page by page into one file, writing each part's objects as soon as it is read.

pypdf's and qpdf's writers keep every object of every part until the end (about 25 times the
PDF's size for packets); here only one part is parsed at a time, and what stays is one file
offset per object and one number per page.
"""

from __future__ import annotations

import copy
import io
from typing import IO, Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

PAGES, CATALOG = 1, 2  # object numbers of the joined page tree and document catalogue
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class PdfJoiner:
    """`add` each PDF in turn, then `finish`: the pages in that order, nothing else kept
    (outlines and named destinations of the parts are dropped)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self._position = 0
        self._offsets = [0, 0, 0]  # index: object number (0 unused; PAGES, CATALOG at finish)
        self._pages: list[int] = []
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self._position += len(data)

    def _object(self, number: int, obj: PdfObject | None) -> None:
        buffer = io.BytesIO()
        (obj if obj is not None else NullObject()).write_to_stream(buffer)
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n" % number + buffer.getvalue() + b"\nendobj\n")

    def add(self, pdf: bytes) -> None:
        """Append every page of `pdf` with everything its pages use."""
        reader = PdfReader(io.BytesIO(pdf))
        numbers: dict[int, int] = {}
        pending: list[tuple[int, PdfObject | None]] = []

        def ref(original: IndirectObject) -> IndirectObject:
            if original.idnum not in numbers:
                numbers[original.idnum] = len(self._offsets)
                self._offsets.append(0)
                pending.append((numbers[original.idnum], original.get_object()))
            return IndirectObject(numbers[original.idnum], 0, None)

        def rewrite(obj: Any) -> Any:
            if isinstance(obj, IndirectObject):
                return ref(obj)
            if isinstance(obj, StreamObject | DictionaryObject):
                fresh = copy.copy(obj)  # a stream keeps its encoded data as it is
                fresh.clear()
                for key, value in dict.items(obj):
                    if key != "/Parent" or not _is_page(obj):
                        fresh[NameObject(key)] = rewrite(value)
                if _is_page(obj):
                    fresh[NameObject("/Parent")] = IndirectObject(PAGES, 0, None)
                return fresh
            if isinstance(obj, ArrayObject):
                return ArrayObject(rewrite(item) for item in list.__iter__(obj))
            return obj

        for page in reader.pages:
            if page.indirect_reference is not None:  # every page read from a file has one
                _inherit(page)
                self._pages.append(ref(page.indirect_reference).idnum)
        while pending:
            number, original = pending.pop()
            self._object(number, rewrite(original))

    def finish(self) -> None:
        kids = ArrayObject(IndirectObject(n, 0, None) for n in self._pages)
        pages = DictionaryObject(
            {NameObject("/Type"): NameObject("/Pages"), NameObject("/Kids"): kids}
        )
        pages[NameObject("/Count")] = NumberObject(len(self._pages))
        self._object(PAGES, pages)
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog")})
        catalog[NameObject("/Pages")] = IndirectObject(PAGES, 0, None)
        self._object(CATALOG, catalog)
        start = self._position
        table = [b"xref\n0 %d\n0000000000 65535 f \n" % len(self._offsets)]
        table += [b"%010d 00000 n \n" % offset for offset in self._offsets[1:]]
        trailer = b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        self._write(b"".join(table) + trailer % (len(self._offsets), CATALOG, start))


def _is_page(obj: Any) -> bool:
    return isinstance(obj, DictionaryObject) and dict.get(obj, "/Type") == "/Page"


def _inherit(page: DictionaryObject) -> None:
    """Copy what the page takes from its parents onto it: the parents are not joined."""
    parent = page.get("/Parent")
    while parent is not None:
        node = parent.get_object()
        for key in INHERITED:
            if key not in page and key in node:
                page[NameObject(key)] = dict.__getitem__(node, key)
        parent = node.get("/Parent")
