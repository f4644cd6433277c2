"""WTForms' per-form work made cheaper for the letter form: fields bound by copying one pristine
field per language, plain defaults given as data, `validate_<field>` methods listed once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wtforms import Field, Form
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm

from webapp.unproxied import this_locale

# Before `process`, a bound field holds only what is the same for every form of its class and
# language: validators, widget, choices, default, label, flags, render_kw. Copies share those
# objects, so code that changes one on a form replaces it (a campaign's consent text becomes a
# new Label) and never mutates it in place.
_PRISTINE: dict[tuple[Any, ...], Field] = {}
_DECLARED: dict[type, frozenset[UnboundField]] = {}
_INLINE: dict[type, tuple[tuple[str, Callable[..., Any]], ...]] = {}


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
        language = form._fields_language = str(this_locale() or "")
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


def _inline_validators(form: Any) -> tuple[tuple[str, Callable[..., Any]], ...]:
    """Each declared field's `validate_<name>` method, looked up once per form class."""
    found = _INLINE.get(type(form))
    if found is None:
        names = (name for name, _unbound in form._unbound_fields)
        methods = ((name, getattr(type(form), f"validate_{name}", None)) for name in names)
        found = tuple((name, method) for name, method in methods if method is not None)
        _INLINE[type(form)] = found
    return found


class ListedInlineValidators(Form):
    """A form whose `validate_<field>` methods are found once per class, not per validation.

    `Form.validate` asks the class for `validate_<name>` of every field on every call; each
    one missing builds and discards an AttributeError with its message (28 a letter, about
    3,000 instructions each). The same methods, in the same order after the same extra
    validators, reach `BaseForm.validate`, as `Form.validate` hands them on.
    """

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        # A shallow copy, as Form.validate makes: a caller's list gains the method too.
        extra: dict[str, Any] = dict(extra_validators) if extra_validators is not None else {}
        for name, inline in _inline_validators(self):
            if name in self._fields:
                extra.setdefault(name, []).append(inline)
        return bool(BaseForm.validate(self, extra))
