"""The shell written from Python (core/templatetags/shell.py) is the markup templates/base.html wrote with the
template engine: the navigation bar and user menu, the footer and its language switcher, in both languages, signed in
(with an unread badge) and out, every value escaped."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification

# templates/base.html's header and footer before they were written from Python (the reference markup).
HEADER = """{% load i18n %}  <header class="no-print">
    <nav class="navbar navbar-expand-md navbar-dark bg-jejaring" aria-label="{% translate 'Main navigation' %}">
      <div class="container-fluid">
        <a class="navbar-brand fw-semibold" href="{% url 'home' %}">Jejaring</a>
        {% if user.is_authenticated %}
        <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#nav-main"
                aria-controls="nav-main" aria-expanded="false" aria-label="{% translate 'Open the menu' %}">
          <span class="navbar-toggler-icon"></span>
        </button>
        <div class="collapse navbar-collapse" id="nav-main">
          <ul class="navbar-nav me-auto">
            {% for item in nav_items %}
            <li class="nav-item">
              <a class="nav-link{% if item.active %} active{% endif %}" href="{{ item.url }}"{% if item.active %} aria-current="page"{% endif %}>
                {{ item.label }}{% if item.badge %} <span class="badge rounded-pill text-bg-warning" data-testid="nav-badge">{{ item.badge }}<span class="visually-hidden"> {% translate "unread" %}</span></span>{% endif %}
              </a>
            </li>
            {% endfor %}
          </ul>
          <ul class="navbar-nav">
            <li class="nav-item dropdown">
              <button class="nav-link dropdown-toggle btn btn-link" type="button" data-bs-toggle="dropdown" aria-expanded="false" id="user-menu">
                {{ user.get_username }}{% if user.organisation %} · {{ user.organisation.code }}{% endif %}
              </button>
              <ul class="dropdown-menu dropdown-menu-end" aria-labelledby="user-menu">
                <li><span class="dropdown-item-text small text-body-secondary">{{ user.active_membership.get_role_display|default:"" }}{% if user.organisation %} · {{ user.organisation.name }}{% endif %}</span></li>
                <li><a class="dropdown-item" href="{% url 'accounts:account' %}">{% translate "My account" %}</a></li>
                <li><a class="dropdown-item" href="{% url 'accounts:password_change' %}">{% translate "Change password" %}</a></li>
                <li><hr class="dropdown-divider"></li>
                <li>
                  <form method="post" action="{% url 'accounts:logout' %}">{% csrf_token %}
                    <button class="dropdown-item" type="submit" data-testid="sign-out">{% translate "Sign out" %}</button>
                  </form>
                </li>
              </ul>
            </li>
          </ul>
        </div>
        {% endif %}
      </div>
    </nav>
  </header>"""
FOOTER = """{% load i18n %}{% get_current_language as LANGUAGE_CODE %}  <footer class="no-print container py-3 border-top small text-body-secondary d-flex flex-wrap gap-3 justify-content-between align-items-center">
    <span>{% translate "Jejaring keeps victims' data confidential. Open only what your work needs." %}</span>
    <form method="post" action="{% url 'accounts:set_language' %}" class="d-flex gap-2 align-items-center" data-testid="language-switcher">
      {% csrf_token %}
      <input type="hidden" name="next" value="{{ request.get_full_path }}">
      <label for="language-select" class="form-label mb-0">{% translate "Language" %}</label>
      <select id="language-select" name="language" class="form-select form-select-sm w-auto">
        {% for code, name in languages %}
        <option value="{{ code }}" lang="{{ code }}"{% if code == LANGUAGE_CODE %} selected{% endif %}>{{ name }}</option>
        {% endfor %}
      </select>
      <button type="submit" class="btn btn-sm btn-outline-secondary">{% translate "Change" %}</button>
    </form>
  </footer>"""


def _normalised(markup: str) -> str:
    return re.sub(r"\s+", " ", markup).strip()


def _context_of(response):
    flat = {}
    for layer in response.context:
        flat.update(layer.flatten() if hasattr(layer, "flatten") else layer)
    return flat


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("who", ["anonymous", "alice", "carol", "dave"])
def test_the_shell_is_the_template_markup(request, client, client_for, language, who):
    path = reverse("accounts:login") if who == "anonymous" else reverse("accounts:account")
    if who == "anonymous":
        browser = client
    else:
        user = request.getfixturevalue(who)
        Notification.objects.create(recipient=user, kind="test", object_ref="<R&1>")
        browser = client_for(user)
    browser.cookies["django_language"] = language
    with translation.override(language):
        if who != "anonymous":  # a page of the navigation itself, marked active
            items = browser.get(path).context["nav_items"]
            assert items
            path = str(items[0]["url"])
        response = browser.get(path + '?next=/cases/?q="<x>"&a=1')
        assert who == "anonymous" or any(item["active"] for item in response.context["nav_items"])
        context = _context_of(response)
        for reference, tag in ((HEADER, "shell_header"), (FOOTER, "shell_footer")):
            theirs = Template(reference).render(Context(context))
            ours = Template("{% load shell %}{% " + tag + " %}").render(Context(context))
            assert _normalised(ours) == _normalised(theirs), tag
            assert _normalised(ours) in _normalised(response.content.decode())
    html = response.content.decode()
    assert '"<x>"' not in html
    if who != "anonymous":
        assert 'data-testid="sign-out"' in html and 'name="csrfmiddlewaretoken"' in html


HEAD = """{% load static %}  <link rel="stylesheet" href="{% static 'vendor/bootstrap/bootstrap.purged.min.css' %}">
  <link rel="stylesheet" href="{% static 'jejaring/site.css' %}">
  <link rel="stylesheet" href="{% static 'jejaring/print.css' %}" media="print">
  <link rel="icon" href="{% static 'jejaring/favicon.svg' %}" type="image/svg+xml">
  <script src="{% static 'vendor/htmx/htmx.min.js' %}" defer></script>
  <script src="{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}" defer></script>
  <script src="{% static 'jejaring/site.js' %}" defer></script>
{% comment %}the page's own{% endcomment %}
  <script src="{% static 'jejaring/forms.js' %}" defer></script>"""


def test_the_assets_are_the_static_tags_markup():
    ours = Template(
        "{% load shell %}  {% shell_assets %}\n{% comment %}the page's own{% endcomment %}\n  {% shell_assets 'forms' %}"
    ).render(Context({}))
    theirs = Template(HEAD).render(Context({}))
    assert ours == theirs and ours.count("<script") == 4 and ours.count("<link") == 4
