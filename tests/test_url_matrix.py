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
    "learning:events": ("member", {"get"}),
    "learning:event_create": ("coordinator", {"get", "post"}),
    "learning:event_detail": ("learning", {"get"}),
    "learning:event_edit": ("learning", {"get", "post"}),
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
    return {
        "A": case_a,
        "B": case_b,
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
    if name == "casework:case_reveal":
        return reverse(name, args=[case.pk, "nik"])
    if name == "casework:consent_withdraw":
        consent = Consent.objects.filter(case=case).first() or Consent.objects.create(
            case=case, kind="statistics", given_on=case.intake_date, given_by="person", recorded_by=case.created_by
        )
        return reverse(name, args=[case.pk, consent.pk])
    if name.startswith("referrals:referral_") and name != "referrals:referral_create":
        return reverse(name, args=[referral.pk])
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
                status = call(http, method, url).status_code
                allowed = expected(kind, who, own=own, name=name)
                assert status in allowed, (name, method, who, "own" if own else "other", status)
                assert status < 500
    # A method the URL does not accept is refused, for someone who may use it.
    other = {"get", "post"} - methods
    if other and kind not in ("public", "referral", "own_notification", "case", "keepalive", "learning"):
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
        f"/admin/accounts/user/{world['users']['alice'].pk}/password/",
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
