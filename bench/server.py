"""The bench's database and web server: create the database, migrate it, run gunicorn on a free port."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg

from bench import ROOT, VAR_DIR


def _parts(url: str) -> tuple[str, str]:
    """(a libpq connection string for the server's maintenance database, the bench database's name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not name:
        raise SystemExit(f"BENCH_DATABASE_URL must be a PostgreSQL URL with a database name, not {url!r}")
    maintenance = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    return maintenance, name


def ensure_database(url: str, *, drop: bool = False) -> bool:
    """Create the bench database if it is missing (or dropped on request). True when it was created."""
    maintenance, name = _parts(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and drop:
            if "bench" not in name:
                raise SystemExit(f"refusing to drop {name!r}: only a database whose name contains 'bench' is dropped")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


def server_version(url: str) -> str:
    maintenance, _name = _parts(url)
    with psycopg.connect(maintenance) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def migrate(env: dict[str, str]) -> None:
    """manage.py migrate as a subprocess, so that the settings read the bench environment like a deployment."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, threads: int) -> Iterator[int]:
    """Serve the app on a free local port until the block ends; yields the port. Its log is bench/var/gunicorn.log."""
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / "gunicorn.log", "ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)
        try:
            _wait_until_up(port, process)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {VAR_DIR / 'gunicorn.log'}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s; see {VAR_DIR / 'gunicorn.log'}")
