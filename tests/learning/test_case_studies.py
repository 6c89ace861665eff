"""Anonymised case studies: only with consent to learning use and a second member's de-identification sign-off;
readers never see the case; a withdrawn consent unpublishes the study and tells its author."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework import services as case_services
from casework.choices import ConsentGivenBy, ConsentKind
from learning import services
from learning.choices import CHECKLIST_KEYS, Status, Topic
from notifications import reminders
from notifications.models import Notification

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Studi kasus: pendampingan ABK (rekaan)",
    "summary": "Apa yang kami pelajari.",
    "body": "Langkah-langkah pendampingan.",
    "topic": Topic.LEGAL_AID,
}


@pytest.fixture
def learning_consent(alice, case_a):
    return case_services.consent_give(
        actor=alice, case=case_a, kind=ConsentKind.LEARNING, given_on=date(2026, 2, 1), given_by=ConsentGivenBy.PERSON
    )


@pytest.fixture
def study(alice, case_a, learning_consent):
    return services.case_study_create(actor=alice, case=case_a, **FIELDS)


def test_the_consent_kind_is_offered_on_the_consent_tab(client_for, alice, case_a):
    page = client_for(alice).get(reverse("casework:case_consents", args=[case_a.pk])).content.decode()
    assert 'value="learning"' in page


def test_no_case_study_without_consent_to_learning_use(alice, case_a, client_for):
    with pytest.raises(ValidationError):
        services.case_study_create(actor=alice, case=case_a, **FIELDS)
    response = client_for(alice).post(reverse("learning:case_study_create", args=[case_a.pk]), FIELDS)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="form-errors"' in page  # the refusal is shown on the form
    assert "Studi kasus: pendampingan ABK (rekaan)" in page, "what was typed is kept"


def test_only_someone_working_on_the_case_writes_its_study(bob, carol, case_a, learning_consent, client_for):
    with pytest.raises(PermissionDenied):
        services.case_study_create(actor=bob, case=case_a, **FIELDS)
    assert client_for(bob).get(reverse("learning:case_study_create", args=[case_a.pk])).status_code == 404
    assert client_for(carol).get(reverse("learning:case_study_create", args=[case_a.pk])).status_code == 403


def test_publication_needs_a_second_members_signoff(alice, anna, bob, carol, study):
    services.practice_submit(actor=alice, practice=study)
    with pytest.raises(ValidationError):
        services.practice_publish(actor=carol, practice=study, checklist=CHECKLIST_KEYS)
    with pytest.raises(ValidationError):
        services.practice_signoff(actor=alice, practice=study)  # not the author herself
    with pytest.raises(PermissionDenied):
        services.practice_signoff(actor=bob, practice=study)  # cannot judge a case he cannot see
    services.practice_signoff(actor=anna, practice=study)
    services.practice_publish(actor=carol, practice=study, checklist=CHECKLIST_KEYS)
    study.refresh_from_db()
    assert study.status == Status.PUBLISHED and study.deidentified_by == anna


def test_readers_never_see_which_case(client_for, alice, anna, bob, carol, case_a, study):
    services.practice_signoff(actor=anna, practice=study)
    services.practice_submit(actor=alice, practice=study)
    services.practice_publish(actor=carol, practice=study, checklist=CHECKLIST_KEYS)
    for reader in (bob, carol, alice):
        page = client_for(reader).get(reverse("learning:practice_detail", args=[study.pk])).content.decode()
        assert case_a.reference not in page and str(case_a.pk) not in page
    library = client_for(bob).get(reverse("learning:library")).content.decode()
    assert case_a.reference not in library and str(case_a.pk) not in library


def test_editing_a_study_undoes_its_signoff(alice, anna, study):
    services.practice_signoff(actor=anna, practice=study)
    services.practice_update(actor=alice, practice=study, body="Teks yang diubah.")
    study.refresh_from_db()
    assert study.deidentified_by is None


def test_withdrawn_consent_unpublishes_the_study_and_tells_its_author(
    client_for, alice, anna, bob, carol, study, learning_consent
):
    services.practice_signoff(actor=anna, practice=study)
    services.practice_submit(actor=alice, practice=study)
    services.practice_publish(actor=carol, practice=study, checklist=CHECKLIST_KEYS)
    client_for(anna).post(reverse("casework:consent_withdraw", args=[learning_consent.case_id, learning_consent.pk]))
    learning_consent.refresh_from_db()
    assert learning_consent.withdrawn_on is not None
    study.refresh_from_db()
    assert study.status == Status.DRAFT and study.published_at is None
    assert study.history.first().history_user == anna
    assert client_for(bob).get(reverse("learning:practice_detail", args=[study.pk])).status_code == 404
    reminders.dispatch(send_email=False)
    notice = Notification.objects.get(kind="learning.study_unpublished")
    assert notice.recipient == alice and notice.object_ref == study.reference
    # It cannot be published again on the withdrawn consent.
    services.practice_submit(actor=alice, practice=study)
    with pytest.raises(ValidationError):
        services.practice_publish(actor=carol, practice=study, checklist=CHECKLIST_KEYS)


def test_withdrawing_another_kind_of_consent_leaves_studies_alone(alice, anna, carol, case_a, study):
    services.practice_signoff(actor=anna, practice=study)
    services.practice_submit(actor=alice, practice=study)
    services.practice_publish(actor=carol, practice=study, checklist=CHECKLIST_KEYS)
    sharing = case_a.consents.get(kind=ConsentKind.SHARING)
    case_services.consent_withdraw(actor=alice, consent=sharing)
    study.refresh_from_db()
    assert study.status == Status.PUBLISHED
