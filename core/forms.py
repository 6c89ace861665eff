"""Form helpers: Bootstrap classes on every widget, the browser's own date picker."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.choices import normalize_choices
from django.utils.translation import get_language

from core.memo import Memo


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as YYYY-MM-DD whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateInputField(forms.DateField):
    widget = DateInput


_selects: Memo[str] = Memo(512)


class MemoSelect(forms.Select):
    """A select whose markup is kept, per process, for the same name, value, attributes, choices and language: a
    filter bar redrawn on every reload (the coordinators' queue: seven selects, two of them of every organisation)
    built a dictionary per option each time. Only plain choices (no groups, no queryset iterator), which are the
    network's vocabularies and organisations, never anything about a person.

    A form's copy of the widget shares its choices (Django normalises them again for every copy): choices are only
    ever replaced whole, never changed in place. Their labels, written in the active language, are kept with them."""

    def __deepcopy__(self, memo: dict[int, Any]) -> MemoSelect:
        widget = copy.copy(self)
        widget.attrs = self.attrs.copy()
        memo[id(self)] = widget
        return widget

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        listed = _listed(self.choices)
        if listed is None:
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        key = (
            type(self),
            self.template_name,
            type(renderer),
            name,
            tuple(self.format_value(value)),
            repr(sorted(final.items())),
            listed,
            get_language(),
        )
        return _selects.get(key, lambda: super(MemoSelect, self).render(name, value, attrs, renderer))


# The labels of each list of choices as written in a language, by the list's identity (the list is kept with them,
# so that an identity is never taken for another list's once that one is gone).
_labels: dict[tuple[int, str | None], tuple[Any, tuple[tuple[str, str], ...] | None]] = {}


def _listed(choices: Any) -> tuple[tuple[str, str], ...] | None:
    """The choices as (value, label) strings in the active language; None if they are not a plain list."""
    if not isinstance(choices, list | tuple):
        return None
    key = (id(choices), get_language())
    found = _labels.get(key)
    if found is not None and found[0] is choices:
        return found[1]
    listed: tuple[tuple[str, str], ...] | None = tuple((str(choice), str(label)) for choice, label in choices)
    if any(isinstance(label, list | tuple) for _choice, label in choices):  # a group of options
        listed = None
    if len(_labels) >= 256:
        _labels.clear()
    _labels[key] = (choices, listed)
    return listed


class SharedChoices:
    """For a choice field of a fixed vocabulary: a form's copy shares the field's choices instead of copying them
    deeply (they are replaced whole, never changed in place); with MemoSelect as its widget."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        field = forms.Field.__deepcopy__(self, memo)
        field._choices = self._choices
        return field


def share_choices(choices: Any, *fields: forms.ChoiceField) -> None:
    """Give the fields (and their widgets) the same choices, normalised once: setting ``choices`` normalises them
    again for the field and for its widget."""
    normalised = normalize_choices(choices)
    for field in fields:
        field._choices = field.widget._choices = normalised


class MemoChoiceField(SharedChoices, forms.ChoiceField):
    widget = MemoSelect


class MemoTypedChoiceField(SharedChoices, forms.TypedChoiceField):
    widget = MemoSelect


class StyledChoices(forms.CheckboxSelectMultiple):
    """Bootstrap's class on each checkbox, not on the element that wraps them."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["class"] = "form-check-input"
        return option


class StyledRadios(forms.RadioSelect):
    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["class"] = "form-check-input"
        return option


# Fields and widgets whose copy is Django's plain one (Field.__deepcopy__, ChoiceField's, Widget's, ChoiceWidget's).
_PLAIN_FIELDS = {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__}
_PLAIN_WIDGETS = {forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__}


def _shallow(obj: Any) -> Any:
    """``copy.copy`` of a plain object (a field or widget whose copy is Django's plain one: no ``__copy__``, no
    slots), without the pickling protocol's round (``__reduce_ex__``), which cost as much as the rest of the copy."""
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


def _copied(field: forms.Field, memo: dict[int, Any]) -> forms.Field:
    """What ``copy.deepcopy(field)`` gives, the choices shared rather than copied and normalised again: they are
    replaced (``field.choices = ...``), never changed in place. Any other kind of field or widget (a queryset's, a
    multi-widget) is copied Django's way."""
    widget = field.widget
    if type(field).__deepcopy__ not in _PLAIN_FIELDS or type(widget).__deepcopy__ not in _PLAIN_WIDGETS:
        return copy.deepcopy(field, memo)
    result = _shallow(field)
    memo[id(field)] = result
    result.widget = _shallow(widget)
    result.widget.attrs = widget.attrs.copy()
    memo[id(widget)] = result.widget
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result


class _BaseFields(dict[str, forms.Field]):
    """A form class's fields, which each form copies for itself (BaseForm.__init__ deep-copies them): copied here
    field by field without copying every choice (the intake's country lists were a tenth of its request)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: _copied(field, memo) for name, field in self.items()}


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates render fields with ``{{ field.as_field_group }}``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls: Any = type(self)
        if not isinstance(cls.__dict__.get("base_fields"), _BaseFields):  # once per form class
            for field in cls.base_fields.values():
                _dash_placeholder(field)
                _styled(field)  # each form's copy keeps it (a widget replaced on each form cost its choices again)
            cls.base_fields = _BaseFields(cls.base_fields)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the class's own are styled already: what a form changed since
            _styled(field)

    def add_error(self, field: str | None, error: Any) -> None:
        """Every field with an error is marked (Bootstrap's red border), besides ``aria-invalid`` and the message."""
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


def _styled(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(widget, StyledChoices | StyledRadios):
        return  # styled already (its options carry the class)
    if type(widget) in (forms.CheckboxSelectMultiple, forms.RadioSelect):
        kind = StyledChoices if isinstance(widget, forms.CheckboxSelectMultiple) else StyledRadios
        styled = kind(attrs=widget.attrs)
        styled.choices = widget.choices
        field.widget = styled
    elif isinstance(widget, forms.CheckboxInput):
        widget.attrs.setdefault("class", "form-check-input")
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        widget.attrs.setdefault("class", "form-select")
    elif not isinstance(widget, forms.HiddenInput):
        widget.attrs.setdefault("class", "form-control")
    # No ``maxlength``: the browser would cut pasted text silently. The limit is shown with a counter
    # (templates/django/forms/field.html) and refused by the form with a message, the text kept.
    field.widget.attrs.pop("maxlength", None)


DASH = "—"
DJANGO_DASHES = "---------"


def _dash_placeholder(field: forms.Field) -> None:
    """The empty choice reads "—" everywhere, never Django's "---------"."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_DASHES:
            field.empty_label = DASH
        return
    choices = getattr(field, "choices", None)
    if isinstance(choices, list) and choices and choices[0] == ("", DJANGO_DASHES):
        field.choices = [("", DASH), *choices[1:]]


def attach_errors(form: Any, error: Any) -> None:
    """Show a service's ValidationError beside its field when it names one the form has, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
