"""Country selects that do not carry every country in the page.

The intake has three country lists (nationality, transit countries, destination), about 10 KB of HTML each, and HTML
is not compressed (BREACH). Nationality carries them all; the destination and the transit countries carry only the
common destinations and whatever is chosen, and static/jejaring/intake.js fills in the rest from the nationality list
(the same names in the reader's language, in the same order) when the page loads. Without the script, the form's
"Show all countries" button sends what is typed back and the server shows the form again with every country. The
field's choices (what the form accepts) are always every country.
"""

from __future__ import annotations

from typing import Any

from django import forms

# Where people from Indonesia are most often taken or sent (and Indonesia itself), besides the chosen ones.
COMMON_DESTINATIONS = frozenset(
    {"ID", "MY", "SA", "AE", "HK", "TW", "SG", "KH", "MM", "TH", "PH", "LA", "JP", "KR", "CN", "QA", "BN", "TL",
     "TR", "OM", "KW", "JO", "BH", "AU"}
)  # fmt: skip
FILLED_FROM = "id_nationality"


class _ShortCountries:
    """Renders only the common destinations and the chosen values, unless ``short`` is switched off."""

    short = True

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        groups: list[Any] = super().optgroups(name, value, attrs)
        if not self.short:
            return groups
        shown = COMMON_DESTINATIONS | {str(item) for item in value if item is not None}
        kept = []
        for group, options, index in groups:
            options = [o for o in options if o["value"] in ("", None) or str(o["value"]) in shown]
            if options:
                kept.append((group, options, index))
        return kept

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if self.short:
            attrs = {**(attrs or {}), "data-countries-from": FILLED_FROM}
        context: dict[str, Any] = super().get_context(name, value, attrs)
        return context


class CountrySelect(_ShortCountries, forms.Select):
    pass


class CountrySelectMultiple(_ShortCountries, forms.SelectMultiple):
    pass
