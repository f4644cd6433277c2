"""Letter-form fields copied from a pristine field behave as fields built one by one."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Field, Form
from wtforms.validators import ValidationError

from webapp.supporter import field_copies
from webapp.supporter.forms import LetterForm

FILLED = MultiDict(
    {
        "first_name": "Rania",
        "last_name": "Haddad",
        "email": "rania@example.org",
        "city": "Dearborn",
        "state": "MI",
        "zip_code": "48126",
        "personal_message": "My brother is still in Idlib.",
    }
)


def _constructed(form: LetterForm, name: str) -> Field:
    """The same field bound the library's way, with the same data processed."""
    unbound = dict(form._unbound_fields)[name]
    field = unbound.bind(
        form=form, name=name, prefix="", translations=form.meta.get_translations(form)
    )
    field.process(FILLED)
    return field


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_copied_field_renders_as_a_constructed_one(app: Flask, locale: str) -> None:
    with app.test_request_context(), force_locale(locale):
        LetterForm(meta={"csrf": False})  # the pristine fields now exist
        form = LetterForm(formdata=FILLED, meta={"csrf": False})
        form.validate()
        for field in form:
            twin = _constructed(form, field.short_name)
            assert type(twin) is type(field)
            assert twin.data == field.data, field.name
            assert str(twin.label()) == str(field.label()), field.name
            if field.type != "SelectField":  # choices are set per form, after binding
                assert str(twin()) == str(field()), field.name
            assert vars(twin.flags) == vars(field.flags), field.name


def test_forms_share_no_entered_data_or_errors(app: Flask) -> None:
    with app.test_request_context():
        first = LetterForm(formdata=FILLED, meta={"csrf": False})
        first.validate()
        second = LetterForm(formdata=MultiDict({"email": "not an address"}), meta={"csrf": False})
        second.validate()
        blank = LetterForm(meta={"csrf": False})
        assert first.first_name.data == "Rania" and first.email.errors == []
        assert second.first_name.data in ("", None) and second.email.errors
        assert blank.first_name.data in ("", None) and not blank.email.errors
        assert first.email.errors == [] and "not an address" not in str(blank.email())
        assert all(a is not b for a, b in zip(first, second, strict=True))
        assert first.first_name._form is first and second.first_name._form is second


def test_the_pristine_fields_keep_no_form(app: Flask) -> None:
    """A pristine field lives as long as the process: it must not hold anyone's letter."""
    with app.test_request_context():
        LetterForm(formdata=FILLED, meta={"csrf": False})
    assert field_copies._PRISTINE
    for pristine in field_copies._PRISTINE.values():
        assert pristine._form is None and pristine.meta is None
        assert "data" not in pristine.__dict__ and "raw_data" not in pristine.__dict__


def test_a_form_with_its_csrf_token_copies_only_the_declared_fields(app: Flask) -> None:
    """The CSRF field is made anew for each form: keeping a pristine copy of each would grow
    without end on the campaign page, which checks CSRF."""
    with app.test_request_context():
        LetterForm(meta={"csrf": True})
        known = len(field_copies._PRISTINE)
        forms = [LetterForm(meta={"csrf": True}) for _ in range(3)]
        assert len(field_copies._PRISTINE) == known
        tokens = {str(form.csrf_token.current_token) for form in forms}
        assert len(tokens) == 1 and 'name="csrf_token"' in str(forms[0].csrf_token())


def test_plain_defaults_reach_the_fields_as_the_library_gives_them(app: Flask) -> None:
    """PlainDefaults hands a plain default to `process` as data: a blank form's fields hold
    what the library's own default path gives them, and data the caller gives still wins
    (pins the behaviour of WTForms' path; only the raised-and-caught TypeError is gone)."""
    with app.test_request_context():
        blank = LetterForm(meta={"csrf": False})
        given = LetterForm(meta={"csrf": False}, data={"city": "Dearborn", "country": "DE"})
        for field in blank:
            unbound = dict(blank._unbound_fields)[field.short_name]
            twin = unbound.bind(form=blank, name=field.short_name, prefix="", translations=None)
            twin.process(None)
            assert twin.data == field.data, field.name
            assert twin.object_data == field.object_data, field.name
        assert given.city.data == "Dearborn" and given.country.data == "DE"
        assert blank.city.data is None and blank.country.data == "US"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"state": "XX", "prefix": "Sir", "country": "ZZ"},  # each inline check refuses
        {"state": "", "country": "", "first_name": ""},
        {"state": "MI", "prefix": "Dr.", "email": "not an address"},
    ],
)
def test_inline_validators_run_as_the_library_runs_them(
    app: Flask, changes: dict[str, str]
) -> None:
    """ListedInlineValidators finds `validate_<field>` once per class: each form validates
    with the same result, the same errors in the same order, as WTForms' own Form.validate
    gives an identical form, with extra validators and with a field deleted (pins the
    library's behaviour; only the per-field lookups are gone)."""

    def extra(form: Any, field: Field) -> None:
        raise ValidationError("extra first")

    data = MultiDict({**FILLED.to_dict(), **changes})
    with app.test_request_context():
        for deleted, extras in ((None, None), ("prefix", None), (None, {"state": [extra]})):
            ours = LetterForm(formdata=data, meta={"csrf": False})
            theirs = LetterForm(formdata=data, meta={"csrf": False})
            if deleted:
                del ours[deleted], theirs[deleted]
            ours_extras = {k: list(v) for k, v in extras.items()} if extras else None
            theirs_extras = {k: list(v) for k, v in extras.items()} if extras else None
            valid = ours.validate(ours_extras)
            assert valid == Form.validate(theirs, theirs_extras)
            assert ours.errors == theirs.errors, (deleted, extras)
            assert ours_extras == theirs_extras  # the caller's lists gain the same methods
        assert field_copies._INLINE[LetterForm]  # found once, for the class
