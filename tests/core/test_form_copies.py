"""core.forms: each form's fields are its own (StyledFormMixin copies a form class's fields without copying every
choice): what one form changes of its fields never reaches another form or the class, and a form renders and
validates exactly as it did with Django's deep copy."""

import copy

import pytest
from django import forms

from casework.forms import CaseForm
from core.forms import StyledFormMixin, _BaseFields
from core.geography import CountryChoices


class Sample(StyledFormMixin, forms.Form):
    name = forms.CharField(max_length=20)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A"), ("b", "B")], required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple)
    country = forms.ChoiceField(choices=CountryChoices(blank=True), required=False)
    when = forms.SplitDateTimeField(required=False)  # a multi-widget: copied Django's way


def _as_django_copies(form_class, *args, **kwargs):
    """The same form, its fields deep-copied by Django (the reference)."""
    form = form_class.__new__(form_class)
    plain = dict(form_class.base_fields)
    saved = form_class.base_fields
    form_class.base_fields = plain
    try:
        form.__init__(*args, **kwargs)
    finally:
        form_class.base_fields = saved
    return form


@pytest.mark.parametrize(
    "data", [None, {"name": "Rekaan", "kind": "a", "many": ["y"], "country": "MY"}, {"kind": "zz", "country": "QQ"}]
)
def test_a_form_renders_and_validates_as_with_djangos_copies(data):
    ours = Sample(data)
    assert isinstance(Sample.__dict__["base_fields"], _BaseFields)
    theirs = _as_django_copies(Sample, data)
    assert str(ours) == str(theirs)
    if data is not None:
        assert ours.is_valid() == theirs.is_valid()
        assert ours.errors == theirs.errors


def test_what_one_form_changes_reaches_no_other_form_nor_the_class():
    first, second = Sample(), Sample()
    first.fields["kind"].choices = [("c", "C")]
    first.fields["name"].widget.attrs["class"] = "changed"
    first.fields["name"].error_messages["required"] = "changed"
    first.fields["name"].validators.append(lambda value: None)
    first.fields["many"].widget.attrs["data-x"] = "1"
    assert [value for value, _label in second.fields["kind"].choices] == ["", "a", "b"]
    assert second.fields["name"].widget.attrs.get("class") != "changed"
    assert second.fields["name"].error_messages["required"] != "changed"
    assert len(second.fields["name"].validators) == len(Sample.base_fields["name"].validators)
    assert "data-x" not in Sample.base_fields["many"].widget.attrs
    assert [value for value, _label in Sample().fields["kind"].choices] == ["", "a", "b"]
    assert first.fields["when"].widget.widgets[0] is not second.fields["when"].widget.widgets[0]


def test_the_empty_choice_reads_a_dash_and_the_deep_copy_is_a_plain_dict():
    form = Sample()
    assert form.fields["kind"].choices[0] == ("", "—")
    assert type(copy.deepcopy(Sample.base_fields)) is dict


def test_the_intake_form_keeps_its_country_lists(db, org_a):
    form = CaseForm(organisation=org_a)
    countries = list(form.fields["nationality"].choices)
    assert countries[0] == ("", "—") and ("MY", "Malaysia") in countries and len(countries) > 200
    valid = CaseForm({"nationality": "QQ"}, organisation=org_a)
    assert not valid.is_valid() and "nationality" in valid.errors
