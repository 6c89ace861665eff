"""The select widget's options are written from Python (core/templatetags/fast_widgets.py), the same markup as
Django's own templates, only faster."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer

from accounts.choices import Role
from core.renderers import Renderer

GROUPED = [("", "—"), ("Jawa", [("31", "DKI Jakarta"), ("34", 'DI "Yogyakarta" <&>')]), ("Lain", [("53", "NTT")])]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), *Role.choices], required=False)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=GROUPED, required=False, widget=forms.SelectMultiple)
    maybe = forms.NullBooleanField(required=False)
    styled = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.Select(attrs={"class": "form-select", "data-x": 'q"'})
    )


@pytest.mark.parametrize(
    "data", [None, {"plain": "admin", "grouped": "34", "many": ["31", "53"], "maybe": "true", "styled": "b"}]
)
@pytest.mark.parametrize("name", ["plain", "grouped", "many", "maybe", "styled"])
def test_a_select_renders_as_djangos_own_templates_render_it(data, name):
    ours = Sample(data, renderer=TemplatesSetting())[name].as_widget()
    djangos = Sample(data, renderer=DjangoTemplates())[name].as_widget()
    assert ours == djangos
    assert "<option" in ours
    assert Sample(data, renderer=Renderer())[name].as_widget() == djangos  # the project's renderer, in Python
    assert isinstance(get_default_renderer(), Renderer)


@pytest.mark.django_db
def test_the_queue_filters_render_as_before(rf):
    from referrals.forms import QueueFilterForm

    form = QueueFilterForm({"status": "sent", "overdue": "on"})
    for name in form.fields:
        ours = form[name].as_widget()
        form.renderer = DjangoTemplates()
        assert ours == form[name].as_widget()
        form.renderer = TemplatesSetting()
