"""The attachments job (issue 13): upload and download of a 20 MB file through the real request path, in-process.

The request goes through Django's WSGI handler with ``wsgi.input`` read from a file on disk (as gunicorn hands a
socket to it), so the multipart parser, the upload handlers (Django spools files over 2 MiB to a temporary file),
the form's content check, the chunked encryption and the storage all run as in production; the response of the
download is consumed chunk by chunk. Peak memory is measured with tracemalloc (Python allocations during the request)
and ru_maxrss (the process's resident high-water mark, which also holds everything loaded before), and must stay far
below the file's size.

    .venv/bin/python -m bench.attachments            # against the database of the environment (e.g. the demo's)
"""

from __future__ import annotations

import os
import resource
import secrets
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

SIZE = 20 * 1024 * 1024
BOUNDARY = "jejaringbench" + secrets.token_hex(8)


def _body(path: str, csrf: str) -> int:
    """A multipart body with one 20 MB PDF-like file, written to disk in 1 MiB pieces."""
    with open(path, "wb") as out:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="section"\r\n\r\nnotes\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="uploads"; filename="bench-rekaan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        out.write(head)
        out.write(b"%PDF-1.7\n")
        left = SIZE - 9
        while left > 0:
            piece = os.urandom(min(left, 1024 * 1024))
            out.write(piece)
            left -= len(piece)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return os.path.getsize(path)


def _environ(method: str, path: str, cookies: str, **extra: Any) -> dict[str, Any]:
    import io
    import sys

    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_COOKIE": cookies,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **extra,
    }


def _measure(call: Callable[[], int]) -> tuple[float, int, int, int]:
    """(seconds, tracemalloc peak bytes, statements, bytes moved)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        moved = call()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, len(queries), moved


def run(log: Callable[[str], None] = print) -> dict[str, Any]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    from accounts.choices import Role
    from accounts.models import User
    from casework.models import Attachment, Case

    user = User.objects.filter(is_active=True, membership__role=Role.CASEWORKER, membership__is_active=True).first()
    assert user is not None, "no caseworker to upload as"
    case = Case.objects.filter(owner_id=user.membership.organisation_id, is_restricted=False, erased_at=None).first()
    assert case is not None, "the caseworker's organisation has no case"
    client = Client()
    client.force_login(user, backend="accounts.backends.UsernameOrEmailBackend")
    csrf = secrets.token_urlsafe(24)[:32].replace("-", "a").replace("_", "b")
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    handler = WSGIHandler()
    status: dict[str, str] = {}

    def start_response(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status["code"] = code

    with tempfile.TemporaryDirectory() as folder:
        body = os.path.join(folder, "body")
        length = _body(body, csrf)
        url = f"/cases/{case.pk}/attachments/"

        def upload() -> int:
            with open(body, "rb") as stream:
                environ = _environ(
                    "POST",
                    url,
                    cookies,
                    CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
                    CONTENT_LENGTH=str(length),
                    HTTP_X_CSRFTOKEN=csrf,
                    HTTP_REFERER=f"http://127.0.0.1{url}",
                )
                environ["wsgi.input"] = stream
                response = handler(environ, start_response)
                for _part in response:
                    pass
                response.close()
            return length

        # A warm-up request first: the first request through the handler imports and loads everything, which the
        # resident high-water mark would otherwise count against the upload.
        for _part in handler(_environ("GET", url, cookies), start_response):
            pass
        before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        up = _measure(upload)
        assert status["code"].startswith("302"), status
        attachment = Attachment.objects.filter(case=case).order_by("-uploaded_at").first()
        assert attachment is not None and attachment.size == SIZE

        def download() -> int:
            environ = _environ("GET", f"{url}{attachment.pk}/", cookies)
            response = handler(environ, start_response)
            moved = 0
            for part in response:
                moved += len(part)
            response.close()
            return moved

        down = _measure(download)
        assert status["code"].startswith("200") and down[3] == SIZE, status
        after_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        from casework.services import attachments as service

        service.attachment_delete(actor=user, attachment=attachment)
    mb = SIZE / 1024 / 1024
    result = {
        "file_mb": mb,
        "upload": {"seconds": up[0], "mb_per_s": mb / up[0], "peak_mb": up[1] / 1024 / 1024, "statements": up[2]},
        "download": {
            "seconds": down[0],
            "mb_per_s": mb / down[0],
            "peak_mb": down[1] / 1024 / 1024,
            "statements": down[2],
        },
        "ru_maxrss_mb_before": before_rss / 1024,
        "ru_maxrss_mb_after": after_rss / 1024,
    }
    log(
        f"  upload {mb:.0f} MB: {result['upload']['mb_per_s']:.1f} MB/s, peak {result['upload']['peak_mb']:.1f} MB "
        f"(tracemalloc), {up[2]} statements; download: {result['download']['mb_per_s']:.1f} MB/s, peak "
        f"{result['download']['peak_mb']:.1f} MB, {down[2]} statements; ru_maxrss {before_rss / 1024:.0f} -> "
        f"{after_rss / 1024:.0f} MB"
    )
    return result


def attachments_job(seeded_before: Any = None, log: Callable[[str], None] = print) -> Any:
    from bench.jobs import JobResult

    result = run(log)
    peak = max(result["upload"]["peak_mb"], result["download"]["peak_mb"])
    return JobResult(
        name="attachments",
        describe="upload and download of a 20 MB file through the WSGI handler",
        items=2,
        seconds=result["upload"]["seconds"] + result["download"]["seconds"],
        per_second=2 / (result["upload"]["seconds"] + result["download"]["seconds"]),
        sql=result["upload"]["statements"] + result["download"]["statements"],
        sql_per_item=(result["upload"]["statements"] + result["download"]["statements"]) / 2,
        target="peak Python memory per request under a third of the file (6.7 MB)",
        met=peak < result["file_mb"] / 3,
        passes=[],
        notes=[
            f"upload {result['upload']['mb_per_s']:.1f} MB/s, peak {result['upload']['peak_mb']:.1f} MB",
            f"download {result['download']['mb_per_s']:.1f} MB/s, peak {result['download']['peak_mb']:.1f} MB",
            f"ru_maxrss {result['ru_maxrss_mb_before']:.0f} -> {result['ru_maxrss_mb_after']:.0f} MB",
        ],
        detail=result,
    )


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(run())
