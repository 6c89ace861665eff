"""The bench's order of measurements: each page between two measurements of the references, and its ratios to the
references measured around it (bench/rounds.py)."""

from types import SimpleNamespace

from bench import rounds
from bench.load import Sample, summarise
from bench.report import _ratio


def _pages(*names):
    return [SimpleNamespace(name=name) for name in names]


def _names(pages):
    return [page.name for page in pages]


def test_the_references_come_back_after_every_few_pages():
    selected = _pages("healthz", "baseline", "a", "b", "c", "d", "e")
    assert _names(rounds.order(selected, 2)) == [
        "healthz", "baseline", "a", "b", "healthz", "baseline", "c", "d", "healthz", "baseline", "e", "healthz",
        "baseline",
    ]  # fmt: skip
    assert _names(rounds.order(selected, 0)) == _names(selected)
    assert _names(rounds.order(_pages("a", "b"), 1)) == ["a", "b"]  # no reference: as selected


def _sample(requests, seconds=1.0):
    return Sample(seconds, [0.01] * requests, {})


def test_a_page_is_compared_with_the_references_just_around_it():
    fast_base, slow_base, other_base = _sample(400), _sample(200), _sample(1000)
    page = _sample(100)
    measured = [
        ("baseline", other_base),
        ("x", _sample(1)),
        ("baseline", fast_base),
        ("page", page),
        ("baseline", slow_base),
        ("y", _sample(1)),
        ("baseline", other_base),
    ]
    near = rounds.bracketing(measured)
    assert near["page"]["baseline"] == [fast_base, slow_base]
    assert "healthz" not in near["page"]  # none measured: the whole run's is used instead
    results = {"page": summarise("page", [page]), "baseline": summarise("baseline", [other_base, fast_base])}
    bracket = {name: {ref: summarise(ref, found) for ref, found in refs.items()} for name, refs in near.items()}
    assert _ratio(results, "page", "baseline", bracket) == 100 / 300  # (400 + 200) / 2 seconds around it
    assert _ratio(results, "page", "baseline") == 100 / 700  # without: the reference over the whole run


def test_every_stretch_of_a_page_has_a_reference_before_and_after_it():
    selected = _pages("healthz", "baseline", "a", "b", "c")
    measured = [(page.name, _sample(10)) for _round in range(3) for page in rounds.order(selected, 2)]
    near = rounds.bracketing(measured)
    for name in ("a", "b", "c"):
        assert len(near[name]["baseline"]) == 6 and len(near[name]["healthz"]) == 6  # 3 rounds x (before, after)
