"""Form fields bound by copying one pristine field per language instead of constructing each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from wtforms import Field, Form
from wtforms.fields.core import UnboundField

# Before `process`, a bound field holds only what is the same for every form of its class and
# language: validators, widget, choices, default, label, flags, render_kw. Copies share those
# objects, so code that changes one on a form replaces it (a campaign's consent text becomes a
# new Label) and never mutates it in place.
_PRISTINE: dict[tuple[Any, ...], Field] = {}
_DECLARED: dict[type, frozenset[UnboundField]] = {}


def _declared(form: Any) -> frozenset[UnboundField]:
    """The fields written in the form's class (FormMeta lists them before its first form)."""
    declared = _DECLARED.get(type(form))
    if declared is None:
        declared = frozenset(unbound for _name, unbound in form._unbound_fields)
        _DECLARED[type(form)] = declared
    return declared


def _language(form: Any) -> str:
    # Once per form: Flask-Babel's get_locale cost as much as a field's copy.
    language: str | None = form.__dict__.get("_fields_language")
    if language is None:
        language = form._fields_language = str(get_locale() or "")
    return language


def copied_field(form: Any, unbound: UnboundField, options: dict[str, Any]) -> Field:
    """The field `unbound.bind(form=form, **options)` would give, at half the cost: binding ran
    every field's constructor, about a tenth of a letter's CPU for the 29-field letter form."""
    if unbound not in _declared(form):
        # Made anew for each form (its CSRF token field): a copy would be kept for good.
        return unbound.bind(form=form, **options)
    key = (
        unbound,
        options["name"],
        options.get("prefix", ""),
        options.get("translations"),
        _language(form),
    )
    pristine = _PRISTINE.get(key)
    if pristine is None:
        pristine = unbound.bind(form=form, **options)
        # The pristine field keeps no form: it would keep that form's request data alive.
        pristine._form = None
        pristine.meta = None
        _PRISTINE[key] = pristine
    # copy.copy would go through Field.__new__, which returns an UnboundField.
    field: Field = object.__new__(type(pristine))
    field.__dict__ = {**pristine.__dict__, "_form": form, "meta": form.meta}
    return field


class CopiedFields:
    """A form Meta that binds fields by copying (`Meta = CopiedFields` on a form class)."""

    def bind_field(self, form: Any, unbound_field: UnboundField, options: dict[str, Any]) -> Field:
        return copied_field(form, unbound_field, options)


class PlainDefaults(Form):
    """A form whose fields with a plain (not callable) default are given it as their data.

    WTForms' `Field.process` calls the default and, when that raises TypeError, takes it as it
    is: a TypeError built, raised and caught for each of the letter form's 33 fields with a
    default of None or a value (about 4,000 instructions each). Handed to `Form.process` as
    `data`, the same value reaches the same `process_data` without it; `data` given by the
    caller, and `obj`, win as before.
    """

    def process(
        self,
        formdata: Any = None,
        obj: Any = None,
        data: Mapping[str, Any] | None = None,
        extra_filters: Any = None,
        **kwargs: Any,
    ) -> None:
        given = {
            name: field.default
            for name, field in self._fields.items()
            if not callable(field.default)
        }
        if data is not None:
            given.update(data)
        super().process(formdata, obj, data=given, extra_filters=extra_filters, **kwargs)
