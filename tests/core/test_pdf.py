"""core/pdf.py: a template to PDF bytes, with a URL fetcher that reads this site's static files from disk and refuses
every other URL before opening anything."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings

from core import pdf
from tests.pdf_text import text_of

SITE = settings.SITE_URL.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://other-host.example/static/jejaring/pdf.css",
        f"{SITE.replace('127.0.0.1', 'localhost')}/static/jejaring/pdf.css",
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/static/jejaring/pdf.css",
        "data:text/css,body{color:red}",
        f"{SITE}/static/../config/settings.py",
        f"{SITE}/static/%2e%2e/config/settings.py",
        f"{SITE}/static/jejaring/../../config/settings.py",
        f"{SITE}/static/",
        f"{SITE}/static/jejaring/no-such-file.css",
        f"{SITE}/accounts/login/",
        "ftp://other-host.example/x",
    ],
)
def test_the_fetcher_refuses_every_url_but_the_sites_static_files(url):
    with pytest.raises(pdf.Refused):
        pdf.url_fetcher().fetch(url)


def test_the_fetcher_reads_a_static_file_from_disk_without_a_socket(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer opened a socket")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    response = pdf.url_fetcher().fetch(f"{SITE}/static/jejaring/pdf.css")
    assert b"@page" in response.read() and response.content_type == "text/css"


def test_a_page_with_foreign_urls_renders_without_them(monkeypatch):
    fetched: list[str] = []
    real = pdf.static_file

    def spy(url):
        fetched.append(url)
        return real(url)

    monkeypatch.setattr(pdf, "static_file", spy)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("socket"))
    html = (
        '<html lang="id"><head><link rel="stylesheet" href="/static/jejaring/pdf.css">'
        '<link rel="stylesheet" href="http://other-host.example/x.css"></head>'
        '<body><img src="file:///etc/passwd" alt=""><img src="https://tracker.example/p.png" alt="">'
        "<h1>Laporan jaringan</h1><p>&lt;11</p></body></html>"
    )
    document = pdf.layout(html)
    assert "Laporan jaringan" in text_of(document) and "<11" in text_of(document)
    assert fetched[0] == f"{SITE}/static/jejaring/pdf.css"  # base_url is the site's own address
    assert bytes(document.write_pdf()).startswith(b"%PDF-")


def test_the_response_is_an_attachment_with_a_clean_name():
    response = pdf.response(b"%PDF-1.7 test", filename='jejaring-report-2026-q3.pdf"; x=<y>')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="jejaring-report-2026-q3.pdfxy"'
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
