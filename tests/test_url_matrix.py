"""The access-control proof: every URL pattern of the project, requested with every method it accepts (and one it
does not), as each member of the cast, on objects of their own organisation and of another.

A guard test fails when a URL is added without an entry here, so nothing new escapes the matrix. Lists, searches,
exports and notifications are checked to contain nothing from other organisations.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AccessLog, AuditFlag
from casework.models import Consent
from notifications.models import Notification
from referrals import services as referral_services
from tests.cases import MARKERS, open_case
from tests.learning import matrix as learning_matrix

pytestmark = pytest.mark.django_db

OK = {200, 302}
CAST = ["alice", "bob", "cecep", "carol", "dave", "anonymous"]

# url name -> (kind, methods accepted). Kinds say who may use it; see expected() below.
MATRIX: dict[str, tuple[str, set[str]]] = {
    "home": ("user", {"get"}),
    "healthz": ("public", {"get"}),
    "accounts:login": ("public", {"get", "post"}),
    "accounts:logout": ("user", {"post"}),
    "accounts:account": ("user", {"get"}),
    "accounts:keepalive": ("keepalive", {"get"}),
    "accounts:set_language": ("public", {"post"}),
    "accounts:two_factor_setup": ("user", {"get", "post"}),
    "accounts:two_factor_verify": ("user", {"get", "post"}),
    "accounts:recovery_codes_renew": ("user", {"post"}),
    "accounts:two_factor_disable": ("user", {"post"}),
    "accounts:password_change": ("user", {"get", "post"}),
    "accounts:password_reset": ("public", {"get", "post"}),
    "accounts:password_reset_done": ("public", {"get"}),
    "accounts:password_reset_confirm": ("public", {"get", "post"}),
    "accounts:password_reset_complete": ("public", {"get"}),
    "notifications:list": ("user", {"get"}),
    "notifications:open": ("own_notification", {"get"}),
    "notifications:mark_read": ("user", {"post"}),
    "notifications:preferences": ("user", {"get", "post"}),
    "audit:log": ("admin", {"get"}),
    "audit:export": ("admin", {"get"}),
    "audit:verify": ("admin", {"post"}),
    "audit:object": ("admin", {"get"}),
    "audit:user": ("admin", {"get"}),
    "audit:flags": ("admin", {"get"}),
    "audit:flag_review": ("admin", {"post"}),
    "audit:changes": ("admin", {"get"}),
    "audit:breaches": ("admin", {"get", "post"}),
    "audit:breach_detail": ("admin", {"get", "post"}),
    "casework:case_list": ("caseworker", {"get"}),
    "casework:case_search": ("caseworker", {"post"}),
    "casework:case_export": ("caseworker", {"get"}),
    "casework:case_create": ("intake_form", {"get", "post"}),
    "casework:duplicate_check": ("intake_only", {"post"}),
    "casework:intake_draft_save": ("draft", {"post"}),
    "casework:intake_draft_discard": ("caseworker", {"post"}),
    "casework:regency_options": ("caseworker", {"get"}),
    "casework:case_detail": ("case", {"get"}),
    "casework:case_identity": ("case", {"get"}),
    "casework:case_reveal": ("case", {"post"}),
    "casework:case_notes": ("case", {"get", "post"}),
    "casework:case_services": ("case", {"get", "post"}),
    "casework:case_history": ("case", {"get"}),
    "casework:case_edit": ("case", {"get", "post"}),
    "casework:case_close": ("case", {"get", "post"}),
    "casework:case_reopen": ("case", {"post"}),
    "casework:case_consents": ("case", {"get", "post"}),
    "casework:consent_withdraw": ("case", {"post"}),
    "casework:case_restriction": ("case", {"get", "post"}),
    "casework:case_access": ("case", {"get"}),
    "casework:case_access_admin": ("admin", {"get"}),
    "casework:case_attachments": ("case", {"get", "post"}),
    "casework:attachment_download": ("case", {"get"}),
    "casework:attachment_delete": ("case", {"post"}),
    "casework:case_print": ("case", {"get"}),
    "casework:case_rights": ("case", {"get"}),
    "casework:rights_request": ("case", {"post"}),
    "casework:rights_approve": ("case", {"post"}),
    "casework:rights_reject": ("case", {"post"}),
    "casework:export_page": ("case", {"get"}),
    "casework:export_zip": ("case", {"get"}),
    "casework:retention": ("caseworker", {"get", "post"}),
    "referrals:inbox": ("caseworker", {"get"}),
    "referrals:queue": ("coordinator", {"get"}),
    "referrals:case_referrals": ("case", {"get"}),
    "referrals:referral_create": ("case", {"get", "post"}),
    "referrals:referral_detail": ("referral", {"get"}),
    "referrals:referral_accept": ("referral", {"post"}),
    "referrals:referral_decline": ("referral", {"post"}),
    "referrals:referral_cancel": ("referral", {"post"}),
    "referrals:referral_complete": ("referral", {"post"}),
    "referrals:referral_update": ("referral", {"post"}),
    "referrals:referral_reassign": ("referral", {"get", "post"}),
    "learning:library": ("member", {"get"}),
    "learning:topics": ("member", {"get", "post"}),
    "learning:review_queue": ("coordinator", {"get"}),
    "learning:practice_create": ("author", {"get", "post"}),
    "learning:practice_detail": ("learning", {"get"}),
    "learning:practice_edit": ("learning", {"get", "post"}),
    "learning:practice_submit": ("learning", {"post"}),
    "learning:practice_review": ("learning", {"post"}),
    "learning:practice_pin": ("learning", {"post"}),
    "learning:practice_archive": ("learning", {"post"}),
    "learning:practice_signoff": ("learning", {"post"}),
    "learning:practice_helpful": ("learning", {"post"}),
    "learning:practice_comment": ("learning", {"post"}),
    "learning:comment_hide": ("learning", {"post"}),
    "learning:case_study_create": ("case", {"get", "post"}),
    "learning:documents": ("member", {"get"}),
    "learning:document_upload": ("author", {"get", "post"}),
    "learning:document_detail": ("learning", {"get"}),
    "learning:document_download": ("learning", {"get"}),
    "learning:document_edit": ("learning", {"get", "post"}),
    "learning:document_submit": ("learning", {"post"}),
    "learning:document_review": ("learning", {"post"}),
    "learning:document_archive": ("learning", {"post"}),
    "learning:recommendations": ("member", {"get"}),
    "learning:recommendation_create": ("author", {"get", "post"}),
    "learning:recommendation_detail": ("learning", {"get"}),
    "learning:recommendation_edit": ("learning", {"get", "post"}),
    "learning:recommendation_open": ("learning", {"post"}),
    "learning:recommendation_endorse": ("learning", {"post"}),
    "learning:recommendation_submit": ("learning", {"post"}),
    "learning:recommendation_answer": ("learning", {"post"}),
    "learning:recommendation_outcome": ("learning", {"post"}),
    "learning:evidence_add": ("learning", {"post"}),
    "learning:evidence_remove": ("learning", {"post"}),
    "learning:recommendation_brief": ("learning", {"get"}),
    "learning:recommendation_brief_pdf": ("learning", {"get"}),
    "learning:events": ("member", {"get"}),
    "learning:event_create": ("coordinator", {"get", "post"}),
    "learning:event_detail": ("learning", {"get"}),
    "learning:event_edit": ("learning", {"get", "post"}),
    "network:map": ("member", {"get"}),
    "network:province": ("member", {"get"}),
    "network:refresh": ("coordinator", {"post"}),
    "network:refresh_status": ("member", {"get"}),
    "network:challenges": ("member", {"get"}),
    "network:challenge_report": ("caseworker", {"post"}),
    "network:challenge_moderate": ("coordinator", {"post"}),
    "network:needs": ("member", {"get"}),
    "network:need_post": ("caseworker", {"get", "post"}),
    "network:need_moderate": ("coordinator", {"post"}),
    "network:need_offer": ("need_offer", {"post"}),
    "network:capacity": ("member", {"get"}),
    "network:capacity_set": ("caseworker", {"post"}),
    "network:performance": ("member", {"get"}),
    "network:reports": ("member", {"get"}),
    "network:report_freeze": ("coordinator", {"post"}),
    "network:report_detail": ("member", {"get"}),
    "network:report_csv": ("member", {"get"}),
    "network:report_pdf": ("member", {"get"}),
    "network:report_release": ("admin", {"post"}),
    "network:htcds_export": ("coordinator", {"get"}),
}
# Who may act on a referral from organisation A (alice) to organisation B (bob); cecep's organisation C is a third.
REFERRAL = {
    "referrals:referral_detail": {"alice": OK, "bob": OK, "cecep": {404}, "carol": OK, "dave": {403}},
    "referrals:referral_accept": {"alice": {403}, "bob": OK, "cecep": {404}, "carol": {403}, "dave": {403}},
    "referrals:referral_decline": {"alice": {403}, "bob": OK, "cecep": {404}, "carol": {403}, "dave": {403}},
    "referrals:referral_cancel": {"alice": OK, "bob": {403}, "cecep": {404}, "carol": {403}, "dave": {403}},
    "referrals:referral_complete": {"alice": {403}, "bob": OK, "cecep": {404}, "carol": {403}, "dave": {403}},
    "referrals:referral_update": {"alice": OK, "bob": OK, "cecep": {404}, "carol": {403}, "dave": {403}},
    "referrals:referral_reassign": {"alice": {403}, "bob": {403}, "cecep": {403}, "carol": OK, "dave": {403}},
}
CASEWORKERS = {"alice", "bob", "cecep"}


def expected(kind: str, who: str, *, own: bool = True, name: str = "") -> set[int]:
    if kind == "keepalive":
        return {401} if who == "anonymous" else {204}
    if who == "anonymous":
        if kind == "intake_form":  # a signed-out intake is kept in the page, not dropped at the sign-in page
            return {302, 401}
        return OK if kind == "public" else {302}
    if kind == "intake_form":
        kind = "caseworker"
    if kind == "intake_only":  # the duplicate check, asked outside an intake being written (no draft): refused
        return {403}
    if kind == "draft":
        return {204} if who in CASEWORKERS else {403}
    if kind in ("public", "user"):
        return OK
    if kind == "own_notification":
        return {302} if own else {404}  # "own" here: the user's own notification
    if kind == "caseworker":
        return OK if who in CASEWORKERS else {403}
    if kind == "case":
        if who not in CASEWORKERS:
            return {403}
        return OK if own else {404}
    if kind == "coordinator":
        return OK if who == "carol" else {403}
    if kind == "admin":
        return OK if who == "dave" else {403}
    if kind == "referral":
        return REFERRAL[name][who]
    if kind == "member":
        return OK
    if kind == "author":
        return {403} if who == "dave" else OK
    if kind == "learning":
        return learning_matrix.expected(name, who)
    if kind == "need_offer":  # a need posted by organisation C (cecep's): others may offer help, C may not
        return OK if who in ("alice", "bob") else {403}
    raise AssertionError(kind)


def all_patterns() -> list[tuple[str | None, str]]:
    def walk(patterns: list, namespace: str | None = None, prefix: str = "") -> list[tuple[str | None, str]]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                found.append((name, prefix + str(pattern.pattern)))
        return found

    return walk(get_resolver().url_patterns)


def test_every_url_of_the_project_is_in_the_matrix():
    names = {name for name, route in all_patterns() if not route.startswith("admin/")}
    assert names - set(MATRIX) == set(), "a new URL needs its row in MATRIX"
    assert set(MATRIX) - names == set(), "MATRIX lists a URL that no longer exists"
    admin_routes = [route for _name, route in all_patterns() if route.startswith("admin/")]
    assert admin_routes, "the admin site is checked by test_the_django_admin_is_for_admins_only"


@pytest.fixture
def world(alice, anna, bob, cecep, carol, dave, case_a, org_b, settings, tmp_path):
    """Objects of organisation A (alice's) and of organisation B (bob's), and everyone's own notification."""
    case_b = open_case(bob, name="Kasus Milik B Rekaan")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "documents": storage}  # the document library's files
    flag = AuditFlag.objects.create(
        kind="export", actor=alice, window_start=case_a.created_at, window_end=case_a.created_at, dedupe_key="x"
    )
    notes = {
        u.username: Notification.objects.create(recipient=u, kind="casework.follow_up_due", object_ref="X")
        for u in (alice, bob, cecep, carol, dave)
    }
    from audit.models import Breach
    from tests.casework.attachment_helpers import approved_export, attach

    breach = Breach.objects.create(what="uji", discovered_at=case_a.created_at, recorded_by=dave)
    return {
        "A": case_a,
        "B": case_b,
        "breach": breach,
        "attachments": {case_a.pk: attach(alice, case_a), case_b.pk: attach(bob, case_b)},
        "exports": {case_a.pk: approved_export(alice, anna, case_a), case_b.pk: approved_export(bob, None, case_b)},
        "flag": flag,
        "notes": notes,
        "users": {u.username: u for u in (alice, bob, cecep, carol, dave)},
    }


def url_for(name: str, world: dict, *, case=None, referral=None, who: str = "alice", own: bool = True) -> str:
    case = case or world["A"]
    if name in ("accounts:password_reset_confirm",):
        return reverse(name, args=["MQ", "set-password"])
    if name == "notifications:open":
        owner = who if own or who == "anonymous" else ("bob" if who != "bob" else "alice")
        return reverse(name, args=[world["notes"].get(owner, world["notes"]["alice"]).pk])
    if name == "audit:object":
        return reverse(name, args=[world["A"].pk])
    if name == "audit:user":
        return reverse(name, args=[world["users"]["alice"].pk])
    if name == "audit:flag_review":
        return reverse(name, args=[world["flag"].pk])
    if name == "casework:case_access_admin":
        return reverse(name, args=[world["A"].pk])
    if name == "audit:breach_detail":
        return reverse(name, args=[world["breach"].pk])
    if name in ("casework:attachment_download", "casework:attachment_delete"):
        return reverse(name, args=[case.pk, world["attachments"][case.pk].pk])
    if name in ("casework:rights_approve", "casework:rights_reject", "casework:export_page", "casework:export_zip"):
        return reverse(name, args=[case.pk, world["exports"][case.pk].pk])
    if name == "casework:case_reveal":
        return reverse(name, args=[case.pk, "nik"])
    if name == "casework:consent_withdraw":
        consent = Consent.objects.filter(case=case).first() or Consent.objects.create(
            case=case, kind="statistics", given_on=case.intake_date, given_by="person", recorded_by=case.created_by
        )
        return reverse(name, args=[case.pk, consent.pk])
    if name.startswith("network:"):
        return network_url(name, world)
    if name.startswith("referrals:referral_") and name != "referrals:referral_create":
        return reverse(name, args=[referral.pk])
    if name == "casework:rights_request":
        return reverse(name, args=[case.pk])
    if name.startswith("learning:") and name in learning_matrix.TARGETS:
        return learning_matrix.url(name, world["users"])
    if name == "learning:case_study_create":
        return reverse(name, args=[case.pk])
    if name.startswith(("casework:case_", "referrals:case_", "referrals:referral_create")) and name not in (
        "casework:case_list",
        "casework:case_search",
        "casework:case_export",
        "casework:case_create",
    ):
        return reverse(name, args=[case.pk])
    return reverse(name)


def network_url(name: str, world: dict) -> str:
    """Network pages, on a pending challenge and need, an approved need of organisation C, a released report."""
    from datetime import date, timedelta

    from network import services as network_services
    from network.disclosure import Period

    users = world["users"]
    if "network" not in world:
        quarter = Period.quarter_of(date.today())
        challenge = network_services.challenge_report(
            actor=users["alice"], category="other", province="53", period=quarter.code, description="x", named=False
        )
        need = lambda: network_services.need_post(  # noqa: E731
            actor=users["cecep"], service="shelter", province="52", urgency="low",
            expires_on=date.today() + timedelta(days=5), text="x",
        )  # fmt: skip
        open_need = network_services.need_moderate(actor=users["carol"], need=need(), approve=True)
        report = network_services.report_freeze(
            actor=users["carol"], period=Period.quarter_of(date.today() - timedelta(days=100)).code
        )
        network_services.report_release(actor=users["dave"], report=report)
        world["network"] = {"challenge": challenge, "need": need(), "open_need": open_need, "report": report}
    objects = world["network"]
    args = {
        "network:province": ["53"],
        "network:challenge_moderate": [objects["challenge"].pk],
        "network:need_moderate": [objects["need"].pk],
        "network:need_offer": [objects["open_need"].pk],
        "network:report_detail": [objects["report"].pk],
        "network:report_csv": [objects["report"].pk],
        "network:report_pdf": [objects["report"].pk],
        "network:report_release": [objects["report"].pk],
    }.get(name, [])
    return reverse(name, args=args)


def call(client, method: str, url: str):
    return getattr(client, method)(url, {})


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_url_for_each_member_of_the_cast(request, client_for, client, world, name):
    kind, methods = MATRIX[name]
    for who in CAST:
        for method in sorted(methods):
            own_case = {"alice": world["A"], "bob": world["B"]}.get(who)
            targets = [(case is own_case, case) for case in (world["A"], world["B"])]
            if kind == "own_notification":
                targets = [(True, world["A"]), (False, world["A"])]
            elif kind != "case":
                targets = [(True, world["A"])]
            for own, case in targets:
                referral = None
                if kind == "referral":
                    referral = referral_services.referral_send(
                        actor=world["users"]["alice"],
                        case=world["A"],
                        to_org=world["users"]["bob"].organisation,
                        services=["shelter"],
                        urgency="routine",
                        reason="x",
                        sections=["identity"],
                    )
                http = client if who == "anonymous" else client_for(world["users"][who])
                url = url_for(name, world, case=case, referral=referral, who=who, own=own)
                response = call(http, method, url)
                status = response.status_code
                allowed = expected(kind, who, own=own, name=name)
                if who != "anonymous" and status == 200:
                    # Nothing a signed-in person saw stays in the browser's cache (issue 16).
                    assert "no-store" in response.get("Cache-Control", ""), (name, method, who)
                    assert "Cookie" in response.get("Vary", ""), (name, method, who)
                assert status in allowed, (name, method, who, "own" if own else "other", status)
                assert status < 500
    # A method the URL does not accept is refused, for someone who may use it.
    other = {"get", "post"} - methods
    if other and kind not in ("public", "referral", "own_notification", "case", "keepalive", "learning", "need_offer"):
        user = {
            "user": "alice",
            "caseworker": "alice",
            "draft": "alice",
            "intake_only": "alice",
            "coordinator": "carol",
            "admin": "dave",
            "member": "bob",
        }[kind]
        response = call(client_for(world["users"][user]), other.pop(), url_for(name, world, who=user))
        assert response.status_code == 405, name


def test_the_django_admin_is_for_admins_only(client_for, client, world):
    urls = [
        "/admin/",
        "/admin/accounts/",
        "/admin/accounts/organisation/",
        "/admin/accounts/organisation/add/",
        f"/admin/accounts/organisation/{world['A'].owner_id}/change/",
        f"/admin/accounts/organisation/{world['A'].owner_id}/history/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{world['users']['alice'].pk}/change/",
        "/admin/password_change/",
        "/admin/jsi18n/",
    ]
    for url in urls:
        assert client_for(world["users"]["dave"]).get(url).status_code in OK, url
        for who in ("alice", "bob", "carol"):
            assert client_for(world["users"][who]).get(url).status_code == 403, (url, who)
        assert client.get(url).status_code == 302, url
    assert client_for(world["users"]["dave"]).get(
        f"/admin/accounts/organisation/{world['A'].owner_id}/delete/"
    ).status_code in {302, 403}
    # Nobody sets another person's password: the page is refused to the admin too (issue 16).
    password_url = f"/admin/accounts/user/{world['users']['alice'].pk}/password/"
    for who in ("alice", "bob", "carol", "dave"):
        assert client_for(world["users"][who]).get(password_url).status_code == 403, who
    assert client.get(password_url).status_code == 302


# --- Nothing from other organisations in lists, searches, exports and notifications --------------------------------


def test_lists_searches_exports_and_notifications_hold_nothing_of_other_organisations(client_for, world, case_a):
    from casework import services as case_services
    from notifications import reminders

    bob = world["users"]["bob"]
    alice = world["users"]["alice"]
    case_services.note_add(actor=alice, case=case_a, body="catatan", is_follow_up=False)
    AccessLog.objects.all()  # (the log has entries of both organisations by now)
    client = client_for(bob)
    pages = [
        client.get(reverse("casework:case_list")),
        client.get(reverse("referrals:inbox")),
        client.get(reverse("notifications:list")),
    ]
    for typed in [case_a.reference, MARKERS["nik"], MARKERS["phone"], "zulaikha"]:
        pages.append(client.post(reverse("casework:case_search"), {"q": typed}, follow=True))
    export = client.get(reverse("casework:case_export"))
    texts = [p.content.decode() for p in pages] + [b"".join(export.streaming_content).decode()]
    for text in texts:
        assert case_a.reference not in text
        for marker in MARKERS.values():
            assert marker not in text
    assert world["B"].reference in texts[0], "bob's own case is listed"
    reminders.dispatch(send_email=False)
    assert not Notification.objects.filter(recipient=bob, object_id=case_a.pk).exists()


# --- Attachments follow their section: a receiver with and without it shared, a restricted case's colleague -------


@pytest.mark.parametrize("shared", [True, False], ids=["identity-shared", "identity-not-shared"])
def test_attachment_urls_for_a_referral_receiver(client_for, alice, bob, case_a, org_b, shared):
    from tests.casework.attachment_helpers import attach

    document = attach(alice, case_a, section="identity")
    referral = referral_services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["shelter"],
        urgency="routine",
        reason="x",
        sections=["identity"] if shared else ["needs"],
    )
    referral_services.referral_accept(actor=bob, referral=referral)
    client = client_for(bob)
    urls = {
        "casework:case_attachments": reverse("casework:case_attachments", args=[case_a.pk]),
        "casework:attachment_download": reverse("casework:attachment_download", args=[case_a.pk, document.pk]),
    }
    assert client.get(urls["casework:case_attachments"]).status_code == 200  # the section list, maybe empty
    assert client.get(urls["casework:attachment_download"]).status_code == (200 if shared else 404)
    assert client.post(urls["casework:case_attachments"], {}).status_code == 404  # no upload to another's case
    delete = reverse("casework:attachment_delete", args=[case_a.pk, document.pk])
    assert client.post(delete).status_code == 404
    for name in ("casework:case_print", "casework:case_rights"):
        expected_status = 200 if name == "casework:case_print" else 404
        assert client.get(reverse(name, args=[case_a.pk])).status_code == expected_status, name


def test_attachment_urls_for_a_restricted_cases_colleague_not_named(client_for, alice, anna, restricted_case):
    from casework.services import rights
    from tests.casework.attachment_helpers import attach

    document = attach(alice, restricted_case, section="notes")
    export = rights.rights_request(actor=alice, case=restricted_case, kind="export")
    client = client_for(anna)
    for name, args, method in [
        ("casework:case_attachments", [restricted_case.pk], "get"),
        ("casework:case_attachments", [restricted_case.pk], "post"),
        ("casework:attachment_download", [restricted_case.pk, document.pk], "get"),
        ("casework:attachment_delete", [restricted_case.pk, document.pk], "post"),
        ("casework:case_print", [restricted_case.pk], "get"),
        ("casework:case_rights", [restricted_case.pk], "get"),
        ("casework:export_zip", [restricted_case.pk, export.pk], "get"),
        ("casework:rights_approve", [restricted_case.pk, export.pk], "post"),
        ("casework:rights_reject", [restricted_case.pk, export.pk], "post"),
    ]:
        assert getattr(client, method)(reverse(name, args=args)).status_code == 404, name
