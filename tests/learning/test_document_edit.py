"""Editing a document's description: the uploader's organisation and the coordinators, with history; a shared
document that changes goes back through the no-victim-data checklist. The file itself is never replaced here."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from learning import samples, services
from learning.choices import CHECKLIST_KEYS, DocumentKind, Status, Topic
from notifications import reminders
from notifications.models import Notification
from tests.conftest import with_device
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EDIT = {"title": "SOP rujukan, edisi 2 (rekaan)", "kind": DocumentKind.TEMPLATE, "topic": Topic.SHELTER,
        "description": "Diperbarui."}  # fmt: skip


def _document(alice, carol=None):
    upload = SimpleUploadedFile("sop.pdf", samples.pdf("SOP (rekaan)"))
    document = services.document_upload(actor=alice, upload=upload, title="SOP rujukan (rekaan)", kind="sop")
    if carol is not None:
        services.document_submit(actor=alice, document=document)
        document = services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS)
    return document


def test_the_author_edits_a_draft_with_history_and_the_file_stays(client_for, alice, documents_dir):
    document = _document(alice)
    before = (document.stored_name, document.sha256, document.size, document.original_name)
    url = reverse("learning:document_edit", args=[document.pk])
    assert client_for(alice).get(url).status_code == 200
    response = client_for(alice).post(url, EDIT)
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.kind, document.topic, document.description) == (
        EDIT["title"], EDIT["kind"], EDIT["topic"], EDIT["description"],
    )  # fmt: skip
    assert document.status == Status.DRAFT
    assert (document.stored_name, document.sha256, document.size, document.original_name) == before
    latest = document.history.first()
    assert latest.history_user == alice and latest.title == EDIT["title"]


def test_a_colleague_of_the_uploader_may_edit_but_not_another_organisation(client_for, alice, anna, bob, documents_dir):
    document = _document(alice)
    url = reverse("learning:document_edit", args=[document.pk])
    assert client_for(anna).post(url, EDIT).status_code == 302
    assert client_for(bob).get(url).status_code == 404  # another organisation's draft does not exist for it
    with pytest.raises(PermissionDenied):
        services.document_update(actor=bob, document=document, **EDIT)


def test_editing_a_shared_document_sends_it_back_to_review(client_for, alice, bob, carol, dave, documents_dir):
    document = _document(alice, carol)
    url = reverse("learning:document_edit", args=[document.pk])
    assert "back-to-review" in client_for(alice).get(url).content.decode()
    assert client_for(bob).post(url, EDIT).status_code == 403  # reads it, may not edit it
    assert client_for(dave).post(url, EDIT).status_code == 403  # admins archive, they do not edit
    response = client_for(alice).post(url, EDIT, follow=True)
    assert "kembali ditinjau" in response.content.decode() or "back in review" in response.content.decode()
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW and document.published_at is None and document.checklist == []
    assert document.history.first().history_user == alice
    # Off the shared list until a coordinator ticks the checklist again, and the coordinators are told.
    listing = client_for(bob).get(reverse("learning:documents")).content.decode()
    assert EDIT["title"] not in listing
    assert client_for(bob).get(reverse("learning:document_detail", args=[document.pk])).status_code == 404
    reminders.dispatch(send_email=False)
    notice = Notification.objects.filter(recipient=carol, kind="learning.review_requested").latest("id")
    assert notice.object_ref == document.reference
    assert EDIT["title"] not in str(notice.params), "the notice carries the reference, not the typed title"
    with pytest.raises(ValidationError):
        services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS[:-1])
    services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS)
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED


def test_a_coordinator_edits_and_an_unchanged_form_changes_nothing(client_for, alice, carol, documents_dir):
    document = _document(alice, carol)
    rows = document.history.count()
    same = {"title": document.title, "kind": document.kind, "topic": document.topic, "description": ""}
    assert client_for(carol).post(reverse("learning:document_edit", args=[document.pk]), same).status_code == 302
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED and document.history.count() == rows
    services.document_update(actor=carol, document=document, **EDIT)
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW and document.history.first().history_user == carol


def test_an_archived_document_is_not_edited_and_bad_input_keeps_what_was_typed(
    client_for, alice, carol, dave, documents_dir
):
    document = _document(alice, carol)
    url = reverse("learning:document_edit", args=[document.pk])
    response = client_for(alice).post(url, {**EDIT, "title": "  ", "description": "Teks yang diketik (rekaan)"})
    page = response.content.decode()
    assert response.status_code == 200 and "Teks yang diketik (rekaan)" in page and 'id="id_title_error"' in page
    services.document_archive(actor=dave, document=document)
    assert client_for(alice).post(url, EDIT).status_code == 403


def test_a_coordinator_who_changed_a_shared_document_does_not_share_it_again_alone(
    alice, carol, network_org, documents_dir
):
    document = _document(alice, carol)
    services.document_update(actor=carol, document=document, **EDIT)
    document.refresh_from_db()
    assert document.edited_by == carol
    with pytest.raises(ValidationError, match=r"changed yourself|Anda ubah sendiri"):
        services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS)
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW
    erin = with_device(UserFactory(username="erin", organisation=network_org, role=Role.COORDINATOR))
    services.document_publish(actor=erin, document=document, checklist=CHECKLIST_KEYS)
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED and document.reviewed_by == erin
