"""The library's rows are written from Python (learning/templatetags/practice_rows.py): the same markup as the
template row they replace, every value escaped, in both languages."""

import re
import uuid
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import Organisation
from learning.choices import Topic
from learning.models import Practice

# templates/learning/_practice_row.html as it was (the reference markup).
ROW_LOOP = """{% load i18n %}{% for practice in practices %}<li class="list-group-item" data-testid="practice-row">
  <div class="d-flex flex-wrap gap-2 align-items-baseline">
    {% if practice.pinned %}<span class="badge text-bg-info">{% translate "pinned" %}</span>{% endif %}
    <a class="fw-semibold" href="{% url 'learning:practice_detail' practice.pk %}">{{ practice.title }}</a>
    <span class="badge text-bg-light border">{{ practice.topic_label }}</span>
  </div>
  <p class="mb-1 small">{{ practice.summary }}</p>
  <p class="mb-0 small text-body-secondary">{{ practice.organisation.name }}{% if practice.province %} · {{ practice.province_name }}{% endif %} · {{ practice.published_at|date:"SHORT_DATE_FORMAT" }} · {% blocktranslate count n=practice.helpful_count %}{{ n }} member found it helpful{% plural %}{{ n }} members found it helpful{% endblocktranslate %}</p>
</li>{% endfor %}"""


def _normalised(markup: str) -> str:
    return re.sub(r"\s+", " ", markup).replace("> <", "><").strip()


def _practices() -> list[Practice]:
    organisation = Organisation(name='Yayasan "Rekaan" <b>&</b>', code="REK")
    hostile = "<script>alert(\"x\")</script> & 'quoted'"
    rows = []
    for index, (pinned, province, helpful) in enumerate([(True, "53", 1), (False, "", 0), (False, "31", 7)]):
        practice = Practice(
            id=uuid.uuid4(),
            title=f"Praktik {index} {hostile}",
            summary=f"Ringkasan {hostile}",
            topic=list(Topic.values)[index],
            province=province,
            pinned=pinned,
            helpful_count=helpful,
            published_at=datetime(2026, 11, 30, 20, 30, tzinfo=UTC),  # 1 December in WIB
        )
        practice.organisation = organisation
        rows.append(practice)
    return rows


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_library_rows_are_the_template_rows_markup(language):
    from learning.templatetags.practice_rows import practice_rows

    practices = _practices()
    with translation.override(language):
        expected = Template(ROW_LOOP).render(Context({"practices": practices}))
        written = str(practice_rows(practices[:1], practices[1:]))
    assert _normalised(written) == _normalised(expected)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert "01-12-2026" in written or "01/12/2026" in written, "the date is the local (WIB) day"
