"""Every page of the three journeys (caseworker, coordinator, admin, and the Django admin pages an admin uses) and the
sign-in pages, on a 390 × 844 phone and a 1366 × 900 desktop, in Bahasa Indonesia and English:

- no serious or critical axe-core violation (axe-core vendored in tests/browser/vendor, injected in a second context
  that bypasses the CSP, for that check only: the pages themselves are loaded under their CSP);
- no horizontal overflow on the phone (document.documentElement.scrollWidth <= innerWidth);
- every list cell on the phone shows its column's label;
- no raw access-log code on the access-log pages;
- case tabs on the phone: every tab visible on screen, each label on one line;
- navbar links and links on the yellow notification background at least 4.5:1.

One browser for the suite; one context per role (with the CSP) and one beside it for axe, each page loaded once per
viewport and language in each.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from referrals import services as referral_services
from tests.browser.conftest import ARGS  # noqa: F401 (the same browser settings)
from tests.browser.helpers import current_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ["id", "en"]
RAW_CODES = re.compile(
    r"\b(case_viewed|field_revealed|sign_in_failed|second_factor|unknown_account|access_denied|duplicate_checked|"
    r"signed_in|signed_out|idle_timeout|max_lifetime|record_service)\b|results=\d|matches=\d|\(edit\)"
)

LABELS_MISSING = """() => [...document.querySelectorAll('table.table-responsive-stack tbody tr')]
  .filter(tr => tr.offsetParent !== null)
  .flatMap(tr => [...tr.children])
  .filter(td => !td.hasAttribute('colspan') && td.offsetParent !== null)
  .filter(td => {
    const label = td.getAttribute('data-label') || '';
    const before = getComputedStyle(td, '::before').content;
    return !label.trim() || !before || before === 'none' || before === 'normal' || before === '""';
  })
  .map(td => td.closest('table').querySelector('caption')?.textContent.trim() + ': ' + td.textContent.trim().slice(0, 40))"""

TABS_HIDDEN = """() => [...document.querySelectorAll('[data-testid=case-tabs] .nav-link')].filter(a => {
  const r = a.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(a).lineHeight) || 24;
  return r.left < 0 || r.right > window.innerWidth || (r.height - 16) > line * 1.5;
}).map(a => a.textContent.trim())"""

CONTRAST = """(selector) => {
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = el => { while (el) { const c = getComputedStyle(el).backgroundColor;
    if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; el = el.parentElement; }
    return 'rgb(255, 255, 255)'; };
  const blend = (fg, back) => { const f = fg.match(/[\\d.]+/g).map(Number), b = back.match(/[\\d.]+/g).map(Number);
    const a = f.length > 3 ? f[3] : 1; return `rgb(${f[0]*a + b[0]*(1-a)}, ${f[1]*a + b[1]*(1-a)}, ${f[2]*a + b[2]*(1-a)})`; };
  return [...document.querySelectorAll(selector)].filter(el => el.offsetParent !== null).map(el => {
    const back = bg(el), fore = blend(getComputedStyle(el).color, back);
    const [l1, l2] = [lum(fore), lum(back)].sort((x, y) => y - x);
    return [el.textContent.trim().slice(0, 30), (l1 + 0.05) / (l2 + 0.05)];
  });
}"""


@pytest.fixture
def journeys(alice, bob, carol, dave, case_a, org_b, org_c, network_org):
    """A network with something on every page: a referral declined by B (in the queue, with a reassign page),
    another one waiting, a note, history, notifications and access-log entries."""
    from casework import services as case_services

    declined = referral_services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["shelter"],
        urgency="emergency",
        reason="Butuh rumah aman segera. (rekaan)",
        sections=["identity"],
    )
    referral_services.referral_decline(actor=bob, referral=declined, reason="no_capacity")
    waiting = referral_services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_c,
        services=["legal_aid"],
        urgency="routine",
        reason="Pendampingan hukum. (rekaan)",
        sections=["identity"],
    )
    case_services.case_update(
        actor=alice, case=case_a, expected_version=case_a.version, summary={"risk_level": "medium"}
    )
    case = case_a
    caseworker = [
        reverse("home"),
        reverse("casework:case_list"),
        reverse("casework:case_create"),
        *(
            reverse(name, args=[case.pk])
            for name in [
                "casework:case_detail",
                "casework:case_identity",
                "casework:case_notes",
                "casework:case_services",
                "casework:case_consents",
                "casework:case_history",
                "casework:case_access",
                "casework:case_edit",
                "casework:case_close",
                "casework:case_restriction",
                "referrals:case_referrals",
                "referrals:referral_create",
            ]
        ),
        reverse("referrals:inbox"),
        reverse("referrals:referral_detail", args=[waiting.pk]),
        reverse("notifications:list"),
        reverse("notifications:preferences"),
        reverse("accounts:account"),
        reverse("accounts:password_change"),
    ]
    coordinator = [
        reverse("home"),
        reverse("referrals:queue"),
        reverse("referrals:queue") + "?show=all&sort=waited",
        reverse("referrals:referral_detail", args=[declined.pk]),
        reverse("referrals:referral_reassign", args=[declined.pk]),
        reverse("notifications:list"),
        reverse("accounts:account"),
    ]
    admin = [
        reverse("home"),
        reverse("audit:log"),
        reverse("audit:log") + "?date_from=2026-12-02&date_to=2026-12-01",
        reverse("audit:object", args=[case.pk]),
        reverse("audit:user", args=[alice.pk]),
        reverse("audit:flags"),
        reverse("audit:changes"),
        reverse("accounts:account"),
    ]
    # The Django admin pages an admin uses: the index, organisations and accounts (list, change, add).
    django_admin = [
        reverse("admin:index"),
        reverse("admin:accounts_organisation_changelist"),
        reverse("admin:accounts_organisation_change", args=[org_b.pk]),
        reverse("admin:accounts_organisation_add"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[alice.pk]),
        reverse("admin:accounts_user_history", args=[alice.pk]),
        reverse("admin:accounts_user_add"),
    ]
    return {
        "caseworker": (alice, caseworker),
        "coordinator": (carol, coordinator),
        "admin": (dave, admin),
        "django admin": (dave, django_admin),
    }


def new_context(browser, live_server, **extra):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=VIEWPORTS["phone"], **extra)
    context.set_default_timeout(15_000)
    return context


def sign_in(page, user, second_factor: bool, problems: list[str]) -> None:
    page.goto("/accounts/sign-in/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    if second_factor:
        page.wait_for_url("**/accounts/two-factor/verify/**")
        check_layout(page, "two-factor verify", problems)
        page.locator("input[name=token]").fill(current_code(user))
        page.locator("form:has(input[name=token]) button[type=submit]").click()
    page.wait_for_load_state()


def check_layout(page, where: str, problems: list[str]) -> None:
    width = page.viewport_size["width"]
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width <= 400:
        if overflow[0] > overflow[1]:
            problems.append(f"{where}: {overflow[0]} px wide in a {overflow[1]} px window")
        missing = page.evaluate(LABELS_MISSING)
        if missing:
            problems.append(f"{where}: list cells without their label: {missing[:3]}")
        hidden = page.evaluate(TABS_HIDDEN)
        if hidden:
            problems.append(f"{where}: case tabs off-screen or wrapped: {hidden}")
    else:
        for text, ratio in page.evaluate(CONTRAST, ".navbar .nav-link"):
            if ratio < 4.5:
                problems.append(f"{where}: navbar link {text!r} contrast {ratio:.2f}")
    for text, ratio in page.evaluate(CONTRAST, ".list-group-item-warning a, .alert-warning a, .table-warning a"):
        if ratio < 4.5:
            problems.append(f"{where}: link {text!r} on yellow contrast {ratio:.2f}")
    if "/audit/" in page.url:
        table = page.locator("[data-testid=log-entries], [data-testid=object-people]")
        shown = " ".join(table.all_inner_texts())
        if RAW_CODES.search(shown):
            problems.append(f"{where}: raw access-log code {RAW_CODES.search(shown).group(0)!r}")


def check_axe(page, where: str, problems: list[str]) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => { const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target.join(' '))]); }"""
    )
    for rule, nodes in result:
        problems.append(f"{where}: axe {rule} at {json.dumps(nodes)}")


def visit_all(browser, live_server, user, urls: list[str], second_factor: bool) -> list[str]:
    problems: list[str] = []
    errors: list[str] = []
    context = new_context(browser, live_server)
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    sign_in(page, user, second_factor, problems)
    # The axe check runs beside, in a context that may inject axe (the pages' CSP forbids injected scripts).
    axe_context = new_context(browser, live_server, bypass_csp=True)
    axe_context.add_cookies(context.cookies())
    axe_page = axe_context.new_page()
    try:
        for language in LANGUAGES:
            User.objects.filter(pk=user.pk).update(language=language)
            for name, viewport in VIEWPORTS.items():
                page.set_viewport_size(viewport)
                axe_page.set_viewport_size(viewport)
                for url in urls:
                    where = f"{user.username} {language} {name} {url}"
                    response = page.goto(url)
                    assert response is not None and response.status < 400, f"{where}: {response and response.status}"
                    assert page.locator("html").get_attribute("lang") == language, where
                    check_layout(page, where, problems)
                    axe_page.goto(url)
                    check_axe(axe_page, where, problems)
    finally:
        axe_context.close()
        context.close()
    return problems + [f"console: {e}" for e in errors]


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "admin", "django admin"])
def test_every_page_is_accessible_fits_a_phone_and_labels_its_lists(browser, live_server, journeys, role):
    user, urls = journeys[role]
    problems = visit_all(browser, live_server, user, urls, second_factor=role != "caseworker")
    assert problems == [], "\n".join(problems)


def test_the_sign_in_pages(browser, live_server, db):
    problems: list[str] = []
    context = new_context(browser, live_server)
    page = context.new_page()
    axe_context = new_context(browser, live_server, bypass_csp=True)
    axe_page = axe_context.new_page()
    try:
        for language in LANGUAGES:
            for target in (context, axe_context):
                target.add_cookies([{"name": "jejaring_language", "value": language, "url": live_server.url}])
            for name, viewport in VIEWPORTS.items():
                page.set_viewport_size(viewport)
                axe_page.set_viewport_size(viewport)
                for url in [reverse("accounts:login"), reverse("accounts:password_reset")]:
                    where = f"anonymous {language} {name} {url}"
                    page.goto(url)
                    assert page.locator("html").get_attribute("lang") == language
                    check_layout(page, where, problems)
                    axe_page.goto(url)
                    check_axe(axe_page, where, problems)
    finally:
        axe_context.close()
        context.close()
    assert problems == [], "\n".join(problems)
