"""Form widgets rendered faster than one template include per option (templates/django/forms/widgets/select.html).

A select of the 50 organisations or the 38 provinces rendered Django's way includes ``select_option.html`` and
``attrs.html`` once per option: on the coordinators' queue, with its five selects, that was two thirds of the page's
rendering. ``options_html`` writes the same markup from Python, escaped the same way; an option with a template of
its own still goes through it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def attrs_html(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        )
    return "".join(out)


@register.simple_tag
def options_html(options: list[dict[str, Any]]) -> SafeString:
    """Each option as ``select_option.html`` renders it (with the newline that ends that file), each after a newline
    and two spaces, as select.html's include writes them."""
    out = []
    for option in options:
        if option.get("template_name", OPTION_TEMPLATE) != OPTION_TEMPLATE:
            out.append("\n  " + render_to_string(option["template_name"], {"widget": option}))
            continue
        value = conditional_escape(str(option["value"]))
        label = conditional_escape(option["label"])
        # select_option.html's own last newline follows each option
        out.append(f'\n  <option value="{value}"{attrs_html(option["attrs"])}>{label}</option>\n')
    return mark_safe("".join(out))  # noqa: S308  (every part is escaped above)


@register.simple_tag
def optgroups_html(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    """The whole of a select's ``widget.optgroups`` as select.html's loop wrote it: Django makes each ungrouped
    option a group of its own, so a loop in the template ran once per option."""
    out = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        out.append(options_html(group_choices))
        if group_name:
            out.append("\n  </optgroup>")
    return mark_safe("".join(out))  # noqa: S308  (escaped above and in options_html)


@register.simple_tag
def choice_options(choices: Any, selected: Any) -> SafeString:
    """``<option>``s of a plain ``(value, label)`` list, the one equal to ``selected`` marked: what a template loop
    with an ``{% if %}`` per option writes, without the loop (a filter bar's topics, provinces and organisations)."""
    chosen = str(selected if selected is not None else "")
    out = []
    for value, label in choices:
        text = str(value)
        mark = " selected" if text == chosen else ""
        out.append(f'<option value="{conditional_escape(text)}"{mark}>{conditional_escape(label)}</option>')
    return mark_safe("".join(out))  # noqa: S308  (every part is escaped above)
