"""embed.js as partners' pages load it: the source without its own-line `//` comments."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, request

# Every page that shows the widget downloads this file, and the comments that explain it to us
# were a third of its bytes; the file's head (what to paste, what it does) stays for a partner.
MAX_AGE_SECONDS = 3600


@lru_cache(maxsize=4)
def _served(path: str, modified_ns: int) -> bytes:
    """The file at `path` without its comment lines (cached per version of the file)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return ("\n".join(line for line in lines if not line.lstrip().startswith("//")) + "\n").encode()


def embed_script_response() -> Response:
    """The loader, readable from any origin, cached for an hour and revalidated by its ETag."""
    path = Path(current_app.static_folder or "") / "js" / "embed.js"
    body = _served(str(path), path.stat().st_mtime_ns)
    response = Response(body, mimetype="application/javascript")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.make_conditional(request)  # a 304 for a copy still current
    return response
