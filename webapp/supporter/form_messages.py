"""Form messages whose examples and limits are set in as each page is made, isolated for bidi."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import Length, ValidationError

from webapp.i18n import isolate, number


class Said:
    """A message with values: English examples (a name, a city), other values (a ZIP code, an
    email address) and numbers. Set into the message when the field is drawn, not when the form
    class is built (the message was then in no page's language yet, and its values bare): in HTML
    each value is a <bdi>, an English example marked so an Arabic voice reads "Rania" as a name;
    in plain text each is isolated with FSI ... PDI."""

    def __init__(
        self,
        message: Any,
        english: Mapping[str, str] | None = None,
        values: Mapping[str, str] | None = None,
        numbers: Mapping[str, int] | None = None,
    ) -> None:
        self.message = message
        self.english = dict(english or {})
        self.values = {**(values or {}), **{k: number(n) for k, n in (numbers or {}).items()}}

    def __str__(self) -> str:
        every = {**self.english, **self.values}
        return str(self.message) % {key: isolate(value) for key, value in every.items()}

    def __html__(self) -> Markup:
        marked = {
            key: Markup('<bdi lang="en">{}</bdi>').format(v) for key, v in self.english.items()
        }
        marked.update({key: Markup("<bdi>{}</bdi>").format(v) for key, v in self.values.items()})
        return escape(str(self.message)) % marked

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class AtMost(Length):
    """Length's `maxlength` on the input, with the limit isolated in the message: "%(max)d",
    filled by WTForms, stood bare in an Arabic sentence."""

    def __init__(self, limit: int) -> None:
        super().__init__(max=limit, message=_l("Use at most %(max)s characters."))

    def __call__(self, form: Any, field: Field) -> None:
        if len(field.data or "") > self.max:
            raise ValidationError(Said(self.message, numbers={"max": self.max}))
