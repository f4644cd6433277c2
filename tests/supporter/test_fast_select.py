"""The fast select writes exactly what WTForms' own widget writes, in both languages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from webapp.civic.countries import country_choices
from webapp.supporter.fast_select import FastSelect
from webapp.supporter.forms import LetterForm


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize(
    "data", [{}, {"country": "DE", "state": "", "prefix": "Dr."}, {"state": "MI", "prefix": "Ms."}]
)
def test_letter_form_selects_match_the_library_widget(
    app: Flask, locale: str, data: dict[str, str]
) -> None:
    with app.test_request_context(), force_locale(locale):
        form = LetterForm(data=data, meta={"csrf": False})
        form.country.choices = country_choices(locale)
        for name in ("country", "state", "prefix"):
            field = form[name]
            assert isinstance(field.widget, FastSelect)
            fast = field(class_="x", aria_describedby="h")
            plain = Select()(field, class_="x", aria_describedby="h")
            assert str(fast) == str(plain)
            assert str(fast).count("<option") >= 3
            if data.get(name):
                assert f'<option selected value="{data[name]}">' in str(fast)


def test_awkward_values_and_own_attributes_are_written_the_same() -> None:
    class Awkward(Form):
        pick = SelectField(
            choices=[
                SelectChoice('a"b', "<Tom & Jerry>"),
                SelectChoice("", ""),
                SelectChoice(True, "yes"),  # type: ignore[arg-type]
                SelectChoice("x", "with own attributes", render_kw={"data-x": "1"}),
            ],
            widget=FastSelect(),
        )

    for chosen in ('a"b', "", "x"):
        form = Awkward(data={"pick": chosen})
        assert str(form.pick()) == str(Select()(form.pick))
