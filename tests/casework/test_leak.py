"""A case whose identity, narrative and note hold unique markers is created through the real views; then every
database table (history and the access log included), the captured logs and the sent emails (reminders included)
are searched for the markers. There must be no hit. Broker messages are checked in tests/accounts/test_celery.py,
against the real Redis."""

import logging

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from casework.models import Case
from tests.cases import MARKERS
from tests.casework.test_views import intake_data

pytestmark = pytest.mark.django_db


def every_row_as_text():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                yield table, " ".join(str(value) for value in row)


def hits(text_sources):
    found = []
    for where, text in text_sources:
        lowered = text.lower()
        for name, marker in MARKERS.items():
            if marker.lower() in lowered or marker.replace(" ", "").lower() in lowered:
                found.append((where, name))
    return found


def test_no_marker_reaches_the_database_logs_or_emails(client_for, alice, bob, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(alice)
    data = intake_data(
        full_name=MARKERS["name"],
        aliases=MARKERS["alias"],
        nik=MARKERS["nik"],
        passport=MARKERS["passport"],
        date_of_birth="1999-01-01",
        birth_year="",
        phones=MARKERS["phone"],
        address=MARKERS["address"],
        family_contact=MARKERS["family"],
        narrative=MARKERS["narrative"],
        needs=MARKERS["needs"],
    )
    assert client.post(reverse("casework:case_create"), data).status_code == 302
    case = Case.objects.get()
    client.post(reverse("casework:case_notes", args=[case.pk]), {"body": MARKERS["note"], "shareable": "on"})
    for field in ("nik", "phones", "address"):
        client.post(reverse("casework:case_reveal", args=[case.pk, field]))
    client.post(reverse("casework:case_search"), {"q": MARKERS["name"]})
    client.post(reverse("casework:case_search"), {"q": MARKERS["nik"]})
    edit = {k: v for k, v in data.items() if not k.startswith("consent")}
    client.post(
        reverse("casework:case_edit", args=[case.pk]),
        {**edit, "version": 1, "narrative": MARKERS["narrative"] + " (2)"},
    )
    # Another organisation probes with the same identifiers.
    client_for(bob).post(reverse("casework:duplicate_check"), {"nik": MARKERS["nik"], "phones": MARKERS["phone"]})
    client_for(bob).get(reverse("casework:case_detail", args=[case.pk]))
    # Reminders: the follow-up falls due and is emailed; an event notification is queued.
    from datetime import timedelta

    from django.utils import timezone

    from notifications import reminders
    from notifications.models import Reminder

    Reminder.objects.filter(object_id=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert reminders.dispatch().emails_sent >= 1
    # Sanity: the owner does see the data, so the markers did go in.
    page = client.get(reverse("casework:case_identity", args=[case.pk])).content.decode()
    assert MARKERS["name"] in page

    assert hits(every_row_as_text()) == []
    assert (
        hits(
            ("log", record.getMessage() + str(record.args) + str(getattr(record, "request", "")))
            for record in caplog.records
        )
        == []
    )
    assert mail.outbox, "reminder emails were produced"
    assert hits(("email", f"{m.subject} {m.body} {m.alternatives} {m.to}") for m in mail.outbox) == []


def test_the_scan_would_find_a_marker(db, alice):
    """The check above can fail: a marker written in plain text is found."""
    from accounts.models import Organisation

    Organisation.objects.filter(pk=alice.organisation.pk).update(name=MARKERS["name"])
    assert ("accounts_organisation", "name") in hits(every_row_as_text())
