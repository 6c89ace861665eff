"""Reading what a PDF says, for tests: core.pdf lays the HTML out with WeasyPrint and writes the PDF from that layout;
tests capture the layout (``capture``) and read its text boxes, which are what the PDF's pages carry. (No PDF parser
is installed; pypdf is not a dependency.)"""

from __future__ import annotations

from typing import Any

from core import pdf


def text_of(document: Any) -> str:
    """Every text box of every page, in reading order, joined by spaces."""
    out: list[str] = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(getattr(box, "text", None), str):
                out.append(box.text)
            stack.extend(reversed(list(getattr(box, "children", None) or [])))
    return " ".join(out)


def capture(monkeypatch: Any) -> list[Any]:
    """Patch core.pdf.layout so that each laid-out document is kept; returns the list they are appended to."""
    documents: list[Any] = []
    original = pdf.layout

    def keep(html: str) -> Any:
        document = original(html)
        documents.append(document)
        return document

    monkeypatch.setattr(pdf, "layout", keep)
    return documents
