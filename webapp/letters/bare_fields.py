"""Which merge fields a text shows with nothing to stand in for them when they are empty."""

from __future__ import annotations

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Parsing only, as the sandbox that renders parses (webapp/letters/merge.py).
_PARSER = ImmutableSandboxedEnvironment(keep_trailing_newline=True)


def bare_fields(source: str, group: str, fields: frozenset[str]) -> list[str]:
    """The fields of `group` among `fields` that `source` shows with no `default` to stand in
    when they are empty ("target.title"), in order; [] for text that does not parse (its own
    check says why)."""
    try:
        tree = _PARSER.parse(source)
    except TemplateSyntaxError:
        return []
    found: list[str] = []

    def walk(node: nodes.Node, defaulted: bool) -> None:
        if isinstance(node, nodes.Filter) and node.name == "default":
            defaulted = True
        if (
            isinstance(node, nodes.Getattr)
            and isinstance(node.node, nodes.Name)
            and node.node.name == group
            and node.attr in fields
            and not defaulted
        ):
            name = f"{group}.{node.attr}"
            if name not in found:
                found.append(name)
        for child in node.iter_child_nodes():
            walk(child, defaulted)

    walk(tree, False)
    return found
