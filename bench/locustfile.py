"""The mixed load scenario (issue 6): caseworkers, coordinators and admins on their usual journeys at once.

Run by ``python -m bench --load``, which serves the app with gunicorn, writes the signed-in sessions and what to ask
for into a JSON file named by ``BENCH_LOCUST_DATA``, and runs::

    locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s --host http://127.0.0.1:PORT --csv bench/results/load

This file imports nothing of Django: locust runs it in its own (gevent) process. Each simulated user takes a session
of its role (coordinators' and admins' are verified with a second factor) and walks its journey step by step,
thinking ``THINK`` seconds between steps. Redirects are not followed: a POST is measured alone, and a redirect where
a page was expected (to the sign-in or two-factor page, say) is an error. Weights 3 : 1 : 1 make 12 caseworkers,
4 coordinators and 4 admins of 20 users.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, SequentialTaskSet, between, task

DATA: dict[str, Any] = json.loads(Path(os.environ["BENCH_LOCUST_DATA"]).read_text(encoding="utf-8"))
THINK = (float(os.environ.get("BENCH_THINK_MIN", "0.5")), float(os.environ.get("BENCH_THINK_MAX", "2.0")))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSIONS = {role: itertools.cycle(keys) for role, keys in DATA["sessions"].items()}
# --scale-out: the web instances, shared by the users in turn (each user keeps one, as behind a sticky balancer).
HOSTS = [host for host in os.environ.get("BENCH_HOSTS", "").split(",") if host]
NEXT_HOST = itertools.cycle(HOSTS)
NOTE = "Kontak lanjutan lewat telepon; kondisi stabil. (catatan rekaan dari uji beban)"


class Steps(SequentialTaskSet):
    """Helpers for one journey: each request named after its page, its status checked."""

    user: Journey

    def request(self, method: str, path: str, name: str, expect: int, form: dict[str, str] | None = None) -> None:
        headers = {}
        if method == "POST":
            form = {**(form or {}), "csrfmiddlewaretoken": self.user.csrf}
            headers = {"Origin": self.user.host, "Referer": self.user.host + path}
        with self.client.request(
            method, path, name=name, data=form, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                where = response.headers.get("Location", "")
                response.failure(f"{response.status_code}{' to ' + where if where else ''}, expected {expect}")
            elif response.status_code == 200:
                found = CSRF.search(response.text)
                if found:
                    self.user.csrf = found.group(1)
                response.success()
            else:
                response.success()

    def get(self, path: str, name: str) -> None:
        self.request("GET", path, name, 200)

    def post(self, path: str, name: str, form: dict[str, str]) -> None:
        self.request("POST", path, name, 302, form)


class CaseworkerSteps(Steps):
    """The case list, a case, its identity tab, a note on it, then a search by NIK."""

    def on_start(self) -> None:
        self.pick()

    def pick(self) -> None:
        self.case, self.nik = random.choice(DATA["cases"])

    @task
    def case_list(self) -> None:
        self.pick()
        self.get("/cases/", "caseworker: case list")

    @task
    def case_detail(self) -> None:
        self.get(f"/cases/{self.case}/", "caseworker: case detail")

    @task
    def identity(self) -> None:
        self.get(f"/cases/{self.case}/identity/", "caseworker: identity tab")

    @task
    def add_note(self) -> None:
        self.post(f"/cases/{self.case}/notes/", "caseworker: add note (POST)", {"body": NOTE})

    @task
    def search_nik(self) -> None:
        self.post("/cases/search/", "caseworker: search NIK (POST)", {"q": self.nik})


class CoordinatorSteps(Steps):
    """The referral queue, one referral, then the overdue ones."""

    @task
    def queue(self) -> None:
        self.get("/referrals/queue/", "coordinator: queue")

    @task
    def referral(self) -> None:
        self.get(f"/referrals/{random.choice(DATA['referrals'])}/", "coordinator: referral detail")

    @task
    def overdue(self) -> None:
        self.get("/referrals/queue/?overdue=on", "coordinator: queue overdue")


class AdminSteps(Steps):
    """The access log, narrowed to a case reference, one user's entries, then the flags."""

    @task
    def log(self) -> None:
        self.get("/audit/", "admin: access log")

    @task
    def by_reference(self) -> None:
        self.get(f"/audit/?reference={random.choice(DATA['references'])}", "admin: log by reference")

    @task
    def per_user(self) -> None:
        self.get(f"/audit/user/{random.choice(DATA['users'])}/", "admin: per-user log")

    @task
    def flags(self) -> None:
        self.get("/audit/flags/", "admin: flags")


class Journey(HttpUser):
    abstract = True
    role = ""
    wait_time = between(*THINK)

    def on_start(self) -> None:
        if HOSTS:
            self.host = next(NEXT_HOST)
            self.client.base_url = self.host
        self.client.cookies.set(DATA["cookie"], next(SESSIONS[self.role]))
        self.csrf = ""


class Caseworker(Journey):
    role, weight, tasks = "caseworker", 3, [CaseworkerSteps]


class Coordinator(Journey):
    role, weight, tasks = "coordinator", 1, [CoordinatorSteps]


class Admin(Journey):
    role, weight, tasks = "admin", 1, [AdminSteps]
