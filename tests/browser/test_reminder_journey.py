from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.reminders import FOLLOW_UP_DUE
from notifications import reminders
from notifications.models import Notification, Reminder
from tests.browser.helpers import open_menu, sign_in
from tests.cases import open_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_caseworker_follows_a_reminder_to_the_case_and_records_the_follow_up(page, alice):
    case = open_case(alice, next_follow_up=timezone.localdate())
    Reminder.objects.filter(kind=FOLLOW_UP_DUE).update(due_at=timezone.now() - timedelta(minutes=1))
    assert reminders.dispatch().notifications == 1

    sign_in(page, alice)
    open_menu(page)
    nav = page.get_by_role("navigation", name="Navigasi utama")
    expect(nav.get_by_test_id("nav-badge")).to_contain_text("1")
    nav.get_by_role("link", name="Notifikasi").click()
    page.get_by_role("link", name=f"Pemantauan kasus {case.reference} jatuh tempo", exact=False).click()
    expect(page.get_by_test_id("case-reference")).to_have_text(case.reference)
    expect(page.get_by_test_id("follow-up-due")).to_be_visible()

    page.get_by_role("link", name="Catatan").click()
    page.locator("#id_body").fill("Sudah bertemu langsung; aman. (rekaan)")
    page.get_by_label("Catatan ini mencatat kontak pemantauan").check()
    page.get_by_role("button", name="Tambah catatan").click()
    expect(page.get_by_text("Catatan tersimpan.")).to_be_visible()

    open_menu(page)
    expect(page.get_by_role("navigation", name="Navigasi utama").get_by_test_id("nav-badge")).to_have_count(0)
    page.get_by_role("link", name="Ringkasan").click()
    expect(page.get_by_test_id("follow-up-due")).to_have_count(0)
    assert Notification.objects.get(recipient=alice).read_at is not None
    case.refresh_from_db()
    assert Reminder.objects.get(kind=FOLLOW_UP_DUE, state="pending").params["date"] == case.next_follow_up.isoformat()
