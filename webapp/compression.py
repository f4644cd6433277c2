"""Static styles and scripts gzipped like pages: whole files, not streams, for Flask-Compress."""

from __future__ import annotations

from flask import Flask, Response, request

from webapp.extensions import compress

# Files the app serves itself (the stylesheet, scripts, the widget loader).
FILE_ENDPOINTS = frozenset({"static", "widget.embed_js"})


def init_compression(app: Flask) -> None:
    """Compress responses unless COMPRESS_RESPONSES turned it off (a proxy in front does it)."""
    if not app.config["COMPRESS_ENABLED"]:
        return
    compress.init_app(app)
    # Registered after Flask-Compress, so it runs before it (after-request hooks run in
    # reverse). A served file is a stream, and streams stay uncompressed (CSV exports would be
    # held in memory); these files are small and fixed, so they are read whole and compressed.
    app.after_request(_whole_file)


def _whole_file(response: Response) -> Response:
    if (
        request.endpoint in FILE_ENDPOINTS
        and response.status_code == 200
        and response.direct_passthrough
        and response.mimetype in compress.compress_mimetypes_set
    ):
        response.direct_passthrough = False
        response.set_data(response.get_data())
    return response
