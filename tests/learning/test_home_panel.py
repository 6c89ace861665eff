"""The home page's learning panel: the three newest published practices (pinned or not), written out as one
statement (learning.home.home_panel), and for coordinators what waits for their review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning import home, services
from learning.models import Practice, Status
from tests.learning.conftest import publish, write

pytestmark = pytest.mark.django_db


def test_the_panel_lists_the_three_newest_published_practices_whatever_is_pinned(alice, carol, client):
    now = timezone.now()
    made = []
    for number in range(5):
        practice = publish(write(alice, title=f"Praktik rekaan {number}"), alice, carol)
        Practice.objects.filter(pk=practice.pk).update(published_at=now - timedelta(days=10 - number))
        made.append(practice)
    services.practice_pin(actor=carol, practice=made[0], pinned=True)  # the oldest, pinned
    Practice.objects.filter(pk=made[1].pk).update(published_at=now)  # the newest, not pinned
    write(alice, title="Draf rekaan")
    services.practice_submit(actor=alice, practice=write(alice, title="Menunggu tinjauan rekaan"))

    expected = list(
        Practice.objects.filter(status=Status.PUBLISHED).order_by("-published_at", "-id").values_list("pk", "title")[:3]
    )
    panel = home.home_panel(alice)
    assert [(p["pk"], p["title"]) for p in panel["latest"]] == expected
    assert [title for _pk, title in expected] == ["Praktik rekaan 1", "Praktik rekaan 4", "Praktik rekaan 3"]
    assert all(p["published_at"].tzinfo is not None for p in panel["latest"])
    assert panel["waiting"] == 0

    client.force_login(alice)
    page = client.get(reverse("home")).content.decode()
    for pk, title in expected:
        assert title in page
        assert reverse("learning:practice_detail", args=[pk]) in page
    assert "Praktik rekaan 0" not in page and "Draf rekaan" not in page and "Menunggu tinjauan" not in page


def test_a_coordinator_sees_how_many_items_wait_for_review(alice, carol):
    services.practice_submit(actor=alice, practice=write(alice, title="Menunggu tinjauan rekaan"))
    assert home.home_panel(carol)["waiting"] == 1
    assert home.home_panel(alice)["waiting"] == 0
    assert home.home_panel(alice)["latest"] == []
