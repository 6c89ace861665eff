"""The intake as a caseworker meets it: fields from the model, limits shown and refused (never cut), errors listed
and linked at the top and marked on the fields, the steps, checkbox columns, the close form's required check."""

import re

import pytest
from django.forms.models import fields_for_model
from django.urls import reverse
from django.utils.text import capfirst

from casework.forms import CaseForm
from casework.models import Case
from casework.services.base import SUMMARY_FIELDS
from tests.casework.test_views import intake_data

pytestmark = pytest.mark.django_db


def test_the_case_columns_of_the_form_come_from_the_model(org_a):
    form = CaseForm(organisation=org_a)
    model_fields = fields_for_model(Case, fields=SUMMARY_FIELDS)
    for name in SUMMARY_FIELDS:
        field, column = form.fields[name], Case._meta.get_field(name)
        assert str(field.label) == str(capfirst(column.verbose_name)), name
        assert field.required == (not column.blank), name
        if column.choices and name not in ("nationality", "destination_country"):
            codes = [code for code, _label in field.choices if code != ""]
            assert codes == [code for code, _label in model_fields[name].choices if code != ""], name


def test_over_long_text_is_refused_with_a_message_and_kept(client_for, alice):
    narrative = "Kronologi rekaan yang panjang. " * 834  # 25,020 characters, over the limit of 20,000
    name = "Nama Rekaan " * 21  # 252 characters, over the limit of 200
    response = client_for(alice).post(
        reverse("casework:case_create"), intake_data(narrative=narrative, full_name=name.strip())
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"narrative", "full_name"}
    html = response.content.decode()
    assert "paling banyak 20000 karakter" in html and "paling banyak 200 karakter" in html  # Django's own message
    assert narrative in html, "the whole text is kept in the field, not cut"
    assert name.strip() in html
    assert "maxlength" not in html, "the browser would cut pasted text silently"
    assert not Case.objects.exists()


def test_every_limited_field_shows_its_limit(client_for, alice):
    html = client_for(alice).get(reverse("casework:case_create")).content.decode()
    for name, limit in (("full_name", 200), ("narrative", 20000), ("needs", 20000), ("phones", 500)):
        assert f'data-count-for="id_{name}" data-limit="{limit}"' in html, name
        assert f"Paling banyak {limit} karakter" in html
    assert "maxlength" not in html


def test_errors_are_listed_linked_and_marked(client_for, alice):
    response = client_for(alice).post(
        reverse("casework:case_create"), intake_data(nik="1234", risk_level="", consent_given_by="bogus")
    )
    html = response.content.decode()
    summary = re.search(
        r'<div class="alert alert-danger error-summary" role="alert" tabindex="-1".*?</div>', html, re.S
    )
    assert summary, "an error summary that takes the focus"
    links = re.findall(r'<a href="#(id_\w+)"', summary.group(0))
    assert links[:2] == ["id_nik", "id_consent_given_by"] and "id_risk_level" in links, "in the order of the page"
    nik = re.search(r"<input[^>]*id=\"id_nik\"[^>]*>", html).group(0)
    assert "is-invalid" in nik and 'aria-invalid="true"' in nik and "id_nik_error" in nik
    assert 'id="id_nik_error"' in html
    # The step holding the first error opens first (intake.js reads data-has-errors).
    steps = re.findall(r'<fieldset class="form-section" data-step="(\d)"[^>]*?( data-has-errors)?>', html)
    assert steps[0] == ("1", " data-has-errors")


def test_the_intake_has_six_steps_with_progress(client_for, alice):
    html = client_for(alice).get(reverse("casework:case_create")).content.decode()
    assert html.count('class="form-section" data-step=') == 6
    assert "Langkah 1 dari 6: Identitas" in html
    assert '<progress class="intake-progress-bar" max="6" value="1"' in html
    assert "jejaring/intake.js" in html


def test_long_checkbox_lists_are_in_columns(client_for, alice):
    html = client_for(alice).get(reverse("casework:case_create")).content.decode()
    for name in ("exploitation_types", "means_of_control"):
        assert re.search(rf'<fieldset class="mb-3 checkbox-columns"[^>]*id="id_{name}_group"', html), name


def test_the_safety_check_of_the_close_form_is_marked_required(client_for, alice, case_a):
    html = client_for(alice).get(reverse("casework:case_close", args=[case_a.pk])).content.decode()
    checkbox = re.search(r'<input type="checkbox" name="safety_checked"[^>]*>', html).group(0)
    assert "required" in checkbox
    label = re.search(r'<label class="form-check-label" for="id_safety_checked">.*?</label>', html, re.S).group(0)
    assert 'aria-hidden="true">*</span>' in label


def test_the_caseworker_choices_are_the_organisations(client_for, alice, anna, case_a):
    html = client_for(alice).get(reverse("casework:case_edit", args=[case_a.pk])).content.decode()
    select = re.search(r'<select name="assigned_to".*?</select>', html, re.S).group(0)
    assert f'<option value="{alice.pk}" selected>' in select and f'<option value="{anna.pk}">' in select


def test_the_destination_lists_carry_the_common_countries_and_accept_every_one(client_for, alice):
    client = client_for(alice)
    html = client.get(reverse("casework:case_create")).content.decode()
    for name in ("destination_country", "transit_countries"):
        select = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S).group(0)
        assert 'data-countries-from="id_nationality"' in select
        assert select.count("<option") < 30 and 'value="MY"' in select and 'value="FR"' not in select
    nationality = re.search(r'<select name="nationality".*?</select>', html, re.S).group(0)
    assert nationality.count("<option") > 200 and 'value="FR"' in nationality
    # Every country is accepted; the chosen one is shown even when it is not a common one.
    response = client.post(reverse("casework:case_create"), intake_data(destination_country="FR", risk_level=""))
    select = re.search(r'<select name="destination_country".*?</select>', response.content.decode(), re.S).group(0)
    assert '<option value="FR" selected>' in select and "destination_country" not in response.context["form"].errors
    assert client.post(reverse("casework:case_create"), intake_data(destination_country="FR")).status_code == 302
    assert Case.objects.get().destination_country == "FR"


def test_without_the_script_all_countries_are_shown_again_with_what_was_typed(client_for, alice, case_a):
    client = client_for(alice)
    data = intake_data(full_name="Nama Rekaan Tertinggal") | {"all_countries": "1"}
    response = client.post(reverse("casework:case_create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exclude(pk=case_a.pk).exists()
    assert 'value="Nama Rekaan Tertinggal"' in html and "is-invalid" not in html
    select = re.search(r'<select name="destination_country".*?</select>', html, re.S).group(0)
    assert 'value="FR"' in select and "data-countries-from" not in select
    edit = reverse("casework:case_edit", args=[case_a.pk])
    response = client.post(edit, {"full_name": "Nama Rekaan Diubah", "all_countries": "1"})
    assert response.status_code == 200 and 'value="Nama Rekaan Diubah"' in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.version == 1, "nothing saved"


def test_the_caseworkers_offered_are_read_anew_for_each_form(alice, org_a, org_b):
    """The colleagues' query is built once per organisation (casework.forms.intake._colleagues) but run by each form:
    a caseworker who joins, or one deactivated, shows at once; another organisation's never."""
    from accounts.choices import Role
    from casework.forms import CaseForm
    from casework.forms.intake import _colleagues
    from tests.factories import UserFactory

    def offered():
        form = CaseForm(organisation=org_a)
        return sorted(user.username for user in form.fields["assigned_to"].queryset), sorted(
            user.username for user in form.fields["named_users"].queryset
        )

    assert offered() == (["alice"], ["alice"])
    newcomer = UserFactory(username="pendatang", organisation=org_a, role=Role.CASEWORKER)
    UserFactory(username="lain", organisation=org_b, role=Role.CASEWORKER)
    assert offered() == (["alice", "pendatang"], ["alice", "pendatang"])
    type(newcomer).objects.filter(pk=newcomer.pk).update(is_active=False)  # the account deactivated
    assert offered() == (["alice"], ["alice"])
    assert _colleagues(org_a.pk)._result_cache is None  # the shared query is never run itself
