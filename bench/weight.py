"""Cold weight and speed of the pages a new caseworker meets first, on a phone over a slow link.

For sign-in, the case list, a case's summary and the intake: bytes transferred (compressed, as on the wire,
headers included) and the time to the largest contentful paint, each page loaded in a fresh browser context (an empty
cache) at 390 × 844 with a 400 ms round trip and 400 kbit/s each way (Chromium's DevTools network emulation).

Run it against a running demo (`make run PORT=8081`, which collects the compressed static files first):

    .venv/bin/python -m bench.weight --base http://127.0.0.1:8081

It signs in as the demo caseworker pendamping.ykt. Not a test: it prints a table (markdown) and exits.

Then, unless --no-lighthouse, each page once more through Lighthouse's mobile preset (performance and accessibility;
its own simulated throttling: 150 ms, 1.6 Mbit/s, a 4× slower CPU), from the npm registry (`npx --yes
lighthouse@LIGHTHOUSE`, needs node and npm) with the same Chromium, the session cookie passed as a header.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
from typing import Any

CHROMIUM = os.environ.get("JEJARING_CHROMIUM", "/usr/bin/chromium")
LIGHTHOUSE = "12.8.2"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
LCP = """() => new Promise(resolve => {
  let last = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) last = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve(last), 300);
})"""


def measure(browser: Any, base: str, path: str, cookies: list[dict[str, Any]]) -> tuple[int, float, int]:
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, locale="id-ID")
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW)
    sizes: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    lcp = page.evaluate(LCP)
    context.close()
    return int(sum(sizes.values())), lcp / 1000, len(sizes)


def lighthouse(url: str, cookies: list[dict[str, Any]]) -> tuple[str, str, str]:
    """Lighthouse's mobile preset on one page: (performance, accessibility, what cost performance), or why not."""
    with tempfile.TemporaryDirectory() as folder:
        headers = os.path.join(folder, "headers.json")
        with open(headers, "w") as file:
            json.dump({"Cookie": "; ".join(f"{c['name']}={c['value']}" for c in cookies)} if cookies else {}, file)
        command = [
            "npx",
            "--yes",
            f"lighthouse@{LIGHTHOUSE}",
            url,
            f"--extra-headers={headers}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={os.path.join(folder, 'report.json')}",
            "--quiet",
        ]
        try:
            subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
            with open(os.path.join(folder, "report.json")) as file:
                report = json.load(file)
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            return "-", "-", f"Lighthouse did not run: {error}"
    scores = {key: round(100 * (category["score"] or 0)) for key, category in report["categories"].items()}
    audits = report["audits"]
    costs = [
        f"{audits[key]['title'].split(' ')[0]} {audits[key].get('displayValue', '')}"
        for key in ("largest-contentful-paint", "cumulative-layout-shift", "total-blocking-time")
        if (audits[key].get("score") or 0) < 0.99
    ]
    return str(scores["performance"]), str(scores["accessibility"]), ", ".join(costs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="pendamping.ykt")
    parser.add_argument("--password", default="demo-jejaring-2026")
    parser.add_argument("--runs", type=int, default=1, help="cold loads per page (the median is reported)")
    parser.add_argument("--no-lighthouse", action="store_true", help="leave out the Lighthouse columns")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        # Sign in once (fast link) for the session cookie; every measured load starts with an empty cache.
        context = browser.new_context(base_url=options.base)
        page = context.new_page()
        page.goto("/accounts/sign-in/")
        page.locator("input[name=username]").fill(options.username)
        page.locator("input[name=password]").fill(options.password)
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        page.wait_for_load_state()
        page.goto("/cases/")
        link = page.locator("#case-rows a[href^='/cases/']").first.get_attribute("href") or "/cases/"
        case_path = re.sub(r"[^/]*$", "", link)
        cookies = context.cookies()
        context.close()
        pages = [
            ("sign-in", "/accounts/sign-in/", []),
            ("case list", "/cases/", cookies),
            ("case detail", case_path, cookies),
            ("intake", "/cases/new/", cookies),
        ]
        rows = []
        for name, path, jar in pages:
            runs = sorted((measure(browser, options.base, path, jar) for _ in range(options.runs)), key=lambda r: r[1])
            size, lcp, count = runs[len(runs) // 2]
            rows.append((name, path, jar, f"| {name} | {size / 1000:.1f} | {count} | {lcp:.2f} |"))
        browser.close()
    if options.no_lighthouse:
        print("| page | transferred (KB) | requests | largest contentful paint (s) |")
        print("|---|---:|---:|---:|")
        for *_rest, row in rows:
            print(row)
        return
    print("| page | transferred (KB) | requests | largest contentful paint (s) | Lighthouse perf | a11y | below 99 |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for _name, path, jar, row in rows:
        performance, accessibility, costs = lighthouse(options.base.rstrip("/") + path, jar)
        print(f"{row} {performance} | {accessibility} | {costs} |", flush=True)


if __name__ == "__main__":
    main()
