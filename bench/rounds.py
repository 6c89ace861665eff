"""The order of a run's measurements, and what each page is compared with.

A page's ratio to the references (the floor, ``/healthz``, and the signed-in baseline) divides its throughput by
theirs. Measured once a round, a reference was up to a whole round (two minutes and more) away from the pages after
it, and this kind of machine drifts by a third in a minute: a page measured in a fast minute against a reference
measured in a slow one (or the other way round) moved its ratio by more than the margins being checked. So each
round measures the references, then a few pages, then the references again, and so on; a page's ratio is to the
references measured just before and just after each of its stretches (``bracketing``), which the same drift reaches
alike. The references' own ratio (the baseline to the floor) is of all their stretches, which are always adjacent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.pages import FLOOR

if TYPE_CHECKING:
    from bench.load import Sample
    from bench.pages import Page

REFERENCES = (FLOOR, "baseline")


def order(selected: list[Page], every: int) -> list[Page]:
    """One round's order: the references, then ``every`` pages at a time, each group followed by the references.
    Without references (or with ``every`` 0), the pages as selected."""
    references = [page for page in selected if page.name in REFERENCES]
    others = [page for page in selected if page.name not in REFERENCES]
    if not references or every <= 0:
        return list(selected)
    found = list(references)
    for start in range(0, len(others), every):
        found += others[start : start + every] + references
    return found


def bracketing(measured: list[tuple[str, Sample]]) -> dict[str, dict[str, list[Sample]]]:
    """For each page that is not a reference, by reference: that reference's stretches just before and just after
    each of the page's own, in the order the run measured them (``measured``: page name and its stretch)."""
    near: dict[str, dict[str, list[Sample]]] = {}
    for index, (name, _sample) in enumerate(measured):
        if name in REFERENCES:
            continue
        for reference in REFERENCES:
            before = next((s for n, s in reversed(measured[:index]) if n == reference), None)
            after = next((s for n, s in measured[index + 1 :] if n == reference), None)
            found = near.setdefault(name, {}).setdefault(reference, [])
            found += [sample for sample in (before, after) if sample is not None]
    return {name: {ref: samples for ref, samples in refs.items() if samples} for name, refs in near.items()}
