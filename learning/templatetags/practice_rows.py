"""The rows of the good-practice library (templates/learning/library.html), written in one pass.

Through the template engine each of a page's 25 to 35 rows cost a dozen lookups, two translations and a plural:
more than the rest of the page. ``practice_rows`` writes the markup of templates/learning/_practice_row.html with
``str.format``, every value HTML-escaped (``html.escape``, as Django's ``escape``), each label translated once per
call (tests/learning/test_practice_rows.py holds it equal to the template's).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from core import provinces
from core.dates import Formatter
from core.templatetags.fast_url import fast_reverse
from learning.choices import Topic

register = template.Library()

ROW = (
    '<li class="list-group-item" data-testid="practice-row">\n'
    '  <div class="d-flex flex-wrap gap-2 align-items-baseline">\n'
    "    {pinned}\n"
    '    <a class="fw-semibold" href="{url}">{title}</a>\n'
    '    <span class="badge text-bg-light border">{topic}</span>\n'
    "  </div>\n"
    '  <p class="mb-1 small">{summary}</p>\n'
    '  <p class="mb-0 small text-body-secondary">{organisation}{province} · {published} · {helpful}</p>\n'
    "</li>\n"
)


def _url(pk: Any) -> str:
    return fast_reverse("learning:practice_detail", [pk], None) or reverse("learning:practice_detail", args=[pk])


@register.simple_tag
def practice_rows(*groups: Iterable[Any]) -> SafeString:
    """One ``<li>`` per practice of each group in turn (the pinned ones, then the page)."""
    escape = html.escape
    pinned = f'<span class="badge text-bg-info">{escape(gettext("pinned"))}</span>'
    topics = {value: escape(str(label)) for value, label in Topic.choices}
    helpful: dict[int, str] = {}
    short = Formatter("SHORT_DATE_FORMAT")
    out = []
    for group in groups:
        for practice in group:
            count = practice.helpful_count
            if count not in helpful:
                text = ngettext("%(n)s member found it helpful", "%(n)s members found it helpful", count)
                helpful[count] = escape(text % {"n": count})
            province = provinces.BY_CODE.get(practice.province) if practice.province else None
            published = practice.published_at
            out.append(
                ROW.format(
                    pinned=pinned if practice.pinned else "",
                    url=escape(_url(practice.pk)),
                    title=escape(practice.title),
                    topic=topics.get(practice.topic, escape(practice.topic)),
                    summary=escape(practice.summary),
                    organisation=escape(practice.organisation.name),
                    province=f" · {escape(province.name)}" if province else "",
                    published=escape(short(published)) if published else "",
                    helpful=helpful[count],
                )
            )
    return mark_safe("".join(out))  # noqa: S308  (every value is escaped above)
