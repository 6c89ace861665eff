"""`make run`'s last step: the web app and the reminder worker together, with the worker's output in a log file
(var/worker.log) and, once the web app answers, its address and the demo sign-ins as the last lines printed. Ctrl-C
stops both politely (no stray signal reaches the worker's pool, so nothing dies with a crash report)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the web app and the reminder worker for the demo; print the address and sign-ins once it is up."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--log", default="", help="worker log file (default: var/worker.log)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("run_demo is for the embedded (development) shape; production runs docker compose.")
        host, port = options["host"], options["port"]
        address = f"http://{host}:{port}/"
        var = Path(settings.VAR_DIR)
        var.mkdir(parents=True, exist_ok=True)
        log_path = Path(options["log"]) if options["log"] else var / "worker.log"
        env = {**os.environ, "JEJARING_SITE_URL": os.environ.get("JEJARING_SITE_URL", address.rstrip("/"))}
        python = sys.executable
        celery = str(Path(python).with_name("celery"))
        log = log_path.open("a", encoding="utf-8")
        children: list[subprocess.Popen[bytes]] = []
        stopping = False

        def stop(*_args: Any) -> None:
            nonlocal stopping
            if stopping:
                return
            stopping = True
            for child in children:
                if child.poll() is None:
                    # Each child runs in its own session, out of reach of the terminal's Ctrl-C: only its main
                    # process is asked to stop, and stops its own pool (celery's warm shutdown).
                    os.kill(child.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
                    child.wait()

        signal.signal(signal.SIGINT, lambda *_a: stop())
        signal.signal(signal.SIGTERM, lambda *_a: stop())
        try:
            schedule = str(var / "celerybeat-schedule")
            children.append(
                subprocess.Popen(  # noqa: S603 (fixed arguments: our own venv's celery)
                    [
                        celery,
                        *("-A", "config", "worker", "--beat", "--loglevel=INFO", "--concurrency=2"),
                        *(f"--schedule={schedule}", "--without-gossip", "--without-mingle"),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,
                )
            )
            children.append(
                subprocess.Popen(  # noqa: S603 (fixed arguments: this Python's manage.py)
                    [python, "manage.py", "runserver", "--noreload", f"{host}:{port}"],
                    stdin=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,
                )
            )
            if not self.wait_until_up(f"{address}healthz", children):
                stop()
                raise CommandError(f"The web app did not start at {address} (see the lines above, and {log_path}).")
            self.stdout.write("")
            call_command("seed_demo", sign_ins_only=True, stdout=self.stdout)
            self.stdout.write(f"Reminder worker output: {log_path}")
            self.stdout.write(
                self.style.SUCCESS(f"Jejaring is running at {address}  (Ctrl-C stops the web app and the worker)")
            )
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            log.close()
        self.stdout.write("Stopped.")

    @staticmethod
    def wait_until_up(url: str, children: list[subprocess.Popen[bytes]], timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own local address)
                    if response.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.3)
        return False
