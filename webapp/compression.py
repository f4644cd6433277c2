"""Responses gzipped: pages by Flask-Compress, static files whole, cached pages from pieces
compressed once."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable

from flask import Flask, Response, has_request_context
from flask_compress import Compress

from webapp.config import ConfigError
from webapp.quiet_request import has_header
from webapp.unproxied import this_g, this_request


class _Compress(Compress):
    """Flask-Compress, gzipping exactly when _gzip_chosen says so: Flask-Compress reads a
    quality of 0 (`gzip;q=0`, a refusal) as any other and would send gzip anyway."""

    def after_request(self, response: Response | None) -> Response:
        if response is not None and not _gzip_chosen():
            response.vary.add("Accept-Encoding")  # the answer still depends on the header
            return response
        return super().after_request(response)


# Pages, CSS, JS and JSON go out gzipped, as a reverse proxy would send them.
compress = _Compress()

# Files the app serves itself (the stylesheet, scripts, the widget loader).
FILE_ENDPOINTS = frozenset({"static", "widget.embed_js"})
# A gzip member's header: deflate, no name, no time, best compression, unknown system.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
# The last deflate block: empty, marked final.
_FINAL_BLOCK = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
_STORED_MAX = 0xFFFF

# Given the response's body, its gzip encoding, or None when the body is not what was offered.
Precompressed = Callable[[bytes], bytes | None]


def deflate_piece(data: bytes) -> bytes:
    """`data` as deflate blocks that stand alone: no reference outside `data`, ending on a byte
    boundary (a sync flush), so pieces compressed once can be joined in any order."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def stored_piece(data: bytes) -> bytes:
    """`data` uncompressed, as deflate stored blocks (for the few bytes that change per request:
    compressing them would cost more than it saves)."""
    out = bytearray()
    for start in range(0, len(data), _STORED_MAX):
        chunk = data[start : start + _STORED_MAX]
        out += b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
    return bytes(out)


def gzip_of_pieces(pieces: Iterable[bytes], body: bytes) -> bytes:
    """A gzip member whose deflate stream is `pieces` (from the two functions above, in order)
    and whose uncompressed content is `body`."""
    trailer = struct.pack("<LL", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return _GZIP_HEADER + b"".join(pieces) + _FINAL_BLOCK + trailer


def offer_precompressed(encode: Precompressed) -> None:
    """Say how this request's page can be gzipped without compressing it whole."""
    if has_request_context():
        this_g().precompressed = encode


def init_compression(app: Flask) -> None:
    """Compress responses unless COMPRESS_RESPONSES turned it off (a proxy in front does it)."""
    if not app.config["COMPRESS_ENABLED"]:
        return
    # _gzip_chosen speaks for gzip alone: another algorithm, or streams (whose default list
    # has no gzip), would be switched off without a word.
    if app.config["COMPRESS_ALGORITHM"] != ["gzip"] or app.config["COMPRESS_STREAMS"]:
        raise ConfigError("compression here is gzip only, and never of streams")
    compress.init_app(app)
    # Registered after Flask-Compress, so they run before it (after-request hooks run in
    # reverse). A served file is a stream, and streams stay uncompressed (CSV exports would be
    # held in memory); these files are small and fixed, so they are read whole and compressed.
    app.after_request(_whole_file)
    app.after_request(_precompressed)


def _whole_file(response: Response) -> Response:
    if (
        this_request().endpoint in FILE_ENDPOINTS
        and response.status_code == 200
        and response.direct_passthrough
        and response.mimetype in compress.compress_mimetypes_set
    ):
        response.direct_passthrough = False
        response.set_data(response.get_data())
    return response


def _precompressed(response: Response) -> Response:
    """A cached page's gzip from its pieces: compressing a whole form page cost a fifth of the
    request; Flask-Compress then sees Content-Encoding and leaves the body alone."""
    encode: Precompressed | None = this_g().pop("precompressed", None)
    if (
        encode is None
        or response.status_code != 200
        or response.is_streamed
        or response.mimetype not in compress.compress_mimetypes_set
        # Conditional requests and ETags stay Flask-Compress's (it marks the ETag ":gzip").
        or has_header(response.headers, "ETag")
        or has_header(response.headers, "Content-Encoding")
        or not _gzip_chosen()
    ):
        return response
    encoded = encode(response.get_data())
    if encoded is not None:
        response.set_data(encoded)
        response.headers["Content-Encoding"] = "gzip"
    return response


def _gzip_chosen() -> bool:
    """The app's one rule for gzip, for cached pages and every other response alike: named and
    not refused (a quality of 0), and not ranked below `identity`; or, not named, asked for by
    `*` while `identity` is not named. Flask-Compress's choice except that a refusal counts."""
    asked = {value.lower(): quality for value, quality in this_request().accept_encodings}
    if "gzip" in asked:
        return asked["gzip"] > 0 and asked["gzip"] >= asked.get("identity", 0)
    # Flask-Compress falls back on `*` only when nothing named is acceptable, identity included.
    return asked.get("*", 0) > 0 and "identity" not in asked
