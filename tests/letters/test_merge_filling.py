"""A filter given values it cannot take is refused when the text is checked, not when a supporter's
letter is composed: the file check only parsed, so `title(3)` passed and every letter failed."""

from __future__ import annotations

import pytest
from flask import Flask
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import select

from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.problems import Kind
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE
from webapp.database import db
from webapp.letters.merge import MergeFieldError, MergeValues, check_template, render

VALUES = MergeValues(
    supporter={"first_name": "Rasha", "city": "Dearborn"},
    target={"name": "Jane Doe", "office": "US Senate"},
    campaign={"title": "Safe water"},
)


@pytest.mark.parametrize(
    ("source", "line", "name"),
    [
        ("{{ supporter.city | title(3) }}", 1, "'title'"),
        ("Dear {{ target.name | upper('x') }},", 1, "'upper'"),
        ("{{ supporter.city | trim(3) }}", 1, "'trim'"),
        ("{{ target.office | default('a', true, 3) }}", 1, "'default'"),
        # the first filter that fails by itself, not the one it is inside
        ("Dear friend,\n{{ supporter.city | upper | title(2) | default('x') }}", 2, "'title'"),
    ],
)
def test_a_filter_given_values_it_cannot_take_is_refused(source: str, line: int, name: str) -> None:
    with pytest.raises(TypeError):  # what composing a letter met (render() now leaves it out)
        ImmutableSandboxedEnvironment().from_string(source).render(
            supporter=VALUES.supporter, target=VALUES.target, campaign=VALUES.campaign
        )
    with pytest.raises(MergeFieldError) as refused:
        check_template(source)
    assert refused.value.kind is Kind.MERGE_FILTER_VALUES
    assert refused.value.params == {"line": line, "filter": name}
    assert str(refused.value) == f"line {line}: the filter {name} cannot take these values"


@pytest.mark.parametrize(
    "source",
    [
        "{{ supporter.city | trim('.') }}",
        "{{ target.office | default('your office', true) }}",
        "{{ supporter.first_name | default('friend') | title }}",
        "{{ supporter.city | capitalize }} and {{ campaign.title | lower }}",
    ],
)
def test_filters_given_values_they_take_still_pass(source: str) -> None:
    check_template(source)
    render(source, VALUES)
    render(source, MergeValues({}, {}, {}))  # an office or supporter without the value


def _with_salutation(salutation: str) -> str:
    text = DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8")
    start = text.index("\nsalutation:")
    end = text.index("\n", start + 1)
    return f"{text[:start]}\nsalutation: {salutation!r}{text[end:]}"


def test_the_campaign_file_check_refuses_it() -> None:
    text = _with_salutation("Dear {{ target.name | title(3) }},")
    with pytest.raises(CampaignFileError) as refused:
        parse_campaign_file(text)
    assert [p.kind for p in refused.value.problems] == [Kind.MERGE_FILTER_VALUES]
    assert str(refused.value.problems[0]).startswith("salutation: line 1: the filter 'title'")


def test_import_refuses_it_and_writes_nothing(app: Flask, tmp_path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(_with_salutation("Dear {{ target.name | title(3) }},"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["campaigns", "import", str(bad)])
    assert result.exit_code == 1
    assert "the filter 'title' cannot take these values" in result.output
    with app.app_context():
        from webapp.models import Campaign

        assert db.session.scalars(select(Campaign.slug)).all() == []
