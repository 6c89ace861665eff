"""The form renderer: the project's templates (templates/django/forms/), except the select widget, which is written
from Python with the very markup its template gives (core/templatetags/fast_widgets.py). Rendering select.html and
its attrs.html include was most of a filter bar's cost (three selects on the network map: a third of the page beyond
the shell); tests/core/test_fast_widgets.py keeps the markup equal to Django's own templates."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.templatetags.fast_widgets import attrs_html, optgroups_html

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class Renderer(TemplatesSetting):
    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        if template_name == SELECT_TEMPLATE:
            widget = context["widget"]
            name = conditional_escape(widget["name"])
            options = optgroups_html(widget["optgroups"])
            # templates/django/forms/widgets/select.html
            return mark_safe(f'<select name="{name}"{attrs_html(widget["attrs"])}>{options}\n</select>')  # noqa: S308
        return super().render(template_name, context, request)
