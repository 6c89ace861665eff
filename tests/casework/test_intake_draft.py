"""The intake's draft: kept on the server, sealed, owned by one caseworker, restored in a new session, discarded
when the case is opened or on request, expired after JEJARING_INTAKE_DRAFT_DAYS."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework import crypto, draft_selectors, drafts, selectors, services
from casework.models import Case, IntakeDraft
from notifications import reminders
from tests.cases import MARKERS
from tests.casework.test_leak import every_row_as_text, hits
from tests.casework.test_views import intake_data
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def typed():
    return intake_data(
        full_name=MARKERS["name"],
        nik=MARKERS["nik"],
        date_of_birth="1999-01-01",
        birth_year="",
        phones=MARKERS["phone"],
        address=MARKERS["address"],
        narrative=MARKERS["narrative"],
        needs=MARKERS["needs"],
    )


def page_draft(client) -> str:
    """Open an intake page and return the id of its own draft (its hidden field)."""
    html = client.get(reverse("casework:case_create")).content.decode()
    return re.search(r'<input type="hidden" name="intake_draft" value="([^"]+)">', html).group(1)


def test_the_draft_survives_a_closed_tab_and_holds_no_plaintext(client_for, alice):
    first = client_for(alice)
    draft_id = page_draft(first)
    response = first.post(reverse("casework:intake_draft_save"), typed() | {"intake_draft": draft_id})
    assert response.status_code == 204 and response.headers["X-Intake-Draft"] == draft_id
    # Nothing of it in any table, in plain text.
    assert hits(every_row_as_text()) == []
    draft = IntakeDraft.objects.get(owner=alice, pk=draft_id)
    assert draft.payload_enc.startswith("v1:") and draft.wrapped_key

    # The tab is closed and the session is gone; the caseworker signs in again in a new browser session. A new
    # intake page offers the draft; opening it restores it.
    first.logout()
    again = sign_in(Client(), alice)
    html = again.get(reverse("casework:case_create")).content.decode()
    assert 'data-testid="other-drafts"' in html and f"?draft={draft_id}" in html and MARKERS["name"] in html
    assert MARKERS["narrative"] not in html, "only offered, not filled into the new page"
    html = again.get(reverse("casework:case_create") + f"?draft={draft_id}").content.decode()
    assert 'data-testid="draft-restored"' in html
    assert f'name="intake_draft" value="{draft_id}"' in html
    assert MARKERS["narrative"] in html and MARKERS["name"] in html and MARKERS["address"] in html
    assert 'value="online_scam_compound" id="id_exploitation_types_10" checked' in html
    assert '<option value="online_fraud" selected>' in html


def test_two_intakes_in_two_tabs_keep_two_drafts(client_for, alice):
    client = client_for(alice)
    first, second = page_draft(client), page_draft(client)
    assert first != second
    save = reverse("casework:intake_draft_save")
    # Typed in turns, as two tabs would autosave.
    client.post(save, {"intake_draft": first, "full_name": "Rekaan Pertama", "narrative": "satu"})
    client.post(save, {"intake_draft": second, "full_name": "Rekaan Kedua", "narrative": "dua"})
    client.post(save, {"intake_draft": first, "full_name": "Rekaan Pertama", "narrative": "satu lagi"})
    assert selectors.intake_draft_fields(IntakeDraft.objects.get(pk=first))["narrative"] == ["satu lagi"]
    assert selectors.intake_draft_fields(IntakeDraft.objects.get(pk=second))["narrative"] == ["dua"]
    assert hits(every_row_as_text()) == []
    # A third page offers both, the newest first, and holds a draft of its own.
    html = client.get(reverse("casework:case_create")).content.decode()
    offer = re.search(r'data-testid="other-drafts".*?</section>', html, re.S).group(0)
    assert offer.index("Rekaan Pertama") < offer.index("Rekaan Kedua")
    assert 'data-testid="draft-restored"' not in html and "satu lagi" not in html
    # Opening the first as a case discards only the first.
    data = intake_data(full_name="Rekaan Pertama") | {"intake_draft": first}
    assert client.post(reverse("casework:case_create"), data).status_code == 302
    assert not IntakeDraft.objects.filter(pk=first).exists()
    assert selectors.intake_draft_fields(IntakeDraft.objects.get(pk=second))["narrative"] == ["dua"]
    # Discarding the second leaves nothing typed.
    client.post(reverse("casework:intake_draft_discard"), {"intake_draft": second})
    assert not IntakeDraft.objects.filter(saved_at__isnull=False).exists()


def test_at_most_a_few_drafts_are_offered_and_pages_left_empty_do_not_pile_up(client_for, alice):
    client = client_for(alice)
    for number in range(draft_selectors.OFFERED + 2):
        services.intake_draft_save(actor=alice, fields={"full_name": [f"Rekaan {number}"]})
    for _page in range(services.drafts.MAX_EMPTY + 3):
        page_draft(client)
    assert IntakeDraft.objects.filter(saved_at__isnull=True).count() == services.drafts.MAX_EMPTY
    html = client.get(reverse("casework:case_create")).content.decode()
    offered = re.findall(r"\?draft=[0-9a-f-]+\">([^<]+)</a>", html)
    assert offered == [f"Rekaan {n}" for n in range(draft_selectors.OFFERED + 1, 1, -1)]


def test_a_draft_id_of_someone_else_opens_a_new_draft(client_for, alice, anna):
    theirs = services.intake_draft_save(actor=anna, fields={"narrative": [MARKERS["narrative"]]})
    response = client_for(alice).get(reverse("casework:case_create") + f"?draft={theirs.pk}")
    html = response.content.decode()
    assert MARKERS["narrative"] not in html and f'value="{theirs.pk}"' not in html
    client_for(alice).post(reverse("casework:intake_draft_discard"), {"intake_draft": str(theirs.pk)})
    client_for(alice).post(reverse("casework:intake_draft_save"), {"intake_draft": str(theirs.pk), "narrative": "x"})
    assert selectors.intake_draft_fields(IntakeDraft.objects.get(pk=theirs.pk)) == {"narrative": [MARKERS["narrative"]]}


def test_another_caseworker_never_sees_the_draft(client_for, alice, anna, bob):
    client_for(alice).post(reverse("casework:intake_draft_save"), typed())
    for other in (anna, bob):
        html = client_for(other).get(reverse("casework:case_create")).content.decode()
        assert MARKERS["narrative"] not in html and 'data-testid="draft-restored"' not in html
    assert selectors.intake_draft_of(anna, IntakeDraft.objects.get(owner=alice).pk) is None


def test_the_draft_is_bound_to_its_row(alice, anna):
    mine = services.intake_draft_save(actor=alice, fields={"narrative": ["rekaan"]})
    theirs = services.intake_draft_open(actor=anna)
    theirs.payload_enc = mine.payload_enc  # a copied ciphertext does not open under another draft's key and id
    with pytest.raises(crypto.CryptoError):
        drafts.open_fields(theirs)
    assert selectors.intake_draft_fields(theirs) == {}


def test_opening_the_case_discards_the_draft(client_for, alice):
    client = client_for(alice)
    draft_id = page_draft(client)
    client.post(reverse("casework:intake_draft_save"), typed() | {"intake_draft": draft_id})
    assert client.post(reverse("casework:case_create"), typed() | {"intake_draft": draft_id}).status_code == 302
    assert Case.objects.count() == 1
    assert not IntakeDraft.objects.exists()


def test_an_intake_posted_without_its_page_opens_the_case_and_makes_no_draft(client_for, alice, anna):
    """A post that opens its case never reaches a draft: the draft named is deleted, no other draft is touched."""
    other = page_draft(client_for(anna))
    assert client_for(alice).post(reverse("casework:case_create"), typed()).status_code == 302
    assert Case.objects.count() == 1
    assert list(IntakeDraft.objects.values_list("pk", flat=True)) == [uuid.UUID(other)]
    assert client_for(alice).post(reverse("casework:case_create"), typed() | {"intake_draft": other}).status_code == 302
    assert IntakeDraft.objects.filter(pk=other).exists(), "someone else's draft named in the post stays theirs"


def test_a_refused_intake_keeps_its_draft(client_for, alice):
    client = client_for(alice)
    response = client.post(reverse("casework:case_create"), typed() | {"nik": "1234"})
    assert response.status_code == 200
    assert selectors.intake_draft_fields(IntakeDraft.objects.get(owner=alice))["nik"] == ["1234"]


def test_the_discard_button_deletes_the_draft(client_for, alice):
    client = client_for(alice)
    draft_id = page_draft(client)
    client.post(reverse("casework:intake_draft_save"), typed() | {"intake_draft": draft_id})
    response = client.post(reverse("casework:intake_draft_discard"), {"intake_draft": draft_id})
    assert response.status_code == 302
    assert not IntakeDraft.objects.exists()
    html = client.get(response.headers["Location"]).content.decode()
    assert MARKERS["narrative"] not in html


def test_drafts_expire_and_the_dispatcher_deletes_them(client_for, alice, settings):
    client_for(alice).post(reverse("casework:intake_draft_save"), typed())
    assert IntakeDraft.objects.count() == 1
    later = timezone.now() + timedelta(days=settings.JEJARING_INTAKE_DRAFT_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        reminders.dispatch()
    assert not IntakeDraft.objects.exists()


def test_a_draft_of_another_organisation_is_dropped(alice, org_b):
    services.intake_draft_save(actor=alice, fields={"narrative": ["rekaan"]})
    IntakeDraft.objects.update(organisation=org_b)  # as if alice had moved since
    assert selectors.intake_draft_of(alice) is None
    assert selectors.intake_draft_fields(services.intake_draft_open(actor=alice)) == {}


def test_a_draft_too_large_is_refused_not_cut(client_for, alice):
    response = client_for(alice).post(reverse("casework:intake_draft_save"), {"narrative": "x" * 250_000})
    assert response.status_code == 413


def test_only_caseworkers_have_drafts(client_for, carol, dave):
    for user in (carol, dave):
        assert client_for(user).post(reverse("casework:intake_draft_save"), {"narrative": "x"}).status_code == 403
    assert not IntakeDraft.objects.exists()


def test_rotation_rewraps_drafts(alice, settings):
    services.intake_draft_save(actor=alice, fields={"narrative": ["rekaan"]})
    new_key = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # 32 bytes of "A", fictional
    settings.JEJARING_MASTER_KEYS = [new_key, *settings.JEJARING_MASTER_KEYS]
    assert services.intake_draft_rewrap() == 1
    draft = IntakeDraft.objects.get()
    assert draft.master_key_id == crypto.current_master_key_id()
    assert selectors.intake_draft_fields(draft) == {"narrative": ["rekaan"]}


def test_the_case_its_draft_its_duplicate_check_and_the_notices_commit_together(client_for, bob, case_a, monkeypatch):
    """An intake that fails after its case is written opens nothing, keeps its draft and logs no check: the case, the
    draft's deletion, the duplicate check's log entry and the notices to the other holder are one transaction."""
    from audit.models import AccessLog
    from notifications.models import Reminder

    client = client_for(bob)
    draft_id = page_draft(client)
    data = intake_data(nik=MARKERS["nik"], birth_year="1999") | {"intake_draft": draft_id}
    before = (Case.objects.count(), Reminder.objects.count())

    def failing(**kwargs):
        raise RuntimeError("the notices could not be written")

    monkeypatch.setattr(services, "duplicate_holders_notify", failing)
    with pytest.raises(RuntimeError):
        client.post(reverse("casework:case_create"), data)
    assert (Case.objects.count(), Reminder.objects.count()) == before
    assert IntakeDraft.objects.filter(pk=draft_id, owner=bob).exists()
    assert not AccessLog.objects.filter(event=AccessLog.Event.DUPLICATE_CHECKED, actor=bob).exists()

    monkeypatch.undo()
    response = client.post(reverse("casework:case_create"), data)
    assert response.status_code == 302
    assert Case.objects.count() == before[0] + 1
    assert not IntakeDraft.objects.filter(pk=draft_id).exists()
    assert AccessLog.objects.filter(event=AccessLog.Event.DUPLICATE_CHECKED, actor=bob, detail="matches=1").exists()
    assert Reminder.objects.filter(object_id=str(case_a.pk)).exists(), "organisation A is told on its own case"
