"""An intake's writing: its duplicate check runs before the case's rows and its access-log entry is written with them,
in one statement; the case's number is taken in a transaction of its own that does not wait for the disk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import verification
from audit.models import AccessLog
from casework.models import Case
from casework.services import cases as case_services
from tests.cases import MARKERS
from tests.casework.test_views import intake_data


@pytest.mark.django_db
def test_the_duplicate_checks_entry_is_written_with_the_cases_rows(client_for, bob, case_a):
    client = client_for(bob)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("casework:case_create"), intake_data(nik=MARKERS["nik"], birth_year="1999"))
    assert response.status_code == 302
    case = Case.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    entry = AccessLog.objects.get(event=AccessLog.Event.DUPLICATE_CHECKED, actor=bob)
    assert entry.detail == "matches=1" and entry.organisation == bob.organisation and case.owner == bob.organisation
    inserts = [q["sql"] for q in captured.captured_queries if 'INSERT INTO "audit_accesslog"' in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(inserts) == 1 and 'INSERT INTO "casework_case"' in inserts[0], inserts  # one statement
    assert verification.verify_chain().ok


@pytest.mark.django_db
def test_an_intake_without_identifiers_checks_and_logs_nothing(client_for, bob):
    response = client_for(bob).post(reverse("casework:case_create"), intake_data())
    assert response.status_code == 302
    assert not AccessLog.objects.filter(event=AccessLog.Event.DUPLICATE_CHECKED).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_number_alone_does_not_wait_for_the_disk_and_the_session_still_does(alice):
    case = Case(owner=alice.organisation)
    with CaptureQueriesContext(connection) as captured:
        first = case_services._next_reference(case)
        second = case_services._next_reference(case)
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1
    assert all("synchronous_commit" in q["sql"] for q in captured.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # set for the number's own transaction only


@pytest.mark.postgres
@pytest.mark.django_db
def test_inside_a_callers_transaction_the_number_leaves_its_commit_alone(alice):
    case = Case(owner=alice.organisation)
    with CaptureQueriesContext(connection) as captured:
        case_services._next_reference(case)
    assert "synchronous_commit" not in captured.captured_queries[0]["sql"]
