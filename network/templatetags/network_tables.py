"""Long tables of the network pages written in one pass (the needs page's declined signals: a row per province and
service, several hundred), every value HTML-escaped as the template engine escapes it."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.memo import Derived, Memo
from network.selectors import gap_texts

register = template.Library()
_TABS: Memo[SafeString] = Memo()
_DERIVED: Derived[SafeString] = Derived()


@register.simple_tag(takes_context=True)
def network_tabs(context: template.Context) -> SafeString:
    """The network pages' tabs (templates/network/_tabs_nav.html), rendered once per language and path: they hold
    nothing else (six links, the current one marked), and rendering them was a tenth of a network page."""
    path = context["request"].path
    return _TABS.get(
        (get_language() or "", path), lambda: render_to_string("network/_tabs_nav.html", {"request_path": path})
    )


@register.simple_tag
def declined_rows(rows: list[dict[str, Any]]) -> SafeString:
    """``<tr>`` per row of network.selectors.needs_signals()["declined"]: province, service, the figure. The rows are
    the same list until the next refresh (selectors._declined_rows): written once per language."""
    escape = html.escape
    return _DERIVED.get(
        rows,
        lambda: mark_safe(  # noqa: S308  (every value is escaped)
            "".join(
                f"<tr><td>{escape(str(row['province']))}</td><td>{escape(str(row['service']))}</td>"
                f'<td class="text-end">{escape(str(row["figure"]))}</td></tr>'
                for row in rows
            )
        ),
    )


@register.simple_tag
def gap_items(found: list[dict[str, Any]]) -> SafeString:
    """``<li>`` per gap of network.selectors.gaps() as its sentence (selectors.gap_texts), escaped: the same list
    until the next refresh or a change of what the members offer, written once per language."""
    return _DERIVED.get(found, lambda: list_items(gap_texts(found)))


@register.simple_tag
def list_items(values: Iterable[Any]) -> SafeString:
    """``<li>`` per value, escaped (the needs page's gaps and its own high-risk cases, a few hundred at a time)."""
    escape = html.escape
    return mark_safe("".join(f"<li>{escape(str(value))}</li>" for value in values))  # noqa: S308  (escaped)
