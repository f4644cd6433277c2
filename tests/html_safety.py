"""Parse a page and assert nothing in it can run script: no inline script, handlers or js URLs."""

from __future__ import annotations

from html.parser import HTMLParser

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"}
_ACTIVE_TAGS = {"iframe", "frame", "object", "embed", "img", "svg", "math", "base", "meta"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            self._in_script = True
            # Only the site's own static files: anything else is an injected script.
            if not values.get("src", "").startswith("/static/js/"):
                self.problems.append(f"script with src {values.get('src')!r}")
        if tag in _ACTIVE_TAGS and not (tag == "meta" and "http-equiv" not in values):
            self.problems.append(f"<{tag}> element")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}={value!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
            squeezed = "".join(value.split()).lower()
            if name in _URL_ATTRIBUTES and squeezed.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data.strip()[:60]!r}")


def script_problems(html: str) -> list[str]:
    """Everything in `html` that a browser could execute, described one per item."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


def assert_inert(html: str) -> None:
    problems = script_problems(html)
    assert not problems, "active content in the page: " + "; ".join(problems)
