"""Plain merge texts are filled without Jinja, and read exactly as Jinja would render them."""

from __future__ import annotations

import html

import pytest
from jinja2 import TemplateSyntaxError

import webapp.letters.merge as merge
from tests.letters.test_merge import VALUES
from webapp.letters.markdown import escape_markdown
from webapp.letters.merge import MERGE_FIELDS, MergeValues, render

# The other merge tests' values, with names that an escape changes and one in Arabic.
FULL = MergeValues(
    {
        **VALUES.supporter,
        "first_name": "رشا",
        "last_name": "*Haddad*",
        "full_name": "Rasha <b>Haddad</b>",
    },
    VALUES.target,
    {"title": "Five [steps] & more"},
)
# A supporter abroad has no state or ZIP; a dataset may give None or a number.
SPARSE = MergeValues(
    supporter={"first_name": "Ana", "city": "Berlin", "state": None, "zip": 10115},  # type: ignore[dict-item]
    target={"name": "The President of the United States"},
    campaign={},
)

PLAIN = [
    "Dear {{ target.title }} {{ target.last_name }},",
    "Dear {{target.title}} {{target.last_name}},",
    "I am writing as your constituent in {{ supporter.city }}.\n\nBelow is a copy.\n",
    "\n{{ supporter.full_name }}\n{{ supporter.city }}, {{ supporter.state }}"
    " {{ supporter.zip }}\n",
    "{{- supporter.first_name -}}  ,  {{ supporter.last_name -}}\n  !",
    "Re: {# organisers' note #}{{ campaign.title }} {braces} 100% {{ target.office }}",
    "{% raw %}{{ supporter.city }}{% endraw %} then {{ supporter.city }}",
    "عزيزي {{ target.name }}، من {{ supporter.city }}",
    "{{ supporter.zip }}{{ supporter.zip }}",
]
# Each of these still goes through Jinja: filters, constants, blocks, unknown names.
NOT_PLAIN = [
    "{{ supporter.city | upper }}",
    "{{ target.office | default('your office') }}",
    "{{ 'x' }}{{ supporter.city }}",
    "{% if supporter.city %}{{ supporter.city }}{% endif %}",
    "{{ supporter.email }}",
    "{{ supporter.__dict__ }}",
    "{{ config }}",
    "{{ lipsum.__globals__ }}",
    "{{ supporter.city ~ '!' }}",
]


def _jinja(source: str, values: MergeValues, escape: object) -> str:
    return merge._compiled(source, escape).render(  # type: ignore[arg-type]
        supporter=dict(values.supporter),
        target=dict(values.target),
        campaign=dict(values.campaign),
    )


# The last escape gives no str: Jinja's output makes one of it, and so does the plain path.
@pytest.mark.parametrize("escape", [None, escape_markdown, html.escape, len])
@pytest.mark.parametrize("values", [FULL, SPARSE], ids=["full", "sparse"])
@pytest.mark.parametrize("source", PLAIN + NOT_PLAIN)
def test_every_text_reads_as_jinja_renders_it(
    source: str, values: MergeValues, escape: object
) -> None:
    assert render(source, values, escape) == _jinja(source, values, escape)  # type: ignore[arg-type]


@pytest.mark.parametrize("source", PLAIN)
def test_plain_texts_take_the_path_without_jinja(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_jinja(*_args: object) -> object:
        raise AssertionError("rendered through Jinja")

    monkeypatch.setattr(merge, "_compiled", no_jinja)
    assert merge._plain_parts(source) is not None
    render(source, FULL, escape_markdown)


@pytest.mark.parametrize("source", NOT_PLAIN)
def test_anything_else_is_left_to_jinja(source: str) -> None:
    assert merge._plain_parts(source) is None


def test_no_documented_field_is_named_like_a_dict_method() -> None:
    # Jinja prefers an attribute to a key; the plain path looks fields up as keys only.
    assert not {field for fields in MERGE_FIELDS.values() for field in fields} & set(dir(dict))


def test_a_broken_text_still_fails_as_jinja_fails() -> None:
    with pytest.raises(TemplateSyntaxError):
        render("Dear {{ target.title", FULL)
