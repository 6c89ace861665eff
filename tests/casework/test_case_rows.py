"""The case list's rows are written from Python (casework/templatetags/case_rows.py): the same markup as the
template loop it replaces, every value escaped, in both languages."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import Organisation, User
from casework.models import Case

# The loop as templates/casework/_case_rows.html wrote it before (the reference markup), except for a case without
# an assigned caseworker, on which the old loop raised (a filter's argument, ``case.assigned_to.username``, of None).
ROWS_LOOP = """{% load i18n %}{% for case in cases %}
<tr>
  <td data-label="{% translate "Reference" %}"><a href="{% url 'casework:case_detail' case.pk %}" class="fw-semibold">{{ case.reference }}</a>{% if case.is_restricted %} <span class="badge text-bg-dark">{% translate "Restricted" %}</span>{% endif %}{% if case.owner_id != user.organisation.pk %} <span class="badge text-bg-info">{{ case.owner.code }}</span>{% endif %}</td>
  <td data-label="{% translate "Status" %}">{{ case.get_status_display }}</td>
  <td data-label="{% translate "Risk" %}">{{ case.get_risk_level_display }}</td>
  <td data-label="{% translate "Assigned to" %}">{% if case.assigned_to %}{{ case.assigned_to.get_full_name|default:case.assigned_to.username|default:"—" }}{% else %}—{% endif %}</td>
  <td data-label="{% translate "Next follow-up" %}">{% if case.next_follow_up %}{% if case.next_follow_up <= today and case.status != 'closed' %}<span class="text-danger fw-semibold">{{ case.next_follow_up|date:"SHORT_DATE_FORMAT" }} · {% translate "due" %}</span>{% else %}{{ case.next_follow_up|date:"SHORT_DATE_FORMAT" }}{% endif %}{% else %}—{% endif %}</td>
  <td data-label="{% translate "Opened" %}">{{ case.created_at|date:"SHORT_DATE_FORMAT" }}</td>
</tr>
{% endfor %}
"""


def _normalised(markup: str) -> str:
    return re.sub(r"\s+", " ", markup).strip()


def _cases() -> tuple[list[Case], Organisation]:
    own, other = Organisation(id=1, code="OWN"), Organisation(id=2, code="B\"<&>'Org")
    named = User(username="pendamping<1>", first_name="Sari & <Dewi>", last_name="Rekaan")
    bare = User(username="tanpa'nama")
    today = date(2026, 12, 6)
    found = []
    for number, (status, risk, follow_up, owner, assigned, restricted) in enumerate(
        [
            ("open", "high", today - timedelta(days=2), own, named, False),  # due
            ("closed", "low", today - timedelta(days=2), other, None, True),  # closed: not marked due
            ("active", "medium", today, own, bare, True),  # due today
            ("follow_up", "high", today + timedelta(days=3), other, named, False),
            ("open", "low", None, own, None, False),
        ]
    ):
        found.append(
            Case(
                id=uuid.uuid4(),
                reference=f"<C&{number}>",
                owner=owner,
                assigned_to=assigned,
                status=status,
                risk_level=risk,
                next_follow_up=follow_up,
                is_restricted=restricted,
                created_at=datetime(2026, 12, 5, 20 + number % 4, 30, tzinfo=UTC),  # 03:30 WIB, next day
            )
        )
    return found, own


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_rows_of_the_case_list_are_the_template_loops_markup(language):
    cases, own = _cases()
    context = {"cases": cases, "user": {"organisation": own}, "today": date(2026, 12, 6)}
    with translation.override(language):
        ours = Template("{% load case_rows %}{% case_rows cases user.organisation.pk today %}").render(Context(context))
        theirs = Template(ROWS_LOOP).render(Context(context))
    assert _normalised(ours) == _normalised(theirs)
    assert "&lt;C&amp;0&gt;" in ours and "<C&" not in ours
    assert "B&quot;&lt;&amp;&gt;&#x27;Org" in ours and "Sari &amp; &lt;Dewi&gt; Rekaan" in ours
    assert ours.count("text-danger") == 2  # the open case overdue and the one due today; not the closed one
