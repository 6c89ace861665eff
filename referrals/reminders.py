"""Referrals' reminder rules (casework/reminders.py does the same for cases): who is told what about a referral,
and the reminders that chase it.

Event notices (sent, accepted, declined, ...) are reminders due now; the chasers are reminders due later:
- no answer by the deadline reminds the receiving organisation;
- no answer by twice the deadline escalates to the coordinators;
- an accepted referral with no update for JEJARING_REFERRAL_STALE_DAYS reminds the receiving organisation.
Notifications carry the referral's reference and organisation codes: never anything about the person.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role, ServiceType
from accounts.models import User
from casework import access as case_access
from notifications import inbox, reminders
from notifications.models import Reminder
from referrals.choices import ReferralStatus, Urgency
from referrals.models import Referral

SENT = "referrals.sent"
ACCEPTED = "referrals.accepted"
DECLINED = "referrals.declined"
COMPLETED = "referrals.completed"
CANCELLED = "referrals.cancelled"
REASSIGNED = "referrals.reassigned"
UPDATED_FOR_SENDER = "referrals.updated_for_sender"
UPDATED_FOR_RECEIVER = "referrals.updated_for_receiver"
OVERRIDE = "referrals.override"
UNANSWERED = "referrals.unanswered"
ESCALATED = "referrals.escalated"
STALE = "referrals.stale"

SENDER, RECEIVER, COORDINATORS = "sender", "receiver", "coordinators"
AUDIENCES = {
    SENT: (RECEIVER,),
    ACCEPTED: (SENDER,),
    DECLINED: (SENDER, COORDINATORS),
    COMPLETED: (SENDER,),
    CANCELLED: (RECEIVER,),
    REASSIGNED: (SENDER, RECEIVER),
    UPDATED_FOR_SENDER: (SENDER,),
    UPDATED_FOR_RECEIVER: (RECEIVER,),
    OVERRIDE: (COORDINATORS,),
    UNANSWERED: (RECEIVER,),
    ESCALATED: (COORDINATORS,),
    STALE: (RECEIVER,),
}
CHASERS = [UNANSWERED, ESCALATED, STALE]


def _params(referral: Referral, **extra: object) -> dict[str, object]:
    return {
        "from": referral.from_org.code,
        "to": referral.to_org.code,
        "services": list(referral.services),
        "urgency": referral.urgency,
        **extra,
    }


def _notice(kind: str, referral: Referral, **extra: object) -> dict[str, object]:
    """An event notice: a reminder due now, under a key of this moment (none can be pending to move)."""
    return {
        "kind": kind,
        "due_at": timezone.now(),
        "dedupe_key": f"{referral.pk}:{kind}:{timezone.now().isoformat()}",
        "object_type": "referral",
        "object_id": referral.pk,
        "object_ref": referral.reference,
        "params": _params(referral, **extra),
    }


def _chaser(kind: str, referral: Referral, due_at: object, dedupe: str) -> dict[str, object]:
    return {
        "kind": kind,
        "due_at": due_at,
        "dedupe_key": f"{referral.pk}:{dedupe}",
        "object_type": "referral",
        "object_id": referral.pk,
        "object_ref": referral.reference,
        "params": _params(referral, deadline=referral.deadline.isoformat(), days=settings.JEJARING_REFERRAL_STALE_DAYS),
    }


def _tell(kind: str, referral: Referral, **extra: object) -> None:
    reminders.schedule_new([_notice(kind, referral, **extra)])


def _chase(kind: str, referral: Referral, due_at: object, dedupe: str) -> None:
    reminders.schedule(**_chaser(kind, referral, due_at, dedupe))  # type: ignore[arg-type]


def _schedule_stale(referral: Referral) -> None:
    reminders.cancel(object_id=referral.pk, kinds=[STALE])
    due = referral.last_update_at + timedelta(days=settings.JEJARING_REFERRAL_STALE_DAYS)
    _chase(STALE, referral, due, f"stale:{referral.last_update_at.isoformat()}")


def sent_rows(referral: Referral) -> list[Reminder]:
    """A referral being sent (created in this transaction: none of its reminders exists yet): its notice and
    chasers, not saved (referrals.services writes them with the referral)."""
    escalate_at = referral.sent_at + 2 * (referral.deadline - referral.sent_at)
    return [
        reminders.new_row(**item)
        for item in (
            _notice(SENT, referral),
            _chaser(UNANSWERED, referral, referral.deadline, "unanswered"),
            _chaser(ESCALATED, referral, escalate_at, "escalated"),
            *([_notice(OVERRIDE, referral)] if referral.consent_override else []),
        )
    ]


def answered(referral: Referral) -> None:
    reminders.clear(object_id=referral.pk, kinds=[UNANSWERED, ESCALATED, SENT])
    if referral.status == ReferralStatus.ACCEPTED:
        _tell(ACCEPTED, referral)
        _schedule_stale(referral)
    else:
        _tell(DECLINED, referral)


def closed(referral: Referral) -> None:
    reminders.clear(object_id=referral.pk, kinds=CHASERS)
    _tell(COMPLETED if referral.status == ReferralStatus.COMPLETED else CANCELLED, referral)


def updated(referral: Referral, *, by_receiver: bool) -> None:
    _tell(UPDATED_FOR_SENDER if by_receiver else UPDATED_FOR_RECEIVER, referral)
    if referral.status == ReferralStatus.ACCEPTED and by_receiver:
        reminders.clear(object_id=referral.pk, kinds=[STALE])
        _schedule_stale(referral)


def reassigned(old: Referral) -> None:
    """The old referral of a reassignment: its chasers and notice are done (``reassigned_rows`` tells of the move)."""
    reminders.clear(object_id=old.pk, kinds=[*CHASERS, SENT])


def reassigned_rows(old: Referral, new: Referral) -> list[Reminder]:
    """The notice of a reassignment (due now), not saved."""
    return [reminders.new_row(**_notice(REASSIGNED, old, new_to=new.to_org.code, new_reference=new.reference))]


# --- Recipients ------------------------------------------------------------------------------------------------


def _recipients(batch: list[Reminder]) -> dict[int, list[User]]:
    referrals = Referral.objects.select_related("case").in_bulk([r.object_id for r in batch])
    sender_access = case_access.caseworkers_with_access(list({ref.case_id for ref in referrals.values()}))
    receiver_orgs = {ref.to_org_id for ref in referrals.values()}
    receivers: dict[int, list[User]] = defaultdict(list)
    # The receiving organisation's caseworkers, as the case gate counts them: an inactive organisation has none.
    for user in (
        case_access.active_caseworkers()
        .filter(membership__organisation_id__in=receiver_orgs)
        .select_related("membership")
    ):
        receivers[user.membership.organisation_id].append(user)
    coordinators: list[User] = []
    if any(COORDINATORS in AUDIENCES[r.kind] for r in batch):
        coordinators = list(
            User.objects.filter(is_active=True, membership__role=Role.COORDINATOR, membership__is_active=True)
        )
    result: dict[int, list[User]] = {}
    for reminder in batch:
        referral = referrals.get(reminder.object_id)
        if referral is None:
            continue
        people: list[User] = []
        for audience in AUDIENCES[reminder.kind]:
            if audience == SENDER:
                people += [
                    u
                    for u in sender_access.get(referral.case_id, [])
                    if u.organisation and u.organisation.pk == referral.from_org_id
                ]
            elif audience == RECEIVER:
                people += receivers.get(referral.to_org_id, [])
            else:
                people += coordinators
        result[reminder.pk] = people
    return result


def _still_sent(batch: list[Reminder]) -> set[int]:
    waiting = set(
        Referral.objects.filter(pk__in=[r.object_id for r in batch], status=ReferralStatus.SENT).values_list(
            "pk", flat=True
        )
    )
    return {r.pk for r in batch if r.object_id in waiting}


def _still_accepted(batch: list[Reminder]) -> set[int]:
    going = set(
        Referral.objects.filter(pk__in=[r.object_id for r in batch], status=ReferralStatus.ACCEPTED).values_list(
            "pk", flat=True
        )
    )
    return {r.pk for r in batch if r.object_id in going}


# --- Messages --------------------------------------------------------------------------------------------------


def _services(p: dict[str, object]) -> str:
    names = dict(ServiceType.choices)
    codes: list[str] = list(p.get("services") or [])  # type: ignore[call-overload]
    return ", ".join(str(names.get(code, code)) for code in codes)


def _urgency(p: dict[str, object]) -> str:
    return str(dict(Urgency.choices).get(str(p.get("urgency", "")), ""))


def _deadline(p: dict[str, object]) -> str:
    from datetime import datetime

    value = p.get("deadline")
    return (
        formats.date_format(timezone.localtime(datetime.fromisoformat(str(value))), "DATETIME_FORMAT") if value else ""
    )


MESSAGES = {
    SENT: (
        _("A referral comes to my organisation"),
        lambda p: (
            gettext("New referral %(reference)s from %(from)s: %(services)s (%(urgency)s).")
            % {**p, "services": _services(p), "urgency": _urgency(p)}
        ),
    ),
    ACCEPTED: (
        _("My organisation's referral is accepted"),
        lambda p: gettext("Referral %(reference)s was accepted by %(to)s.") % p,
    ),
    DECLINED: (_("A referral is declined"), lambda p: gettext("Referral %(reference)s was declined by %(to)s.") % p),
    COMPLETED: (_("A referral is completed"), lambda p: gettext("Referral %(reference)s was completed by %(to)s.") % p),
    CANCELLED: (
        _("A referral to my organisation is cancelled"),
        lambda p: gettext("Referral %(reference)s was cancelled by %(from)s.") % p,
    ),
    REASSIGNED: (
        _("A referral is reassigned"),
        lambda p: gettext("A coordinator reassigned referral %(reference)s to %(new_to)s (now %(new_reference)s).") % p,
    ),
    UPDATED_FOR_SENDER: (
        _("The receiving organisation adds an update"),
        lambda p: gettext("%(to)s added an update to referral %(reference)s.") % p,
    ),
    UPDATED_FOR_RECEIVER: (
        _("The referring organisation adds an update"),
        lambda p: gettext("%(from)s added an update to referral %(reference)s.") % p,
    ),
    OVERRIDE: (
        _("A referral is sent without consent"),
        lambda p: (
            gettext(
                "Referral %(reference)s from %(from)s to %(to)s was sent without the person's consent to sharing, "
                "with a recorded reason."
            )
            % p
        ),
    ),
    UNANSWERED: (
        _("A referral waits for my organisation's answer"),
        lambda p: (
            gettext("Referral %(reference)s is waiting for your organisation's answer since %(deadline)s.")
            % {**p, "deadline": _deadline(p)}
        ),
    ),
    ESCALATED: (
        _("A referral has had no answer for twice its deadline"),
        lambda p: (
            gettext("Referral %(reference)s from %(from)s to %(to)s has had no answer for twice its deadline.") % p
        ),
    ),
    STALE: (
        _("An accepted referral has had no update"),
        lambda p: gettext("Nothing has been recorded on referral %(reference)s for %(days)s days.") % p,
    ),
}


def register() -> None:
    still = {UNANSWERED: _still_sent, ESCALATED: _still_sent, STALE: _still_accepted}
    for kind, (label, message) in MESSAGES.items():
        reminders.register(reminders.Rule(kind=kind, recipients=_recipients, still_due=still.get(kind)))
        inbox.register_kind(inbox.Kind(kind, label, message))
    inbox.register_target("referral", lambda pk: reverse("referrals:referral_detail", args=[pk]))
