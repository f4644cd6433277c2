"""A YAML reader for uploaded front matter: small, no anchors or aliases, shallow, never a crash."""

from __future__ import annotations

from typing import Any, cast

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.error import Mark
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import Node, ScalarNode

# A campaign file is a few kilobytes; the upload form allows 60 KB in all.
MAX_BYTES = 64 * 1024
# Deep enough for targets -> chambers; deeper nesting only serves to exhaust the parser's stack.
MAX_DEPTH = 20
# Python refuses to read integers of more than 4300 digits; no value of ours needs 19.
MAX_DIGITS = 18


class TooLarge(yaml.YAMLError):
    """The front matter is larger than any campaign file needs."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without anchors and aliases: a few bytes of them can expand to gigabytes."""

    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        mark = cast(Mark, event.start_mark)
        if isinstance(event, AliasEvent) or (
            isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor is not None
        ):
            raise ComposerError(
                None, None, "anchors (&name) and aliases (*name) are not allowed", mark
            )
        if isinstance(event, CollectionStartEvent) and self.depth >= MAX_DEPTH:
            raise ComposerError(
                None, None, f"lists and mappings nest more than {MAX_DEPTH} deep", mark
            )
        self.depth += isinstance(event, CollectionStartEvent)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= isinstance(event, CollectionStartEvent)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        if sum(ch.isdigit() for ch in str(node.value)) > MAX_DIGITS:
            raise ConstructorError(
                None, None, f"a number has more than {MAX_DIGITS} digits", node.start_mark
            )
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        """A date that does not exist (2026-13-45) stays text, for the key's own check to name."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load(text: str) -> Any:
    """Parse one YAML document; every problem is a yaml.YAMLError with a line number."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise TooLarge(f"the front matter is larger than {MAX_BYTES // 1024} KB")
    return yaml.load(text, Loader=_Loader)  # noqa: S506  (a SafeLoader subclass)
