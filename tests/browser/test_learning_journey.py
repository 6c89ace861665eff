"""The learning space in the browser: a practice written, reviewed, published, found and marked helpful; a
recommendation drafted, endorsed by two organisations, submitted, answered, and its brief opened for printing."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from audit.models import AccessLog
from learning.models import Practice, Recommendation
from tests.browser.helpers import open_menu, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _documents(documents_dir):
    """(The document storage of this test goes to a temporary folder.)"""


@pytest.fixture
def documents_dir(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def nav(page, name):
    open_menu(page)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name=name, exact=True).click()


@pytest.fixture
def coordinator_page(browser, live_server):
    """The coordinator works on her own device and stays signed in: a second sign-in within the same 30 seconds
    would reuse her one-time code, which two-factor verification rightly refuses."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    other = context.new_page()
    problems: list[str] = []
    other.on("request", lambda r: None if r.url.startswith((live_server.url, "data:")) else problems.append(r.url))
    other.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield other
    context.close()
    assert problems == [], "the coordinator's pages requested another host or logged errors"


def test_a_practice_is_written_reviewed_found_and_a_recommendation_goes_to_government(
    page, coordinator_page, alice, bob, cecep, carol
):
    # A caseworker of organisation A writes a practice and submits it.
    sign_in(page, alice)
    nav(page, "Praktik baik")
    page.get_by_role("link", name="Tulis praktik baik").click()
    page.get_by_label("Judul").fill("Kelas ibu di posyandu sebagai pintu pencegahan (rekaan)")
    page.get_by_label("Ringkasan").fill("Kader posyandu menyampaikan info migrasi aman.")
    page.get_by_label("Praktiknya").fill("Kami melatih **kader posyandu**.\n\n<script>alert(1)</script>")
    page.get_by_label("Topik").select_option("prevention")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_test_id("status")).to_have_text("Draf")
    expect(page.get_by_test_id("practice-body").locator("strong")).to_have_text("kader posyandu")
    page.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("status")).to_have_text("Sedang ditinjau")
    practice = Practice.objects.get()
    sign_out(page)

    # The coordinator reviews it: the checklist must be ticked, then it is published.
    coordinator = coordinator_page
    sign_in(coordinator, carol, second_factor=True)
    nav(coordinator, "Tinjauan")
    coordinator.get_by_role("link", name=practice.title).click()
    coordinator.get_by_test_id("publish").click()
    expect(coordinator.locator("#id_checklist_error")).to_be_visible()
    for box in coordinator.locator("input[name=checklist]").all():
        box.check()
    coordinator.get_by_test_id("publish").click()
    expect(coordinator.get_by_test_id("status")).to_have_text("Terbit")

    # A caseworker of organisation B finds it by search and marks it helpful.
    sign_in(page, bob)
    nav(page, "Praktik baik")
    page.get_by_label("Cari", exact=True).fill("posyandu")
    page.get_by_role("button", name="Cari").click()
    page.get_by_test_id("practice-list").get_by_role("link", name=practice.title).click()
    page.get_by_test_id("helpful").click()
    expect(page.get_by_test_id("helpful-count")).to_contain_text("1 anggota")

    # He drafts a recommendation citing the practice, opens it, and endorses it for organisation B.
    nav(page, "Rekomendasi")
    page.get_by_role("link", name="Susun rekomendasi").click()
    page.get_by_label("Judul").fill("Kader posyandu dalam pencegahan TPPO (rekaan)")
    page.get_by_label("Masalahnya").fill("Informasi migrasi aman tidak sampai ke desa.")
    page.get_by_label("Rekomendasinya").fill("Libatkan kader posyandu dalam sosialisasi migrasi aman.")
    page.get_by_label("Ditujukan kepada").select_option("kemenpppa")
    page.get_by_role("button", name="Simpan draf").click()
    page.get_by_label("Kutip praktik baik").select_option(str(practice.pk))
    page.get_by_role("button", name="Kutip", exact=True).click()
    expect(page.get_by_test_id("evidence")).to_contain_text(practice.title)
    page.get_by_test_id("open-endorsement").click()
    page.get_by_test_id("endorse").click()
    expect(page.get_by_test_id("endorsements")).to_contain_text("Organisasi B (fiktif)")
    recommendation = Recommendation.objects.get()
    sign_out(page)

    # A second organisation endorses it.
    sign_in(page, cecep)
    page.goto(f"/learning/recommendations/{recommendation.pk}/")
    page.get_by_test_id("endorse").click()
    expect(page.get_by_test_id("endorsements")).to_contain_text("Organisasi C (fiktif)")
    sign_out(page)

    # The coordinator records the submission and the answer, then opens the brief to print it.
    coordinator.goto(f"/learning/recommendations/{recommendation.pk}/")
    expect(coordinator.get_by_role("heading", name=recommendation.title)).to_be_visible()
    coordinator.get_by_label("Diajukan kepada").fill("Deputi Perlindungan Perempuan, KemenPPPA (rekaan)")
    coordinator.get_by_label("Tanggal diajukan").fill((date.today() - timedelta(days=20)).isoformat())
    coordinator.get_by_label("Cara").select_option("meeting")
    coordinator.get_by_role("button", name="Catat pengajuan").click()
    expect(coordinator.get_by_test_id("status")).to_have_text("Diajukan")
    coordinator.get_by_label("Tanggal dijawab").fill((date.today() - timedelta(days=2)).isoformat())
    coordinator.get_by_label("Jawabannya").fill("Akan dimasukkan dalam rencana kerja tahun depan. (rekaan)")
    coordinator.get_by_role("button", name="Catat jawaban").click()
    expect(coordinator.get_by_test_id("answer")).to_contain_text("rencana kerja")
    coordinator.get_by_test_id("brief").click()
    expect(coordinator.get_by_role("heading", name=recommendation.title)).to_be_visible()
    expect(coordinator.get_by_test_id("endorsements")).to_contain_text("Organisasi C (fiktif)")
    expect(coordinator.get_by_test_id("print")).to_be_visible()
    coordinator.emulate_media(media="print")
    expect(coordinator.get_by_test_id("print")).to_be_hidden()
    assert AccessLog.objects.filter(event=AccessLog.Event.BRIEF_EXPORTED, object_id=recommendation.pk).exists()
