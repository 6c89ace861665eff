"""core.forms.MemoSelect writes what Django's Select writes, and a change of value, choices, attributes or language
gives new markup, never the markup kept for another."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import MemoChoiceField, MemoSelect, MemoTypedChoiceField, share_choices

CHOICES = [("", "—"), ("open", _("Open referrals")), ("all", _("All referrals")), ("x<y", 'A "quoted" & <b>')]


class Both(forms.Form):
    memo = forms.ChoiceField(choices=CHOICES, required=False, widget=MemoSelect)
    plain = forms.ChoiceField(choices=CHOICES, required=False)


def _pair(data=None, choices=None, css=None):
    form = Both(data)
    if choices is not None:
        form.fields["memo"].choices = form.fields["plain"].choices = choices
    if css:
        form.fields["memo"].widget.attrs["class"] = form.fields["plain"].widget.attrs["class"] = css
    return str(form["memo"]).replace("memo", "plain"), str(form["plain"])


def test_the_markup_is_djangos_for_every_value_choice_attribute_and_language():
    seen = set()  # each combination checked against a fresh rendering: none is given another's kept markup
    for language in ("id", "en"):
        with translation.override(language):
            for data in (None, {"memo": "all", "plain": "all"}, {"memo": "x<y", "plain": "x<y"}):
                for choices in (None, [("", "—"), ("1", "Org Satu (OS1)"), ("2", "Org Dua (OD2)")]):
                    for css in (None, "form-select form-select-sm"):
                        memo, plain = _pair(data, choices, css)
                        assert memo == plain
                        again, _plain = _pair(data, choices, css)
                        assert again == memo
                        seen.add(memo)
    # The vocabulary: 2 languages x 3 values x 2 classes. The organisations (named alike in both languages, and
    # neither "all" nor "x<y" one of them): no value or an invalid one, x 2 classes.
    assert len(seen) == 12 + 4
    with translation.override("en"):
        assert "selected>All referrals" in _pair({"memo": "all", "plain": "all"})[0]
    with translation.override("id"):
        assert "All referrals" not in _pair({"memo": "all", "plain": "all"})[0]


def test_grouped_choices_are_rendered_as_ever():
    grouped = [("Jawa", [("31", "DKI Jakarta"), ("32", "Jawa Barat")]), ("", "—")]
    memo, plain = _pair({"memo": "32", "plain": "32"}, grouped)
    assert memo == plain and "<optgroup" in memo


class Vocabulary(forms.Form):
    memo = MemoChoiceField(choices=CHOICES, required=False)
    organisation = MemoTypedChoiceField(coerce=int, required=False, empty_value=None)
    plain = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)


def test_copies_share_the_vocabulary_and_one_forms_choices_never_reach_another():
    first, second = Vocabulary({"memo": "all", "organisation": "2"}), Vocabulary({"memo": "nope", "organisation": "2"})
    assert first.fields["memo"].choices is second.fields["memo"].choices  # shared, not copied
    share_choices([("", "—"), (1, "Org Satu (OS1)"), (2, "Org Dua (OD2)")], first.fields["organisation"])
    share_choices([("", "—"), (1, "Org Satu (OS1)")], second.fields["organisation"], second.fields["plain"])
    assert first.is_valid() and first.cleaned_data == {"memo": "all", "organisation": 2, "plain": None}
    assert not second.is_valid()
    assert set(second.errors) == {"memo", "organisation"}  # the second's own choices: neither value is among them
    assert "Org Dua" in str(first["organisation"]) and "Org Dua" not in str(second["organisation"])
    assert "Org Satu" in str(second["plain"])
    assert Vocabulary().fields["organisation"].choices == []  # the class's own field is untouched
