"""Merge fields in organiser-written text, rendered by a locked-down sandboxed Jinja environment.

Only plain fields such as ``{{ supporter.first_name }}`` and a few harmless filters are accepted:
organiser text can neither run code nor loop, and supporter text is never treated as a template.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from webapp.campaigns.problems import Kind, ProblemError
from webapp.letters.single_braces import single_brace_field

log = logging.getLogger(__name__)

MERGE_FIELDS: dict[str, frozenset[str]] = {
    "supporter": frozenset({"first_name", "last_name", "full_name", "city", "state", "zip"}),
    "target": frozenset({"name", "office", "title", "last_name"}),
    "campaign": frozenset({"title"}),
}
ALLOWED_FILTERS = frozenset({"default", "upper", "lower", "title", "capitalize", "trim"})
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Const,
    nodes.Filter,
)


class MergeFieldError(ProblemError):
    """Organiser text uses something other than the documented merge fields (str(): in English;
    `said()`: in the page's language)."""


@dataclass(frozen=True)
class MergeValues:
    """The values merge fields may show; every one is supporter or dataset text, never code."""

    supporter: Mapping[str, str]
    target: Mapping[str, str]
    campaign: Mapping[str, str]


def _environment(finalize: Callable[[object], object] | None) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=True)
    env.finalize = finalize
    return env


_PLAIN_ENV = _environment(None)


def check_template(source: str) -> None:
    """Raise MergeFieldError naming the first construct that is not a plain merge field."""
    try:
        tree = _PLAIN_ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise _syntax(exc.lineno, exc.message or "") from exc
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            raise MergeFieldError(Kind.MERGE_BLOCK, line=node.lineno, block=type(node).__name__)
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise MergeFieldError(Kind.MERGE_FILTER, line=node.lineno, filter=f"'{node.name}'")
        if isinstance(node, nodes.Getattr):
            if not isinstance(node.node, nodes.Name):
                raise MergeFieldError(Kind.MERGE_DEEP, line=node.lineno)
            group, field = node.node.name, node.attr
            if field not in MERGE_FIELDS.get(group, frozenset()):
                raise MergeFieldError(
                    Kind.MERGE_UNKNOWN, line=node.lineno, merge_field=f"{group}.{field}"
                )
    for name in _names_outside_getattr(tree):
        raise MergeFieldError(Kind.MERGE_UNKNOWN_NAME, name=f"'{name}'")
    if single := single_brace_field(tree, MERGE_FIELDS):
        line, typed, meant = single
        raise MergeFieldError(Kind.MERGE_SINGLE_BRACE, line=line, typed=typed, merge_field=meant)
    _check_filling(source, tree)


# Filled in as a supporter's letter is, once with every field and once with none (an office or a
# supporter may lack one): filters only ever see text, so these two cover what a letter meets.
_SAMPLES = (
    MergeValues(
        supporter=dict.fromkeys(MERGE_FIELDS["supporter"], "Sample"),
        target=dict.fromkeys(MERGE_FIELDS["target"], "Sample"),
        campaign=dict.fromkeys(MERGE_FIELDS["campaign"], "Sample"),
    ),
    MergeValues({}, {}, {}),
)
_FILLING = (TemplateError, TypeError, ValueError)


def _check_filling(source: str, tree: nodes.Template) -> None:
    """Refuse a filter given values it cannot take ({{ supporter.city | title(3) }}): parsing
    accepts it, and it failed only when each supporter's letter was composed."""
    filters = list(tree.find_all(nodes.Filter))
    if not any(f.args or f.kwargs or f.dyn_args or f.dyn_kwargs for f in filters):
        return  # a filter without arguments takes any text
    for values in _SAMPLES:
        try:
            _fill(_compiled(source, None), values)  # not render(), which leaves them out
        except _FILLING:
            failing = _failing_filter(filters, values)
            if failing is None:
                raise MergeFieldError(Kind.MERGE_COMPOSE) from None
            name = f"'{failing.name}'"
            raise MergeFieldError(
                Kind.MERGE_FILTER_VALUES, line=failing.lineno, filter=name
            ) from None


def _failing_filter(filters: list[nodes.Filter], values: MergeValues) -> nodes.Filter | None:
    """The first filter that fails filled in by itself, but for one failing only because a
    filter inside it does ("title(2)" in "x | upper | title(2) | default('y')")."""
    failing = []
    for found in filters:
        alone = nodes.Template([nodes.Output([found], lineno=found.lineno)], lineno=1)
        try:
            _fill(_PLAIN_ENV.from_string(alone), values)
        except _FILLING:
            failing.append(found)
    failed = {id(f) for f in failing}
    return next(
        (f for f in failing if not failed & {id(g) for g in f.find_all(nodes.Filter)}), None
    )


def _syntax(line: int, message: str) -> MergeFieldError:
    """The template engine's complaint in an organiser's words, for the two common slips; any
    other in the engine's words on the command line (the page says the line cannot be read)."""
    if "unexpected end of template" in message or "unexpected '}'" in message:
        return MergeFieldError(Kind.MERGE_NOT_CLOSED, line=line)
    if "unexpected char" in message or "expected token" in message:
        return MergeFieldError(Kind.MERGE_SHAPE, line=line)
    return MergeFieldError(Kind.MERGE_SYNTAX, f"line {line}: {message}", line=line)


def _names_outside_getattr(tree: nodes.Template) -> list[str]:
    inside = {id(g.node) for g in tree.find_all(nodes.Getattr)}
    return [n.name for n in tree.find_all(nodes.Name) if id(n) not in inside]


@lru_cache(maxsize=512)
def has_merge_fields(source: str) -> bool:
    # Cached: a letter asks this of the campaign's whole body a few times per office (a scan of
    # several kilobytes each), and the few texts a campaign has are the same str on every letter.
    return "{{" in source or "{%" in source


def _shown(value: object, escape: Callable[[str], str] | None) -> str:
    """A merge field's value as the letter shows it (a missing value renders as nothing)."""
    text = "" if value is None else str(value)
    # str() as Jinja's output does, should an escape give something else.
    return str(escape(text)) if escape else text


def _finalizer(escape: Callable[[str], str] | None) -> Callable[[object], object]:
    def finalize(value: object) -> object:
        return _shown(value, escape)

    return finalize


@lru_cache(maxsize=512)
def _compiled(source: str, escape: Callable[[str], str] | None) -> Template:
    # Compiling is the costly part, and a campaign's few texts are rendered for every letter.
    return _environment(_finalizer(escape)).from_string(source)


# A text read as literal runs and (group, field) pairs: what nearly every campaign's salutation
# and cover note are.
_Parts = tuple[str | tuple[str, str], ...]


@lru_cache(maxsize=512)
def _plain_parts(source: str) -> _Parts | None:
    """The text's parts when it holds only text and bare documented fields (no filter, no
    constant): filled without Jinja, which took 9 µs a text, 18 texts a letter. Else None."""
    try:
        tree = _PLAIN_ENV.parse(source)
    except TemplateSyntaxError:
        return None
    parts: list[str | tuple[str, str]] = []
    for output in tree.body:
        if not isinstance(output, nodes.Output):
            return None
        for node in output.nodes:
            if isinstance(node, nodes.TemplateData):
                parts.append(node.data)
            elif (
                isinstance(node, nodes.Getattr)
                and isinstance(node.node, nodes.Name)
                and node.attr in MERGE_FIELDS.get(node.node.name, ())
                # Jinja prefers an attribute to a key: a field named like a dict method would
                # show the method, so only names a dict lacks are looked up as keys here.
                and not hasattr(dict, node.attr)
            ):
                parts.append((node.node.name, node.attr))
            else:
                return None
    return tuple(parts)


def render(source: str, values: MergeValues, escape: Callable[[str], str] | None = None) -> str:
    """Render organiser text; `escape` is applied to every inserted value (e.g. for Markdown)."""
    if not has_merge_fields(source):
        return source
    parts = _plain_parts(source)
    if parts is not None:
        return "".join(
            part if isinstance(part, str) else _shown(getattr(values, part[0]).get(part[1]), escape)
            for part in parts
        )
    try:
        return _fill(_compiled(source, escape), values)
    except _FILLING:
        # A text saved before check_template filled texts in, or changed outside the checks:
        # the letter goes without the filters that cannot take its values (the organisers'
        # dashboard names them), not every supporter's letter failing.
        return _fill(_without_failing(source, escape), values)


def _fill(template: Template, values: MergeValues) -> str:
    return template.render(
        supporter=dict(values.supporter),
        target=dict(values.target),
        campaign=dict(values.campaign),
    )


class _Unfiltered(NodeTransformer):
    """Puts the value a filter is given in the place of that filter."""

    def __init__(self, dropped: nodes.Filter) -> None:
        self.dropped = dropped

    def visit_Filter(self, node: nodes.Filter) -> nodes.Node:
        self.generic_visit(node)
        return node.node if node is self.dropped and node.node is not None else node


@lru_cache(maxsize=64)
def _without_failing(source: str, escape: Callable[[str], str] | None) -> Template:
    """The text compiled without each filter that fails filled in as check_template fills it,
    innermost first ("title(2)" goes from "x | upper | title(2)", "upper" stays)."""
    tree = _PLAIN_ENV.parse(source)
    dropped: list[str] = []
    while (failing := _failing_in(tree)) is not None:
        dropped.append(f"'{failing.name}' (line {failing.lineno})")
        tree = _Unfiltered(failing).visit(tree)
    _warn_once(source, tuple(dropped))
    return _environment(_finalizer(escape)).from_string(tree)


def _failing_in(tree: nodes.Template) -> nodes.Filter | None:
    filters = list(tree.find_all(nodes.Filter))
    for values in _SAMPLES:
        try:
            _fill(_PLAIN_ENV.from_string(tree), values)
        except _FILLING:
            # A filter failing only inside others' combination: the outermost goes first.
            return _failing_filter(filters, values) or (filters[0] if filters else None)
    return None


@lru_cache(maxsize=64)
def _warn_once(source: str, dropped: tuple[str, ...]) -> None:
    # Once a text, not once a letter; the filters' names and lines, never a value merged in.
    log.warning(
        "a stored text's merge fields cannot be filled in as written; letters leave out the "
        "filter %s: correct the campaign in the editor",
        ", ".join(dropped) or "(none found)",
    )
