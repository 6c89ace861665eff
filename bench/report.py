"""The figures: a table on the terminal, and the whole run as JSON in bench/results/<timestamp>.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import RESULTS_DIR
from bench.load import Result
from bench.pages import Fixture, Page
from bench.queries import LABELS


def _ratio(results: dict[str, Result], page: str, of: str) -> float | None:
    if page not in results or of not in results or not results[of].rps:
        return None
    return results[page].rps / results[of].rps


def flat(counts: dict[str, Any]) -> bool:
    return len({counts.get(label) for label in LABELS}) == 1


def table(
    pages: list[Page], results: dict[str, Result], counts: dict[str, dict[str, Any]], fixtures: dict[str, Fixture]
) -> str:
    sizes = " / ".join(f"{fixtures[label].cases:,}" for label in LABELS)
    lines = [
        f"{'page':<16}{'rps':>8}{'p95 ms':>9}{'× base':>8}   {'SQL/request':<14}{'errors':>7}   target",
        f"{'':<16}{'':>8}{'':>9}{'':>8}   {'(orgs of ' + sizes + ' cases)'}",
    ]
    for page in pages:
        result = results.get(page.name)
        if result is None:
            continue
        ratio = _ratio(results, page.name, "baseline")
        queries = counts.get(page.name, {})
        sql = " / ".join(str(queries.get(label, "?")) for label in LABELS)
        target = ""
        if page.target is not None:
            actual = _ratio(results, page.name, page.target.of)
            verdict = "?" if actual is None else ("met" if actual >= page.target.ratio else "NOT MET")
            shown = "—" if actual is None else f"{actual:.0%}"
            target = f"≥ {page.target.ratio:.0%} of {page.target.of}: {shown} {verdict}"
        lines.append(
            f"{page.name:<16}{result.rps:>8.1f}{result.p95_ms:>9.1f}{'' if ratio is None else f'{ratio:.2f}':>8}"
            f"   {sql:<14}{result.errors:>7}   {target}"
        )
    growing = [name for name, q in counts.items() if not flat(q)]
    if (
        "case_list" in counts
        and "case_list_deep" in counts
        and counts["case_list"]["bench"] != counts["case_list_deep"]["bench"]
    ):
        growing.append("case_list vs case_list_deep")
    verdict = "met" if not growing else "NOT MET: " + ", ".join(growing)
    lines.append(f"\nSQL per request does not grow with the number of cases (same count for all three orgs): {verdict}")
    return "\n".join(lines)


def errors(results: dict[str, Result]) -> str:
    failing = [f"  {r.page}: {r.error_kinds}" for r in results.values() if r.errors]
    if not failing:
        return "Every request answered as expected."
    return "Errors by status (the server's tracebacks are in bench/var/gunicorn.log):\n" + "\n".join(failing)


def plans(counts: dict[str, dict[str, Any]]) -> str:
    out = []
    for name, found in counts.items():
        slowest = found.get("slowest") or {}
        if slowest:
            out.append(f"--- {name}: slowest SELECT {slowest['ms']} ms\n{slowest['sql']}\n{slowest['plan']}\n")
    return "\n".join(out)


def write(stamp: str, data: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{stamp}.json"
    path.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
