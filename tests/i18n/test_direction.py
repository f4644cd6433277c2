"""Right to left by construction: no physical left/right anywhere in styles or inline styles."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STYLESHEETS = sorted((ROOT / "webapp" / "static" / "css").glob("*.css"))
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
SCRIPTS = sorted((ROOT / "webapp" / "static" / "js").glob("*.js"))
PHYSICAL = re.compile(r"\b(left|right)\b|(?:margin|padding|border)-(?:left|right)", re.IGNORECASE)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _physical(css: str) -> list[str]:
    return [m.group(0) for m in PHYSICAL.finditer(COMMENT.sub("", css))]


def test_the_check_catches_physical_properties() -> None:
    assert _physical(".a { margin-left: 1rem; float: right; text-align: left }") == [
        "margin-left",
        "right",
        "left",
    ]
    assert _physical("/* the form comes right after */ .a { margin-inline-start: 1rem }") == []


def test_stylesheets_use_logical_properties_only() -> None:
    assert STYLESHEETS
    found = {p.name: _physical(p.read_text(encoding="utf-8")) for p in STYLESHEETS}
    assert not any(found.values()), found


def test_no_inline_style_in_templates_uses_left_or_right() -> None:
    found = {}
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        styles = re.findall(r"""style\s*=\s*("[^"]*"|'[^']*')""", text)
        styles += re.findall(r"<style[^>]*>(.*?)</style>", text, re.DOTALL)
        bad = [s for s in styles if _physical(s)]
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert not found, found


def test_scripts_set_no_physical_side() -> None:
    found = {}
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        bad = re.findall(
            r"style\.(?:left|right|marginLeft|marginRight|paddingLeft|paddingRight)", text
        )
        if bad:
            found[path.name] = bad
    assert not found, found
