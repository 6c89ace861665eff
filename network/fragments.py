"""The figures part of the map and province pages, rendered once per process for each thing asked.

It is the same for every member who asks the same thing: its figures are already under the disclosure rule and change
only with a refresh, and it holds nothing of the user (the shell, the tabs and the refresh status around it are
rendered for each request, and each view is still logged). So it is kept per (template, language, the refresh it
comes from, the rule, the page's parameters); a form with errors is never kept. Rendering the switchers and tables
was half of a network page."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core.memo import Memo
from network import selectors

_BODIES: Memo[SafeString] = Memo()  # 256 parts of a few KB each


def body(template: str, key: tuple[Hashable, ...] | None, context: Callable[[], dict[str, Any]]) -> SafeString:
    """``template`` rendered with ``context()``; kept under ``key`` (None: not kept, e.g. a form with errors)."""
    if key is None:
        return render_to_string(template, context())
    return _BODIES.get((template, get_language() or "", *key), lambda: render_to_string(template, context()))


def key(form: Any, marker: str, *more: Hashable) -> tuple[Hashable, ...] | None:
    """What a page's figures part depends on: the refresh, the rule and the switchers as shown, and ``more`` (None
    when the switchers show an error, which is rendered for that request only)."""
    if form.is_bound and not form.is_valid():
        return None
    shown = (form[name].value() for name in form.fields)
    return (marker, str(selectors.rule()), *(tuple(v) if isinstance(v, list) else v for v in shown), *more)
