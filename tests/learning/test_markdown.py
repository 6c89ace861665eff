"""Hostile Markdown: nothing executable reaches the page, whatever a member types."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from learning.markdown import ATTRIBUTES, TAGS, plain, render, safe_url

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)//-->",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](\x01javascript:alert(1))",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[x][evil]\n\n[evil]: <javascript:alert(1)>",
    "[x][evil]\n\n[evil]: data:text/html,hi",
    "<javascript:alert(1)>",
    '<http://ok.example/?q="><script>alert(1)</script>>',
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    "![x](//evil.example/track.png)",
    "![x](/\\evil.example/track.png)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x"onerror="alert(1)](/ok.png)',
    "![<script>alert(1)</script>](https://evil.example/x.png)",
    "![x][img]\n\n[img]: https://evil.example/x.png",
    "**<script>alert(1)</script>**",
    "> <script>alert(1)</script>",
    "- [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<details open ontoggle=alert(1)>",
    "[![x](/ok.png)](javascript:alert(1))",
]

EVENT_OR_STYLE = re.compile(r"^(on|style$|formaction$|srcdoc$)", re.IGNORECASE)


class Inspector(HTMLParser):
    """Collects every element and attribute of the rendered HTML the way a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            value = value or ""
            if EVENT_OR_STYLE.match(name) or name not in ATTRIBUTES.get(tag, set()) | {"rel"}:
                self.problems.append(f"attribute {name} on {tag}")
            if name == "href" and not safe_url(html.unescape(value)):
                self.problems.append(f"href {value}")
            if name == "src" and not (value.startswith("/") and not value.startswith(("//", "/\\"))):
                self.problems.append(f"src {value}")
        if tag == "a" and dict(attrs).get("href") is not None:
            rel = (dict(attrs).get("rel") or "").split()
            if not {"noopener", "noreferrer", "nofollow"} <= set(rel):
                self.problems.append("link without rel")

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("declaration")


def problems_in(text: str) -> list[str]:
    rendered = str(render(text))
    inspector = Inspector()
    inspector.feed(rendered)
    inspector.close()
    # Text may mention "javascript:" or "<script>" (escaped, as words); markup may not: every "<" left in the output
    # opens an allowed tag, every other one is escaped.
    for opened in re.findall(r"<\s*/?\s*([A-Za-z][A-Za-z0-9]*)", rendered):
        if opened.lower() not in TAGS:
            inspector.problems.append(f"markup {opened}")
    return inspector.problems


def test_known_xss_payloads_render_harmless():
    found = {payload: problems_in(payload) for payload in PAYLOADS}
    assert {p: f for p, f in found.items() if f} == {}


def test_raw_html_is_shown_as_text_not_markup():
    assert str(render("<b>bold</b>")) == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"
    assert "&lt;script&gt;" in str(render("<script>alert(1)</script>"))


def test_links_keep_safe_targets_and_get_rel():
    out = str(render("[site](https://example.org/a?b=c) [mail](mailto:x@example.org) [here](/learning/)"))
    assert 'href="https://example.org/a?b=c"' in out
    assert 'href="mailto:x@example.org"' in out
    assert 'href="/learning/"' in out
    assert out.count('rel="noopener noreferrer nofollow"') == 3


def test_javascript_link_keeps_its_text_but_loses_its_target():
    out = str(render("[click me](javascript:alert(1))"))
    assert "click me" in out and "href" not in out


def test_images_only_from_this_site():
    out = str(render("![ok](/static/jejaring/favicon.svg) ![far](https://evil.example/x.png)"))
    assert 'src="/static/jejaring/favicon.svg"' in out
    assert "evil.example" not in out and "far" in out


def test_headings_start_below_the_page_title():
    assert str(render("# Judul")) == "<h2>Judul</h2>"


def test_the_markdown_a_member_writes_still_works():
    out = str(render("**tebal** *miring*\n\n1. satu\n2. dua\n\n> kutipan\n\n`kode`"))
    for tag in ("<strong>", "<em>", "<ol>", "<li>", "<blockquote>", "<code>"):
        assert tag in out


def test_plain_excerpt_is_escaped_and_short():
    assert plain("<b>x</b>  y") == "&lt;b&gt;x&lt;/b&gt; y"
    assert len(plain("a" * 500, limit=20)) == 20


FRAGMENTS = st.sampled_from(
    [
        "<", ">", "\"", "'", "`", "&", "#", ";", ":", "(", ")", "[", "]", "!", "/", "\\", "\n", "\t", " ", "=",
        "javascript", "JAVASCRIPT", "data", "vbscript", "script", "img", "svg", "onerror", "onload", "src", "href",
        "&#106;", "&#x3A;", "&colon;", "%0a", "\x00", "http://evil.example", "//", "alert(1)", "*", "_", "-", "|",
        "<script>", "</script>", "<a href=", "](", "![", "]: ", "<img src=x ", "style=",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=5)), max_size=40).map("".join))
def test_any_mixture_of_hostile_fragments_renders_harmless(text):
    assert problems_in(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_renders_harmless(text):
    assert problems_in(text) == []


def test_the_inspector_would_catch_markdown_rendered_without_sanitising(monkeypatch):
    """The check above can fail: Python-Markdown alone lets most of these payloads through."""
    import markdown as python_markdown

    import tests.learning.test_markdown as this

    monkeypatch.setattr(this, "render", python_markdown.markdown)
    caught = [payload for payload in PAYLOADS if problems_in(payload)]
    assert len(caught) > len(PAYLOADS) * 0.7
