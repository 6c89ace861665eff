"""The referrals tables' rows are written from Python (referrals/templatetags/referral_tables.py): the same markup as
the template loops they replace, every value escaped, in both languages."""

import re
import uuid
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from accounts.choices import ServiceType
from accounts.models import Organisation
from core.provinces import CHOICES as PROVINCES
from referrals.models import Referral

# The loops as templates/referrals/_table.html and queue.html wrote them before (the reference markup).
TABLE_LOOP = """{% load i18n %}{% for referral in referrals %}
  <tr>
    <td data-label="{% translate "Referral" %}"><a href="{% url 'referrals:referral_detail' referral.pk %}" class="fw-semibold">{{ referral.reference }}</a></td>
    <td data-label="{% translate "From" %}">{{ referral.from_org.code }}</td><td data-label="{% translate "To" %}">{{ referral.to_org.code }}</td>
    <td data-label="{% translate "Urgency" %}">{% if referral.urgency == "emergency" %}<span class="badge text-bg-danger">{{ referral.urgency_label }}</span>{% else %}{{ referral.urgency_label }}{% endif %}</td>
    <td data-label="{% translate "Status" %}">{{ referral.status_label }}</td>
    <td data-label="{% translate "Answer expected by" %}">{% if referral.is_overdue %}<span class="text-danger fw-semibold">{{ referral.deadline|date:"SHORT_DATETIME_FORMAT" }} · {% translate "overdue" %}</span>{% else %}{{ referral.deadline|date:"SHORT_DATETIME_FORMAT" }}{% endif %}</td>
  </tr>
{% endfor %}"""
QUEUE_LOOP = """{% load i18n jejaring %}{% for row in rows %}{% with referral=row.referral %}
  <tr class="{% if row.declined_emergency %}table-danger{% elif referral.is_overdue %}table-warning{% endif %}"{% if row.declined_emergency %} data-testid="declined-emergency"{% endif %}>
    <td data-label="{% translate "Referral" %}"><span><a href="{% url 'referrals:referral_detail' referral.pk %}" class="fw-semibold">{{ referral.reference }}</a>{% if row.declined_emergency %} <span class="badge text-bg-danger">{% translate "Emergency declined: reassign now" %}</span>{% endif %}{% if referral.consent_override %} <span class="badge text-bg-warning">{% translate "without consent" %}</span>{% endif %}</span></td>
    <td data-label="{% translate "From" %} → {% translate "To" %}">{{ referral.from_org.code }} → {{ referral.to_org.code }}</td>
    <td data-label="{% translate "Services requested" %}">{{ row.services|join:", " }}</td>
    <td data-label="{% translate "Urgency" %}">{% if referral.urgency == "emergency" %}<span class="badge text-bg-danger">{{ referral.get_urgency_display }}</span>{% else %}{{ referral.get_urgency_display }}{% endif %}</td>
    <td data-label="{% translate "Status" %}">{{ referral.status_label }}</td>
    <td data-label="{% translate "Waited" %}">{{ referral.waited|duration }} / {{ referral.allowed_time|duration }}{% if referral.is_overdue %} · <strong class="text-danger">{% translate "overdue" %}</strong>{% endif %}</td>
    <td data-label="{% translate "Province of origin" %}">{{ row.province }}</td>
  </tr>
  {% endwith %}{% endfor %}"""


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _referrals() -> list[Referral]:
    now = timezone.now()
    sender, receiver = Organisation(code='A"<&>'), Organisation(code="B'Org")
    found = []
    for number, (urgency, status, hours, override) in enumerate(
        [
            ("emergency", "sent", -5, False),  # overdue
            ("urgent", "accepted", -5, True),
            ("routine", "declined", 30, False),
            ("emergency", "declined", 2, True),
        ]
    ):
        referral = Referral(
            id=uuid.uuid4(),
            reference=f"<R&{number}>",
            from_org=sender,
            to_org=receiver,
            urgency=urgency,
            status=status,
            sent_at=now - timedelta(days=2, hours=number),
            deadline=now + timedelta(hours=hours),
            consent_override=override,
        )
        found.append(referral)
    found[1].from_code, found[1].to_code = sender.code, receiver.code  # as selectors.with_codes annotates them
    return found


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_rows_of_a_referrals_table_are_the_template_loops_markup(language):
    referrals = _referrals()
    with translation.override(language):
        ours = Template("{% load referral_tables %}{% referral_rows referrals %}").render(
            Context({"referrals": referrals})
        )
        theirs = Template(TABLE_LOOP).render(Context({"referrals": referrals}))
    assert _normalised(ours) == _normalised(theirs)
    assert "&lt;R&amp;0&gt;" in ours and "A&quot;&lt;&amp;&gt;" in ours and "B&#x27;Org" in ours
    assert "<R&" not in ours


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_rows_of_the_queue_are_the_template_loops_markup(language):
    """A row shows of the summary the services, the urgency and the province of origin, by their labels."""
    referrals = _referrals()
    for referral, province in zip(referrals, ["53", "", "31", "94"], strict=True):
        referral.services = ["shelter", "legal_aid"]
        referral.province = province  # as referrals.queue.Row reads it with the page
    provinces = dict(PROVINCES)
    with translation.override(language):
        rows = [
            {"referral": r, "declined_emergency": r.status == "declined" and r.urgency == "emergency"}
            for r in referrals
        ]
        ours = Template("{% load referral_tables %}{% queue_rows rows %}").render(Context({"rows": rows}))
        services = [str(label) for code, label in ServiceType.choices if code in ("shelter", "legal_aid")]
        reference = [
            {**row, "services": services, "province": provinces.get(row["referral"].province, "—")} for row in rows
        ]
        theirs = Template(QUEUE_LOOP).render(Context({"rows": reference}))
    assert _normalised(ours) == _normalised(theirs)
    assert 'data-testid="declined-emergency"' in ours and "table-warning" in ours
    assert "Nusa Tenggara Timur" in ours and "—" in ours
    assert ("Bantuan hukum" if language == "id" else "Legal aid") in ours
