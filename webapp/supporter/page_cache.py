"""Form pages rendered once per campaign version and variant, then filled in per request.

A letter form page is the same for every visitor but for a few values (the signed form token,
the `started` stamp, the CSRF token, prefill from the link, the letter count). The page is
rendered once with a unique marker in place of each such value, cut at the markers, and each
request joins the pieces with its own values escaped as Jinja and WTForms escape them
(`markupsafe.escape`), so the bytes are the same as a page rendered for that request. The
pieces are kept as UTF-8 and joined as bytes: a page with one letter beyond Latin-1 (the
language switch's "العربية") is a two-byte-per-character string, and encoding its 25,000
characters again on every request, as the response does with text, was 1.8% of a letter.

The cache key names everything else the markup depends on (the campaign's id and updated_at,
language, mode, partner, prompt variant...): `updated_at` moves on any edit of the campaign or
of its targets, signatories and partners (webapp/models/campaign.py), and every worker reads it
again within CAMPAIGN_RECHECK_SECONDS (webapp/campaigns/snapshots.py), so an edit shows within
that time. Per process, bounded (LRU).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial

from flask_babel import get_translations
from markupsafe import escape

from webapp.compression import deflate_piece, gzip_of_pieces, offer_precompressed, stored_piece

# Letters and digits only: escaping leaves a marker as it is, wherever the template puts it.
_NONCE = secrets.token_hex(8)
_MARKER_RE = re.compile(rf"zq{_NONCE}(\w+?)qz")

Render = Callable[[Callable[[str], str]], str]


def marker(slot: str) -> str:
    """What a page is rendered with in place of the value of `slot` (a word: \\w+)."""
    return f"zq{_NONCE}{slot}qz"


@dataclass(frozen=True)
class SplitPage:
    """A page cut at its markers: literal, slot, literal, ..., literal."""

    literals: tuple[str, ...]
    slots: tuple[str, ...]

    @classmethod
    def of(cls, page: str) -> SplitPage:
        parts = _MARKER_RE.split(page)
        return cls(tuple(parts[0::2]), tuple(parts[1::2]))

    @cached_property
    def _encoded(self) -> tuple[bytes, ...]:
        return tuple(text.encode() for text in self.literals)

    def fill(self, values: Mapping[str, str]) -> bytes:
        """The page with `values` in its slots, as UTF-8 (what the response would send)."""
        first, *rest = self._encoded
        out = [first]
        for slot, literal in zip(self.slots, rest, strict=True):
            out.append(escape(values[slot]).encode())
            out.append(literal)
        return b"".join(out)

    @cached_property
    def _deflated(self) -> tuple[bytes, ...]:
        """Each literal deflated, once (at the best level: it is paid once)."""
        return tuple(deflate_piece(piece) for piece in self._encoded)

    def gzipped(self, values: Mapping[str, str], page: bytes, body: bytes) -> bytes | None:
        """`body` gzipped from the literals deflated once and the values stored as they are,
        or None when `body` is not `page`, this page filled with `values` (something changed
        it)."""
        if page != body:
            return None
        first, *rest = self._deflated
        pieces = [first]
        for slot, deflated in zip(self.slots, rest, strict=True):
            pieces += (stored_piece(str(escape(values[slot])).encode()), deflated)
        return gzip_of_pieces(pieces, body)


class FormPages:
    """The cache: `size` pages at most (0 renders every page afresh)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, SplitPage] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Render, values: Mapping[str, str]) -> bytes:
        """The page for `key` with `values` in its slots, as UTF-8; `render(value_of)` makes
        the page, asking `value_of(slot)` for each per-request value."""
        if self.size <= 0:
            return render(lambda slot: values[slot]).encode()
        with self._lock:
            split = self._pages.get(key)
            if split is not None:
                self._pages.move_to_end(key)
        if split is None:
            split = SplitPage.of(render(marker))
            with self._lock:
                self._pages[key] = split
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        page = split.fill(values)
        offer_precompressed(partial(split.gzipped, values, page))
        return page

    def __len__(self) -> int:
        return len(self._pages)


def plural_form(count: int) -> tuple[int, bool]:
    """What decides the wording of a sentence about `count` things in the page's language: the
    catalogue's plural form, and n == 1 (the rule for a sentence the catalogue lacks)."""
    plural = getattr(get_translations(), "plural", None)
    return (int(plural(count)) if plural is not None else 0), count == 1
