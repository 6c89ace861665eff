"""The figures: a table on the terminal, and the whole run as JSON in bench/results/<timestamp>.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import RESULTS_DIR
from bench.load import Result
from bench.pages import CASE_LABELS, COORDINATOR_LABELS, FLOOR, NETWORK, RECEIVING_LABELS, Fixture, Page


def _ratio(
    results: dict[str, Result], page: str, of: str, near: dict[str, dict[str, Result]] | None = None
) -> float | None:
    """The page's throughput over ``of``'s: a reference's as measured around the page's own stretches when the run
    measured it so (bench/rounds.py), else over the whole run."""
    reference = (near or {}).get(page, {}).get(of) or results.get(of)
    if page not in results or reference is None or not reference.rps:
        return None
    return results[page].rps / reference.rps


def ratios(page: Page, results: dict[str, Result], near: dict[str, dict[str, Result]]) -> dict[str, float | None]:
    """The page's ratios to the baseline, the floor and its targets' pages, as the table shows them."""
    wanted = dict.fromkeys(["baseline", FLOOR, *(target.of for target in page.targets)])
    found = {of: _ratio(results, page.name, of, near) for of in wanted if of != page.name}
    return {of: None if ratio is None else round(ratio, 3) for of, ratio in found.items()}


def flat(counts: dict[str, Any]) -> bool:
    """The same count for every organisation. The network's queue (no organisation filter) is not compared: it does
    not look the filter's organisation up."""
    return len({v for k, v in counts.items() if k not in ("slowest", NETWORK)}) == 1


def legend(pages: list[Page], fixtures: dict[str, Fixture]) -> list[str]:
    """What the SQL/request column's numbers are, for the kinds of page in the table."""
    lines = []
    if any(page.counts == CASE_LABELS for page in pages):
        sizes = " / ".join(f"{fixtures[label].cases:,}" for label in CASE_LABELS)
        lines.append(f"case pages: caseworkers of orgs of {sizes} cases")
    if any(page.counts == RECEIVING_LABELS for page in pages):
        sizes = " / ".join(f"{fixtures[label].referrals:,}" for label in RECEIVING_LABELS)
        lines.append(f"inbox: caseworkers of orgs receiving {sizes} referrals")
    if any(page.counts == COORDINATOR_LABELS for page in pages):
        sizes = " / ".join(f"{fixtures[label].referrals:,}" for label in COORDINATOR_LABELS[:-1])
        network = fixtures[COORDINATOR_LABELS[-1]].referrals
        lines.append(f"queue, reassign: coordinators, on orgs receiving {sizes} referrals / network of {network:,}")
    return lines


def table(
    pages: list[Page],
    results: dict[str, Result],
    counts: dict[str, dict[str, Any]],
    fixtures: dict[str, Fixture],
    near: dict[str, dict[str, Result]] | None = None,
) -> str:
    lines = [
        f"{'page':<18}{'rps':>8}{'p95 ms':>9}{'× base':>8}{'× floor':>9}   {'SQL/request':<17}{'errors':>7}   target"
    ]
    lines += [f"{'':<55}({line})" for line in legend(pages, fixtures)]
    if FLOOR in results:
        lines.append(f"{'':<55}(floor: {FLOOR}, without a session, served by the same gunicorn in the same rounds)")
    if near:
        lines.append(f"{'':<55}(each page's ratios: to the floor and the baseline measured just before and after it)")
    for page in pages:
        result = results.get(page.name)
        if result is None:
            continue
        ratio = _ratio(results, page.name, "baseline", near)
        floor = _ratio(results, page.name, FLOOR, near)
        queries = counts.get(page.name, {})
        sql = " / ".join(str(queries.get(label, "?")) for label in page.counts)
        verdicts = []
        for target in page.targets:
            actual = _ratio(results, page.name, target.of, near)
            verdict = "?" if actual is None else ("met" if actual >= target.ratio else "NOT MET")
            if result.errors:
                verdict = "NOT MET (errors)"  # a page that failed is not fast
            shown = "—" if actual is None else f"{actual:.0%}"
            verdicts.append(f"≥ {target.ratio:.0%} of {target.of}: {shown} {verdict}")
        lines.append(
            f"{page.name:<18}{result.rps:>8.1f}{result.p95_ms:>9.1f}{'' if ratio is None else f'{ratio:.2f}':>8}"
            f"{'' if floor is None else f'{floor:.2f}':>9}   {sql:<17}{result.errors:>7}   {'; '.join(verdicts)}"
        )
    growing = [name for name, q in counts.items() if not flat(q)]
    if (
        "case_list" in counts
        and "case_list_deep" in counts
        and counts["case_list"]["bench"] != counts["case_list_deep"]["bench"]
    ):
        growing.append("case_list vs case_list_deep")
    verdict = "met" if not growing else "NOT MET: " + ", ".join(growing)
    lines.append(
        f"\nSQL per request does not grow with the number of cases or referrals (same count for every org): {verdict}"
    )
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


def jobs(results: list[Any]) -> str:
    """The jobs (bench/jobs.py): one line each, then each pass and its notes."""
    lines = [f"{'job':<12}{'items':>8}{'seconds':>9}{'items/s':>9}{'SQL/pass':>10}{'SQL/item':>10}   target"]
    for job in results:
        verdict = "met" if job.met else "NOT MET"
        lines.append(
            f"{job.name:<12}{job.items:>8,}{job.seconds:>9.1f}{job.per_second:>9.1f}{job.sql:>10,}"
            f"{job.sql_per_item:>10.2f}   {job.target}: {verdict}"
        )
        for number, one in enumerate(job.passes, start=1):
            kinds = ", ".join(f"{n:,} {kind.rsplit('.', 1)[-1]}" for kind, n in one.sent_by_kind.items())
            lines.append(
                f"  pass {number}: {one.not_due_bench:,} bench + {one.not_due_other:,} other rows not due: "
                f"{one.result['reminders_sent']:,} reminders sent ({kinds}), {one.deliveries:,} deliveries, "
                f"{one.emails:,} emails in {one.seconds:.1f} s ({one.reminders_per_second:,.0f}/s), {one.sql:,} "
                f"statements ({one.sql_per_reminder:.2f} per reminder)"
            )
        lines += [f"  {note}" for note in job.notes]
        if job.passes:
            lines.append("  most frequent statements of the measured pass:")
            lines += [f"    {n:>7,} × {shape}" for n, shape in job.passes[-1].statements]
    return "\n".join(lines)
