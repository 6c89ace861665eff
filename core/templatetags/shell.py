"""The page's shell around every page's content (templates/base.html): the navigation bar with the user's menu, and
the footer with the language switcher, written from Python.

Through the template engine the shell was half of a trivial signed-in page (a loop over the navigation, twenty
translated strings, fifty conditions, two CSRF fields): every page paid it. ``shell_header`` and ``shell_footer``
write the same markup with ``str.format``, every value escaped (``html.escape``, as Django's ``escape``), the labels
translated in the active language. tests/core/test_shell.py compares them with the template markup they replace,
in both languages, signed in and out.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from core.templatetags.fast_url import fast_url

register = template.Library()

HEADER = """<header class="no-print">
    <nav class="navbar navbar-expand-md navbar-dark bg-jejaring" aria-label="{l_navigation}">
      <div class="container-fluid">
        <a class="navbar-brand fw-semibold" href="{home}">Jejaring</a>
{menu}      </div>
    </nav>
  </header>"""

MENU = """        <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#nav-main"
                aria-controls="nav-main" aria-expanded="false" aria-label="{l_open}">
          <span class="navbar-toggler-icon"></span>
        </button>
        <div class="collapse navbar-collapse" id="nav-main">
          <ul class="navbar-nav me-auto">
{items}          </ul>
          <ul class="navbar-nav">
            <li class="nav-item dropdown">
              <button class="nav-link dropdown-toggle btn btn-link" type="button" data-bs-toggle="dropdown" aria-expanded="false" id="user-menu">
                {username}{org_code}
              </button>
              <ul class="dropdown-menu dropdown-menu-end" aria-labelledby="user-menu">
                <li><span class="dropdown-item-text small text-body-secondary">{role}{org_name}</span></li>
                <li><a class="dropdown-item" href="{account}">{l_account}</a></li>
                <li><a class="dropdown-item" href="{password}">{l_password}</a></li>
                <li><hr class="dropdown-divider"></li>
                <li>
                  <form method="post" action="{logout}">{csrf}
                    <button class="dropdown-item" type="submit" data-testid="sign-out">{l_sign_out}</button>
                  </form>
                </li>
              </ul>
            </li>
          </ul>
        </div>
"""  # noqa: E501

ITEM = """            <li class="nav-item">
              <a class="nav-link{active}" href="{url}"{current}>
                {label}{badge}
              </a>
            </li>
"""

BADGE = (
    ' <span class="badge rounded-pill text-bg-warning" data-testid="nav-badge">{count}'
    '<span class="visually-hidden"> {l_unread}</span></span>'
)

FOOTER = """<footer class="no-print container py-3 border-top small text-body-secondary d-flex flex-wrap gap-3 justify-content-between align-items-center">
    <span>{l_confidential}</span>
    <form method="post" action="{action}" class="d-flex gap-2 align-items-center" data-testid="language-switcher">
      {csrf}
      <input type="hidden" name="next" value="{next}">
      <label for="language-select" class="form-label mb-0">{l_language}</label>
      <select id="language-select" name="language" class="form-select form-select-sm w-auto">
{options}      </select>
      <button type="submit" class="btn btn-sm btn-outline-secondary">{l_change}</button>
    </form>
  </footer>"""  # noqa: E501

CONFIDENTIAL = gettext_noop("Jejaring keeps victims' data confidential. Open only what your work needs.")
OPTION = '        <option value="{code}" lang="{code}"{selected}>{name}</option>\n'


ASSETS = {
    "": (
        '<link rel="stylesheet" href="{vendor/bootstrap/bootstrap.purged.min.css}">\n'
        '  <link rel="stylesheet" href="{jejaring/site.css}">\n'
        '  <link rel="stylesheet" href="{jejaring/print.css}" media="print">\n'
        '  <link rel="icon" href="{jejaring/favicon.svg}" type="image/svg+xml">\n'
        '  <script src="{vendor/htmx/htmx.min.js}" defer></script>\n'
        '  <script src="{vendor/bootstrap/bootstrap.bundle.min.js}" defer></script>\n'
        '  <script src="{jejaring/site.js}" defer></script>'
    ),
    "forms": '<script src="{jejaring/forms.js}" defer></script>',
}


@functools.cache
def _assets(group: str) -> str:
    """The group's stylesheet and script tags, each file's address as ``{% static %}`` gives it (the same for the
    whole life of the process: the files are collected before it starts)."""
    return re.sub(r"\{([^}]+)\}", lambda name: html.escape(static(name.group(1))), ASSETS[group])


@register.simple_tag
def shell_assets(group: str = "") -> SafeString:
    """The stylesheets and scripts of every page, in the head (``group`` "", before a page's own, and "forms")."""
    return mark_safe(_assets(group))  # noqa: S308  (each address is escaped in _assets)


def _csrf(context: Any) -> str:
    """What ``{% csrf_token %}`` writes."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{html.escape(str(token))}">'


def _menu(context: Any, user: Any) -> str:
    escape = html.escape
    badge_text = escape(gettext("unread"))
    items = []
    for item in context.get("nav_items") or []:
        active = bool(item["active"])
        items.append(
            ITEM.format(
                active=" active" if active else "",
                url=escape(str(item["url"])),
                current=' aria-current="page"' if active else "",
                label=escape(str(item["label"])),
                badge=BADGE.format(count=escape(str(item["badge"])), l_unread=badge_text) if item["badge"] else "",
            )
        )
    organisation = user.organisation
    membership = user.active_membership
    return MENU.format(
        l_open=escape(gettext("Open the menu")),
        items="".join(items),
        username=escape(user.get_username()),
        org_code=f" · {escape(organisation.code)}" if organisation else "",
        role=escape(str(membership.get_role_display() or "")) if membership else "",
        org_name=f" · {escape(organisation.name)}" if organisation else "",
        account=escape(fast_url("accounts:account")),
        l_account=escape(gettext("My account")),
        password=escape(fast_url("accounts:password_change")),
        l_password=escape(gettext("Change password")),
        logout=escape(fast_url("accounts:logout")),
        csrf=_csrf(context),
        l_sign_out=escape(gettext("Sign out")),
    )


@register.simple_tag(takes_context=True)
def shell_header(context: Any) -> SafeString:
    """The navigation bar: the brand, and for a signed-in user the sections of the role and the user's menu."""
    user = context.get("user")
    menu = _menu(context, user) if user is not None and user.is_authenticated else ""
    return mark_safe(  # noqa: S308  (every value is escaped above)
        HEADER.format(
            l_navigation=html.escape(gettext("Main navigation")), home=html.escape(fast_url("home")), menu=menu
        )
    )


@register.simple_tag(takes_context=True)
def shell_footer(context: Any) -> SafeString:
    """The confidentiality reminder and the language switcher, which comes back to the same page."""
    escape = html.escape
    request = context.get("request")
    current = get_language()
    options = "".join(
        OPTION.format(code=escape(code), selected=" selected" if code == current else "", name=escape(str(name)))
        for code, name in settings.LANGUAGES
    )
    return mark_safe(  # noqa: S308  (every value is escaped above)
        FOOTER.format(
            l_confidential=escape(gettext(CONFIDENTIAL)),
            action=escape(fast_url("accounts:set_language")),
            csrf=_csrf(context),
            next=escape(request.get_full_path()) if request is not None else "",
            l_language=escape(gettext("Language")),
            options=options,
            l_change=escape(gettext("Change")),
        )
    )
