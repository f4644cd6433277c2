"""Supporters who write in another script: a name's Latin spelling and an English version."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from webapp.i18n import RTL_LANGUAGES
from webapp.supporter.form_messages import AtMost, Said
from webapp.text_input import clean_line, has_arabic_script, has_pictographs, is_latin_text


def _latin_name_of(name_field: str, missing: Any, example: str) -> Any:
    """The Latin spelling of a name typed in another script: required then, and only Latin.

    US office systems (CWC, web forms) reject names in other scripts, so offices get this one
    while the receipt and emails keep the name as the supporter wrote it.
    """

    def check(form: Any, field: StringField) -> None:
        if is_latin_text(form[name_field].data):
            field.errors[:] = []
            raise StopValidation()
        if not (field.data or "").strip():
            raise StopValidation(Said(missing, english={"example": example}))
        if not is_latin_text(field.data):
            raise StopValidation(
                _l("Use Latin letters only (A to Z, accents allowed), as on a passport.")
            )

    return check


# A name or city is typed into office systems and signs every letter: offices' forms and CWC may
# refuse an emoji, and staff read it as unserious. The supporter's own paragraph may have them.
NAME_SYMBOLS = _l(
    "Use letters only: emoji and other symbols cannot go into the name your letters are "
    "signed with."
)
CITY_SYMBOLS = _l(
    "Use letters only: emoji and other symbols cannot go into the city your letters are "
    "signed with."
)


def letters_only(message: Any) -> Any:
    """Refuses emoji and other pictographs, with `message`."""

    def check(form: Any, field: StringField) -> None:
        if has_pictographs(field.data):
            raise ValidationError(message)

    return check


def _line_field(label: Any, *checks: Any) -> StringField:
    """A one-line field of at most 100 characters (a name, a city) with its own `checks`."""
    return StringField(label, filters=[clean_line], validators=[*checks, AtMost(100)])


def latin_name_field(name_field: str, label: Any, missing: Any, example: str) -> StringField:
    """The Latin spelling of `name_field`; `missing` says it is needed, with `example` (an
    English name) set in per page."""
    checks = (_latin_name_of(name_field, missing, example), letters_only(NAME_SYMBOLS))
    return _line_field(label, *checks)


def latin_place(example: str) -> Any:
    """A place the letter is signed with (its city): the letter to offices is in English, so a
    city typed in another script (برلين) is refused, and kept in the field."""
    message = Said(
        _l(
            "Write your city in Latin letters (A to Z, accents allowed), e.g. %(example)s: the "
            "letter to offices is in English and signed with it."
        ),
        english={"example": example},
    )

    def check(form: Any, field: StringField) -> None:
        if field.data and not is_latin_text(field.data):
            raise StopValidation(message)

    return check


def city_field(label: Any, required: Any, example: str) -> StringField:
    """A city the letter is signed with; `required` says when it must be given."""
    return _line_field(label, required, latin_place(example), letters_only(CITY_SYMBOLS))


def check_english(form: Any, field: TextAreaField) -> None:
    if field.data and has_arabic_script(field.data):
        raise ValidationError(
            _l(
                "This box is for your English version: write it in English, or leave it empty "
                "to send your words as you wrote them."
            )
        )


class OwnScriptForm:
    """What the letter form asks of a name or paragraph not in Latin letters (a mixin)."""

    first_name: Field
    last_name: Field
    latin_first_name: Field
    latin_last_name: Field
    personal_message: Field
    personal_english: Field

    def name_in_other_script(self) -> bool:
        """Whether the supporter wrote their name in a script offices cannot take."""
        return not (is_latin_text(self.first_name.data) and is_latin_text(self.last_name.data))

    def asks_latin_name(self, page_lang: str) -> bool:
        """Whether the form shows the Latin-letters name fields: always on a page in a right-to-
        left language (its readers often write their name in its script), else once needed."""
        return (
            page_lang in RTL_LANGUAGES
            or self.name_in_other_script()
            or bool(self.latin_first_name.data or self.latin_last_name.data)
        )

    def writes_in_other_script(self) -> bool:
        """Whether the personal paragraph is (partly) not in Latin letters, e.g. Arabic."""
        return bool(self.personal_message.data) and not is_latin_text(self.personal_message.data)

    def offers_english_version(self) -> bool:
        return self.writes_in_other_script() or bool(self.personal_english.data)

    def office_name(self, typed: str, latin: str | None) -> str:
        return typed if is_latin_text(typed) else (latin or "")
