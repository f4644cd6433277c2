"""Every `Enum.MEMBER` a template names exists: Jinja's default Undefined turns a misspelt member
into a comparison that is silently false (no test renders the hand-off card's short version)."""

from __future__ import annotations

import pathlib
import re

from flask import Flask

TEMPLATES = pathlib.Path(__file__).resolve().parents[1] / "templates"


def test_templates_name_only_members_their_enums_have(app: Flask) -> None:
    enums = {
        name: value
        for name, value in app.jinja_env.globals.items()
        if isinstance(value, type) and hasattr(value, "__members__")
    }
    assert {"SubmissionStatus", "DeliveryStatus", "HandoffVersion", "LinkEmail"} <= set(enums)
    pattern = re.compile(r"\b(" + "|".join(enums) + r")\.(\w+)")
    missing = [
        f"{path.relative_to(TEMPLATES)}: {m[0]}"
        for path in TEMPLATES.rglob("*.html")
        for m in pattern.finditer(path.read_text())
        if m[2] not in enums[m[1]].__members__
    ]
    assert not missing, missing
