"""The good-practice library: workflow, the review checklist, who sees drafts, marks, comments, topics followed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from learning import selectors, services
from learning.choices import CHECKLIST_KEYS, Status, Topic
from learning.models import HelpfulMark
from notifications import reminders
from notifications.models import Notification
from tests.learning.conftest import publish, write

pytestmark = pytest.mark.django_db


def test_a_practice_goes_draft_review_published_archived_with_history(alice, carol, dave):
    practice = write(alice)
    assert practice.status == Status.DRAFT
    services.practice_submit(actor=alice, practice=practice)
    services.practice_publish(actor=carol, practice=practice, checklist=CHECKLIST_KEYS)
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED and practice.published_at and practice.reviewed_by == carol
    assert practice.checklist == list(CHECKLIST_KEYS)
    services.practice_archive(actor=dave, practice=practice)
    practice.refresh_from_db()
    assert practice.status == Status.ARCHIVED
    actors = [row.history_user for row in practice.history.order_by("history_date")]
    assert actors == [alice, alice, carol, dave, dave]


@pytest.mark.parametrize("ticked", [(), ("no_victim",), CHECKLIST_KEYS[1:]])
def test_the_checklist_is_required_by_the_service_itself(alice, carol, ticked):
    practice = write(alice)
    services.practice_submit(actor=alice, practice=practice)
    with pytest.raises(ValidationError) as error:
        services.practice_publish(actor=carol, practice=practice, checklist=ticked)
    assert "checklist" in error.value.message_dict
    practice.refresh_from_db()
    assert practice.status == Status.IN_REVIEW


def test_only_a_coordinator_publishes_and_not_their_own(alice, bob, carol, dave):
    practice = write(alice)
    services.practice_submit(actor=alice, practice=practice)
    for who in (alice, bob, dave):
        with pytest.raises(PermissionDenied):
            services.practice_publish(actor=who, practice=practice, checklist=CHECKLIST_KEYS)
    own = write(carol)
    services.practice_submit(actor=carol, practice=own)
    with pytest.raises(ValidationError):
        services.practice_publish(actor=carol, practice=own, checklist=CHECKLIST_KEYS)


def test_only_the_author_edits_and_only_a_draft(alice, anna, carol):
    practice = write(alice)
    with pytest.raises(PermissionDenied):
        services.practice_update(actor=anna, practice=practice, title="x")
    services.practice_update(actor=alice, practice=practice, title="Judul baru (rekaan)")
    services.practice_submit(actor=alice, practice=practice)
    with pytest.raises(ValidationError):
        services.practice_update(actor=alice, practice=practice, title="lagi")


def test_drafts_are_invisible_to_other_organisations(client_for, alice, anna, bob, carol, draft):
    url = reverse("learning:practice_detail", args=[draft.pk])
    assert client_for(alice).get(url).status_code == 200
    assert client_for(anna).get(url).status_code == 200  # her colleague
    assert client_for(bob).get(url).status_code == 404
    assert client_for(carol).get(url).status_code == 404  # not yet in review
    assert client_for(bob).get(reverse("learning:practice_edit", args=[draft.pk])).status_code == 404
    assert client_for(anna).get(reverse("learning:practice_edit", args=[draft.pk])).status_code == 403
    assert draft.title not in client_for(bob).get(reverse("learning:library")).content.decode()
    services.practice_submit(actor=alice, practice=draft)
    assert client_for(carol).get(url).status_code == 200
    assert client_for(bob).get(url).status_code == 404


def test_the_review_page_publishes_with_the_checklist(client_for, alice, carol, draft):
    services.practice_submit(actor=alice, practice=draft)
    url = reverse("learning:practice_review", args=[draft.pk])
    response = client_for(carol).post(url, {"checklist": list(CHECKLIST_KEYS[:2])})
    assert response.status_code == 200 and 'id="id_checklist_error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert client_for(carol).post(url, {"checklist": list(CHECKLIST_KEYS)}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_a_coordinator_can_send_a_practice_back(client_for, alice, carol, draft):
    services.practice_submit(actor=alice, practice=draft)
    client_for(carol).post(reverse("learning:practice_review", args=[draft.pk]), {"decision": "return"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_one_helpful_mark_per_member(client_for, bob, cecep, published):
    url = reverse("learning:practice_helpful", args=[published.pk])
    client_for(bob).post(url)
    client_for(cecep).post(url)
    published.refresh_from_db()
    assert published.helpful_count == 2
    client_for(bob).post(url)  # taken back
    published.refresh_from_db()
    assert published.helpful_count == 1 and not HelpfulMark.objects.filter(user=bob).exists()
    HelpfulMark.objects.create(practice=published, user=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpfulMark.objects.create(practice=published, user=bob)


def test_drafts_cannot_be_marked_or_commented(bob, alice, draft):
    with pytest.raises(ValidationError):
        services.helpful_toggle(actor=alice, practice=draft)
    with pytest.raises(ValidationError):
        services.comment_add(actor=alice, practice=draft, body="x")


def test_comments_are_rendered_safely_and_coordinators_hide_them(client_for, bob, cecep, carol, published):
    url = reverse("learning:practice_comment", args=[published.pk])
    client_for(bob).post(url, {"body": "Terima kasih! <script>alert(1)</script>"})
    page = client_for(cecep).get(reverse("learning:practice_detail", args=[published.pk])).content.decode()
    assert "Terima kasih!" in page and "<script>alert(1)" not in page
    comment = published.comments.get()
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=bob, comment=comment)
    client_for(carol).post(reverse("learning:comment_hide", args=[comment.pk]))
    page = client_for(cecep).get(reverse("learning:practice_detail", args=[published.pk])).content.decode()
    assert "Terima kasih!" not in page
    assert comment.history.first().history_user == carol


def test_an_empty_comment_is_refused_beside_the_field(client_for, bob, published):
    response = client_for(bob).post(reverse("learning:practice_comment", args=[published.pk]), {"body": "  "})
    assert response.status_code == 200 and 'id="id_body_error"' in response.content.decode()


def test_followers_of_a_topic_are_told_of_a_new_practice(client_for, alice, bob, cecep, carol):
    client_for(bob).post(reverse("learning:topics"), {"topics": [Topic.SHELTER, Topic.HEALTH]})
    services.topics_follow(actor=cecep, topics=[Topic.LEGAL_AID])
    services.topics_follow(actor=alice, topics=[Topic.SHELTER])  # the author is not told of her own
    assert selectors.followed_topics(bob) == {Topic.SHELTER, Topic.HEALTH}
    practice = publish(write(alice, topic=Topic.SHELTER), alice, carol)
    reminders.dispatch(send_email=False)
    told = Notification.objects.filter(kind="learning.practice_published", object_id=practice.pk)
    assert {n.recipient for n in told} == {bob}
    assert told.get().object_ref == practice.reference
    assert practice.title not in str(told.get().params)


def test_coordinators_are_told_when_something_waits_for_review(alice, carol, draft):
    services.practice_submit(actor=alice, practice=draft)
    reminders.dispatch(send_email=False)
    assert Notification.objects.filter(recipient=carol, kind="learning.review_requested").exists()


def test_pinned_practices_come_first(client_for, alice, bob, carol):
    first = publish(write(alice, title="Praktik lama (rekaan)"), alice, carol)
    publish(write(alice, title="Praktik baru (rekaan)"), alice, carol)
    services.practice_pin(actor=carol, practice=first, pinned=True)
    with pytest.raises(PermissionDenied):
        services.practice_pin(actor=bob, practice=first, pinned=False)
    page = client_for(bob).get(reverse("learning:library")).content.decode()
    assert page.index("Praktik lama") < page.index("Praktik baru")


def test_search_and_filters(client_for, alice, bob, carol, org_a):
    publish(write(alice, title="Konseling kelompok (rekaan)", topic=Topic.PSYCHOSOCIAL, province="34"), alice, carol)
    publish(write(alice, title="Pemulangan lewat laut (rekaan)", topic=Topic.REPATRIATION, province="53"), alice, carol)
    client = client_for(bob)

    def titles(**query):
        page = client.get(reverse("learning:library"), query).content.decode()
        return {t for t in ("Konseling kelompok", "Pemulangan lewat laut") if t in page}

    assert titles(q="konseling") == {"Konseling kelompok"}
    assert titles(topic=Topic.REPATRIATION) == {"Pemulangan lewat laut"}
    assert titles(province="34") == {"Konseling kelompok"}
    assert titles(organisation=org_a.pk) == {"Konseling kelompok", "Pemulangan lewat laut"}
    assert titles(q="tidakada") == set()
    assert client.get(reverse("learning:library"), {"organisation": "x", "topic": "nope"}).status_code == 200


def test_the_library_pages_by_keyset(client_for, alice, bob, carol):
    for n in range(3):
        publish(write(alice, title=f"Praktik nomor {n} (rekaan)"), alice, carol)
    found = selectors.library(bob, selectors.LibraryFilters(), size=2)
    assert len(found["page"].items) == 2 and found["page"].next_cursor
    rest = selectors.library(bob, selectors.LibraryFilters(), found["page"].next_cursor, size=2)
    assert len(rest["page"].items) == 1


@pytest.mark.postgres
def test_full_text_search_uses_the_stored_vector_on_postgresql(alice, bob, carol):
    from learning.models import Practice

    practice = publish(write(alice, body="Pendampingan **restitusi** di pengadilan."), alice, carol)
    assert Practice.objects.get(pk=practice.pk).search_vector
    found = selectors.library(bob, selectors.LibraryFilters(q="restitusi"))
    assert [p.pk for p in found["page"].items] == [practice.pk]
