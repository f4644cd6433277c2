"""Merge fields: documented fields render, supporter values stay text, nothing else is allowed."""

from __future__ import annotations

import re

import pytest
from jinja2.exceptions import SecurityError

from webapp.letters.markdown import escape_markdown
from webapp.letters.merge import (
    MergeFieldError,
    MergeValues,
    check_template,
    has_merge_fields,
    render,
)

VALUES = MergeValues(
    supporter={
        "first_name": "Rasha",
        "last_name": "Haddad",
        "full_name": "Rasha Haddad",
        "city": "Dearborn",
        "state": "MI",
        "zip": "48126",
    },
    target={"name": "Jane Doe", "office": "US Senate", "title": "Senator", "last_name": "Doe"},
    campaign={"title": "Safe water"},
)


def _with_supporter(**changes: str) -> MergeValues:
    return MergeValues({**VALUES.supporter, **changes}, VALUES.target, VALUES.campaign)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Dear {{ target.title }} {{ target.last_name }},", "Dear Senator Doe,"),
        (
            "{{ supporter.full_name }} of {{ supporter.city }}, {{ supporter.state }} "
            "{{ supporter.zip }}",
            "Rasha Haddad of Dearborn, MI 48126",
        ),
        (
            "{{ target.name }} ({{ target.office }}) re {{ campaign.title }}",
            "Jane Doe (US Senate) re Safe water",
        ),
        ("{{ supporter.city | upper }} {{ supporter.first_name|lower }}", "DEARBORN rasha"),
        ("{{ target.office | default('your office') }}", "US Senate"),
        ("No fields at all: 100% {plain} text", "No fields at all: 100% {plain} text"),
    ],
)
def test_documented_merge_fields_render(source: str, expected: str) -> None:
    check_template(source)
    assert render(source, VALUES) == expected


def test_default_filter_fills_an_empty_value() -> None:
    source = "{{ supporter.city | default('my town', true) }}"
    check_template(source)
    assert render(source, _with_supporter(city="")) == "my town"


@pytest.mark.parametrize(
    "value", ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ ''.__class__ }}", "{#"]
)
def test_supporter_value_is_inserted_literally_never_evaluated(value: str) -> None:
    rendered = render("Hello {{ supporter.first_name }}!", _with_supporter(first_name=value))
    assert rendered == f"Hello {value}!"


def test_escape_is_applied_to_every_inserted_value_and_not_to_organiser_text() -> None:
    source = "**Hi** {{ supporter.first_name }} from {{ supporter.city }}"
    values = _with_supporter(first_name="*Ra*", city="[x](y)")
    assert render(source, values, escape_markdown) == r"**Hi** \*Ra\* from \[x\](y)"


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("{% for x in supporter %}{{ x }}{% endfor %}", "For"),
        ("{% if supporter.city %}yes{% endif %}", "If"),
        ("{% set x = 1 %}", "Assign"),
        ("{% macro m() %}{% endmacro %}", "Macro"),
        ("{% include 'x.html' %}", "Include"),
        ("{{ ''.__class__ }}", "one level deep"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "Call"),
        ("{{ supporter.__dict__ }}", "unknown merge field supporter.__dict__"),
        ("{{ supporter.__class__ }}", "unknown merge field"),
        ("{{ supporter.email }}", "unknown merge field supporter.email"),
        ("{{ supporter.street }}", "unknown merge field supporter.street"),
        ("{{ target.email }}", "unknown merge field target.email"),
        ("{{ config }}", "unknown merge field 'config'"),
        ("{{ first_name }}", "unknown merge field 'first_name'"),
        ("{{ supporter.city | attr('__class__') }}", "filter 'attr'"),
        ("{{ supporter.city | safe }}", "filter 'safe'"),
        ("{{ supporter.city | format('%s') }}", "filter 'format'"),
        ("{{ range(10) }}", "Call"),
        ("{{ supporter.items() }}", "Call"),
        ("{{ lipsum() }}", "Call"),
        ("{{ supporter['first_name'] }}", "Getitem"),
        ("{{ 7*7 }}", "Mul"),
        ("{{ supporter.city ~ 'x' }}", "Concat"),
        ("{{ supporter.city if true }}", "CondExpr"),
        ("{{ supporter.first_name", "line 1"),
        ("{% raw %}{{ x }}{% endraw %}{{ supporter.nope }}", "unknown merge field"),
    ],
)
def test_check_template_rejects_anything_but_plain_merge_fields(
    source: str, complaint: str
) -> None:
    with pytest.raises(MergeFieldError, match=re.escape(complaint)):
        check_template(source)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ supporter.update({'first_name': 'x'}) }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ supporter.first_name.__class__.__base__.__subclasses__() }}",
        "{{ joiner.__init__.__globals__ }}",
    ],
)
def test_sandbox_refuses_unsafe_access_even_when_unchecked(source: str) -> None:
    with pytest.raises(SecurityError):
        render(source, VALUES)


@pytest.mark.parametrize(
    "source",
    ["{{ ''.__class__ }}", "{{ supporter.__dict__ }}", "{{ config }}", "{{ lipsum.__globals__ }}"],
)
def test_sandbox_renders_unsafe_attributes_as_nothing(source: str) -> None:
    assert render(source, VALUES) == ""


def test_has_merge_fields_spots_expressions_and_blocks() -> None:
    assert has_merge_fields("Hi {{ supporter.first_name }}")
    assert has_merge_fields("{% if x %}{% endif %}")
    assert not has_merge_fields("Plain text with {single} braces")


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("Dear {{ supporter.first_name", "a merge field is not closed"),
        ("Dear {{ supporter.first_name }", "a merge field is not closed"),
        ("Dear {{ supporter first_name }}", "a merge field is not written as {{ group.field }}"),
    ],
)
def test_a_slip_in_a_merge_field_is_told_in_an_organiser_s_words(source: str, said: str) -> None:
    with pytest.raises(MergeFieldError) as raised:
        check_template(source)
    assert str(raised.value).startswith(f"line 1: {said}")
    assert "print statement" not in str(raised.value) and "token" not in str(raised.value)
