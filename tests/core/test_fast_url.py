"""``{% url %}`` (core/templatetags/fast_url.py, a template builtin) writes exactly what ``reverse()`` writes."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation

from core.templatetags.fast_url import fast_reverse


def render(source: str, **values) -> str:
    return Template(source).render(Context(values))


def named_patterns_with_one_argument() -> list[tuple[str, str]]:
    """(name, converter) of every named URL of the project that takes one int or UUID."""
    found = []
    resolver = get_resolver()

    def walk(patterns, namespace=""):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif entry.name:
                converters = list(entry.pattern.converters.values())
                names = [type(c).__name__ for c in converters]
                if names in (["UUIDConverter"], ["IntConverter"]):
                    found.append((f"{namespace}{entry.name}", names[0]))

    walk(resolver.url_patterns)
    return found


PATTERNS = named_patterns_with_one_argument()


def test_there_are_patterns_to_compare():
    assert len(PATTERNS) >= 5


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("name", "converter"), PATTERNS)
def test_each_url_is_what_reverse_writes(name, converter, language):
    values = [uuid.uuid4(), uuid.UUID(int=0)] if converter == "UUIDConverter" else [0, 7, 10**12]
    with translation.override(language):
        for value in values:
            expected = reverse(name, args=[value])
            assert fast_reverse(name, [value], None) == expected
            assert render("{% url name value %}", name=name, value=value) == expected
            assert render("{% url name value %}", name=name, value=value) == expected  # from the table, again


def test_other_arguments_go_through_djangos_tag():
    assert fast_reverse("notifications:open", [-1], None) is None
    assert fast_reverse("notifications:open", ["7"], None) is None
    assert fast_reverse("notifications:open", [True], None) is None
    assert render("{% url 'notifications:open' '7' %}") == reverse("notifications:open", args=["7"])
    assert render("{% url 'notifications:open' notification_id=7 %}") == reverse("notifications:open", args=[7])
    assert (
        render("{% url 'notifications:open' 7 as link %}[{{ link }}]") == f"[{reverse('notifications:open', args=[7])}]"
    )
    assert render("{% url 'home' %}") == reverse("home")


def test_a_wrong_kind_of_argument_still_fails_as_before():
    with pytest.raises(NoReverseMatch):
        render("{% url 'notifications:open' value %}", value=uuid.uuid4())
    with pytest.raises(NoReverseMatch):
        render("{% url 'nowhere' 1 %}")


def test_the_url_is_escaped_like_any_value():
    assert render("{% url 'notifications:open' 7 %}") == reverse("notifications:open", args=[7])


def test_fast_url_in_python_is_what_reverse_writes_with_and_without_arguments():
    from core.templatetags.fast_url import fast_url

    for name in ("home", "casework:case_list", "referrals:inbox", "accounts:account"):
        assert fast_url(name) == reverse(name)
        assert fast_url(name) == reverse(name)  # from the table, again
    case_id = uuid.uuid4()
    assert fast_url("casework:case_detail", case_id) == reverse("casework:case_detail", args=[case_id])
    assert fast_url("notifications:open", "7") == reverse("notifications:open", args=["7"])  # Django's own way
