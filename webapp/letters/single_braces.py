"""Merge fields typed with one brace each side ({first_name}), which a letter sends as typed."""

from __future__ import annotations

import re
from difflib import get_close_matches

from jinja2 import nodes

# One brace, a name or group.name, one brace: "{first_nam}", "{ supporter.city }".
_SINGLE_RE = re.compile(r"(?<!\{)\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\s*\}(?!\})")
# Close enough to a field's name to be a slip ("first_nam"), not a word in braces ("{plain}").
_CUTOFF = 0.8


def single_brace_field(
    tree: nodes.Template, fields: dict[str, frozenset[str]]
) -> tuple[int, str, str] | None:
    """The first text in single braces that names a merge field or nearly does, as (line, the
    text as typed, the field it likely meant); None when there is none."""
    full = [f"{group}.{name}" for group, names in fields.items() for name in sorted(names)]
    # A bare name is read as the first group's that has it: the supporter's before the office's.
    bare: dict[str, str] = {}
    for name in full:
        bare.setdefault(name.split(".", 1)[1], name)
    for data in tree.find_all(nodes.TemplateData):
        for match in _SINGLE_RE.finditer(data.data):
            typed = match.group(1).lower()
            choices = full if "." in typed else list(bare)
            close = get_close_matches(typed, choices, n=1, cutoff=_CUTOFF)
            if close:
                meant = close[0] if "." in typed else bare[close[0]]
                line = data.lineno + data.data.count("\n", 0, match.start())
                return line, match.group(0), f"{{{{ {meant} }}}}"
    return None
