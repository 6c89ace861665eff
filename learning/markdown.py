"""Member-written Markdown, rendered to HTML that cannot run anything.

Two layers, so that a gap in one is caught by the other:
1. Python-Markdown renders with its raw-HTML support removed: ``<script>`` typed in a practice is shown as text.
2. nh3 (ammonia) cleans the result on an allow-list of tags and attributes. Links keep only http, https and mailto
   URLs (or same-site relative ones), after the HTML parser has decoded entities, so ``&#106;avascript:`` is caught;
   every link gets ``rel="noopener noreferrer nofollow"``. Images are kept only with a same-site path (``/...``, never
   ``//host`` or ``/\\host``); any other image becomes its alt text, before cleaning (nh3 then refuses any other
   image source again).

Headings are shifted down one level (``#`` becomes ``<h2>``): the page's own title is the only ``<h1>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown as python_markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

TAGS = {
    "p", "br", "hr", "span", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# A same-site image path: one slash, then no second slash or backslash (browsers read "/\host" as "//host"), and only
# characters that need no decoding.
_SAME_SITE_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9._~\-/%]*$")
# What a browser strips from a URL before reading its scheme: ASCII control characters and whitespace.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_url(value: str) -> bool:
    """Whether a link target is harmless: http(s), mailto, or relative (no scheme at all)."""
    compact = _URL_NOISE.sub("", value)
    match = _SCHEME.match(compact)
    if match is None:
        return ":" not in compact.split("/", 1)[0] or compact.startswith(("/", "#", "?"))
    return match.group(1).lower() in URL_SCHEMES


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if safe_url(value) else None
    if tag == "img" and attribute == "src":
        return value if _SAME_SITE_PATH.match(value) else None
    return value


class _ShiftHeadingsAndDropImages(Treeprocessor):
    """Headings one level down; an image from another host becomes its alt text (escaped by the serializer)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5"):
                element.tag = f"h{int(element.tag[1]) + 1}"
            elif element.tag == "img" and not _SAME_SITE_PATH.match(element.get("src", "")):
                alt = element.get("alt", "")
                element.tag, element.text = "span", alt
                element.attrib.clear()


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: python_markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ShiftHeadingsAndDropImages(md), "jejaring_safety", 1)


def _renderer() -> python_markdown.Markdown:
    return python_markdown.Markdown(extensions=["sane_lists", "tables", _NoRawHtml()], output_format="html")


def clean_html(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return cleaned


def render(text: str) -> SafeString:
    """Markdown typed by a member, as HTML safe to put in a page."""
    if not text:
        return mark_safe("")
    html = _renderer().convert(text)
    return mark_safe(clean_html(html))  # noqa: S308 (cleaned by nh3 on an allow-list just above)


def plain(text: str, limit: int = 240) -> str:
    """A short plain-text excerpt (for lists), escaped."""
    flat = re.sub(r"\s+", " ", text).strip()
    return escape(flat if len(flat) <= limit else flat[: limit - 1] + "…")
