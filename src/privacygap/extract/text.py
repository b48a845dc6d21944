"""Turn a statement (HTML, Markdown, plain text) into one normalised text plus sections.

Every later stage quotes the statement, and a quote must be an exact substring of
``Document.text``; so this module is the only place that decides what the text is.
Each input format is reduced to a list of blocks (heading, paragraph, list item,
table row …); the blocks are joined into the normalised text and the headings cut it
into :class:`~privacygap.models.Section` objects with offsets into that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdown_it import MarkdownIt

from privacygap.models import Section


@dataclass(frozen=True)
class Block:
    """One unit of layout: a heading (``level`` 1–6, 7 for a bold pseudo-heading) or text (level 0)."""

    text: str
    level: int = 0
    kind: str = "p"  # p | li | row | heading | dt | dd


@dataclass(frozen=True)
class Document:
    """The normalised text of a statement and its sections (offsets index ``text``)."""

    text: str
    sections: tuple[Section, ...]
    blocks: tuple[Block, ...] = ()
    title: str = ""


# ---------------------------------------------------------------------------- whitespace

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_inline(text: str) -> str:
    """Collapse whitespace, drop soft hyphens and zero-width characters (one line, stripped)."""
    text = text.translate(_INVISIBLE).replace("\n", " ")
    return _SPACES.sub(" ", text).strip()


# ---------------------------------------------------------------------------- HTML

_DROP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "button", "select",
              "input", "textarea", "head", "title", "meta", "link", "object", "canvas", "form"}
# Cookie banners and consent tools put their own text on the page; it is not the statement.
_BOILERPLATE_RE = re.compile(
    r"cookie-?(banner|consent|notice|bar|popup|law)|cc-(window|banner)|cybotcookiebot|usercentrics|borlabs|"
    r"klaro|onetrust|consent-?(banner|manager|modal)|cmplz|cookiefirst|iubenda|skip-?link|breadcrumb",
    re.I)
_HEADING_RE = re.compile(r"^h([1-6])$")
_ACCORDION_HEAD_RE = re.compile(r"accordion[-_]?(title|header|heading|button|toggle|trigger)|collapse-?(title|header)", re.I)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "aside", "blockquote", "pre", "address", "figure",
               "figcaption", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr",
               "td", "th", "details", "summary", "hr", "br", "center", "fieldset", "legend", "caption", "body",
               "html", "header", "footer", "nav"}


def _is_boilerplate(tag: Tag) -> bool:
    """Navigation, page header/footer and consent banners (but not a header inside the article)."""
    name = tag.name
    if name == "nav":
        return True
    if name in ("header", "footer"):
        # A <header> inside <article>/<main>/<section> usually holds the statement's own h1.
        return not any(p.name in ("article", "main", "section") for p in tag.parents)
    if tag.attrs is None:
        return False
    marker = " ".join([tag.get("id") or "", " ".join(tag.get("class") or []), tag.get("role") or "",
                       tag.get("aria-label") or ""])
    if marker.strip() and _BOILERPLATE_RE.search(marker):
        return True
    return tag.get("aria-hidden") == "true" or tag.get("hidden") is not None


def _only_strong(tag: Tag) -> bool:
    """A paragraph whose whole text is bold: generators use it as a heading."""
    texts = [c for c in tag.children if not (isinstance(c, NavigableString) and not c.strip())]
    return len(texts) == 1 and isinstance(texts[0], Tag) and texts[0].name in ("strong", "b")


class _HtmlBlocks:
    """Walks a DOM and emits :class:`Block` objects in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.kind = "p"

    def flush(self, kind: str | None = None) -> None:
        text = clean_inline("".join(self.buffer))
        self.buffer = []
        if text:
            self.blocks.append(Block(text, 0, kind or self.kind))

    def heading(self, text: str, level: int) -> None:
        self.flush()
        text = clean_inline(text)
        if text:
            self.blocks.append(Block(text, level, "heading"))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            self.element(child)

    def element(self, tag: Tag) -> None:
        name = (tag.name or "").lower()
        if name in _DROP_TAGS or _is_boilerplate(tag):
            return
        match = _HEADING_RE.match(name)
        if match:
            self.heading(tag.get_text(" "), int(match.group(1)))
            return
        if name == "summary" or (tag.attrs and _ACCORDION_HEAD_RE.search(" ".join(tag.get("class") or []))):
            self.heading(tag.get_text(" "), 7)
            return
        if name == "br":
            self.flush()
            return
        if name == "tr":
            self.flush()
            cells = [clean_inline(c.get_text(" ")) for c in tag.find_all(["td", "th"], recursive=False)]
            row = " | ".join(c for c in cells if c)
            if row:
                self.blocks.append(Block(row, 0, "row"))
            return
        if name == "dl":
            self.definition_list(tag)
            return
        if name == "p" and _only_strong(tag):
            text = clean_inline(tag.get_text(" "))
            if 2 < len(text) <= 90 and not text.endswith((".", ",", ";")):
                self.heading(text, 7)
                return
        if name in _BLOCK_TAGS:
            self.flush()
            previous = self.kind
            self.kind = "li" if name == "li" else "p"
            self.walk(tag)
            self.flush()
            self.kind = previous
            return
        self.walk(tag)  # inline element: its text joins the current block

    def definition_list(self, tag: Tag) -> None:
        """Terms with long descriptions act as headings; short pairs become 'term: description' lines."""
        self.flush()
        items = [c for c in tag.find_all(["dt", "dd"], recursive=False)]
        long_descriptions = [c for c in items if c.name == "dd" and len(c.get_text(" ").strip()) > 150]
        pending: str | None = None
        for item in items:
            text = clean_inline(item.get_text(" "))
            if item.name == "dt":
                if pending:
                    self.blocks.append(Block(pending, 0, "dt"))
                pending = text
                if long_descriptions:
                    self.heading(text, 7)
                    pending = None
                continue
            if long_descriptions:
                self.walk(item)
                self.flush("dd")
            else:
                line = f"{pending}: {text}" if pending else text
                pending = None
                if line:
                    self.blocks.append(Block(line, 0, "dd"))
        if pending:
            self.blocks.append(Block(pending, 0, "dt"))


def _main_root(soup: BeautifulSoup) -> Tag:
    """<main> or a lone <article> when it carries most of the page's text, else <body>."""
    body = soup.body or soup
    total = len(body.get_text(" ", strip=True)) or 1
    for candidate in [soup.find("main")] + soup.find_all("article"):
        if isinstance(candidate, Tag) and len(candidate.get_text(" ", strip=True)) > 0.35 * total:
            return candidate
    return body


def html_blocks(html: str) -> tuple[list[Block], str]:
    """The blocks of an HTML page (boilerplate removed) and its <title>."""
    soup = BeautifulSoup(html, "lxml")
    title = clean_inline(soup.title.get_text()) if soup.title else ""
    walker = _HtmlBlocks()
    walker.walk(_main_root(soup))
    walker.flush()
    return walker.blocks, title


# ---------------------------------------------------------------------------- Markdown

_FRONTMATTER_RE = re.compile(r"\A\ufeff?(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\+\+\+)[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE_RE = re.compile(r"^title:\s*[\"']?(.+?)[\"']?\s*$", re.M)
_MDX_IMPORT_RE = re.compile(r"^(?:import|export)\s.+$", re.M)
_TEMPLATE_TAG_RE = re.compile(r"\{%-?.*?-?%\}|\{\{<.*?>\}\}|\{\{%.*?%\}\}", re.S)
_MD = MarkdownIt("commonmark", {"html": True, "breaks": False}).enable("table").enable("strikethrough")


def strip_frontmatter(text: str) -> tuple[str, str]:
    """Remove YAML/TOML frontmatter; return (body, title from the frontmatter or '').

    Some CMS exports keep the whole page in a frontmatter field (``content: >-``); when
    the body is (nearly) empty, that field becomes the body.
    """
    match = _FRONTMATTER_RE.match(text)
    if not match:
        return text, ""
    title = _FRONT_TITLE_RE.search(match.group(0))
    body = text[match.end():]
    if len(body.strip()) < 200:
        embedded = _frontmatter_body(match.group(0))
        if embedded:
            body = embedded + "\n" + body
    return body, (title.group(1) if title else "")


def _frontmatter_body(block: str) -> str:
    """The longest string value of a YAML frontmatter block ('' when it is not YAML or has none)."""
    inner = block.strip().strip("-").strip()
    try:
        data = yaml.safe_load(inner)
    except yaml.YAMLError:
        return ""
    if not isinstance(data, dict):
        return ""
    texts = [v for v in data.values() if isinstance(v, str) and len(v) > 500]
    return max(texts, key=len) if texts else ""


def markdown_blocks(text: str) -> tuple[list[Block], str]:
    """The blocks of a Markdown (or MDX/Astro-ish) file: rendered to HTML, then read like HTML."""
    body, title = strip_frontmatter(text)
    body = _MDX_IMPORT_RE.sub("", body)
    body = _TEMPLATE_TAG_RE.sub("", body)
    blocks, _ = html_blocks(_MD.render(body))
    return blocks, title


# ---------------------------------------------------------------------------- plain text

_NUMBERED_RE = re.compile(r"^((?:\d{1,2}\.)+\d{0,2}|[IVX]{1,4}\.|[A-H]\.|§\s*\d+)\s+\S")
_UNDERLINE_RE = re.compile(r"^(=+|-+)\s*$")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)]|[a-z][.)])\s+")


def _looks_like_heading(line: str, next_blank: bool) -> int:
    """Heading level of a plain-text line, 0 if it is not one."""
    stripped = line.strip()
    if stripped.startswith("#"):
        hashes = len(stripped) - len(stripped.lstrip("#"))
        return min(hashes, 6) if stripped[hashes:hashes + 1] == " " else 0
    if not stripped or len(stripped) > 90 or stripped.endswith((".", ",", ";", ":")) and not _NUMBERED_RE.match(stripped):
        return 0
    if stripped.endswith((",", ";")) or stripped.count(". ") > 1:
        return 0
    numbered = _NUMBERED_RE.match(stripped)
    if numbered:
        depth = numbered.group(1).rstrip(".").count(".") + 1
        return min(depth + 1, 6) if len(stripped) <= 90 and not stripped.endswith(".") else 0
    words = stripped.split()
    if stripped.isupper() and len(words) <= 10:
        return 2
    if next_blank and len(words) <= 8 and stripped[0].isupper() and not stripped.endswith((".", "!", "?")):
        return 3
    return 0


def text_blocks(text: str) -> list[Block]:
    """The blocks of a plain-text statement: blank-line paragraphs, bullets and heuristic headings."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        joined = clean_inline(" ".join(paragraph))
        paragraph.clear()
        if joined:
            blocks.append(Block(joined, 0, "p"))

    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _UNDERLINE_RE.match(following.strip()) and line.strip() and len(line.strip()) <= 90:
            flush()
            blocks.append(Block(clean_inline(line), 1 if following.strip().startswith("=") else 2, "heading"))
            continue
        if _UNDERLINE_RE.match(line.strip()) and blocks and blocks[-1].kind == "heading" and not paragraph:
            continue
        if not line.strip():
            flush()
            continue
        previous_blank = index == 0 or not lines[index - 1].strip()
        after_heading = not paragraph and bool(blocks) and blocks[-1].kind == "heading"
        level = _looks_like_heading(line, not following.strip()) if previous_blank or after_heading else 0
        if level == 2 and line.strip().isupper() and not any(b.kind == "heading" for b in blocks):
            level = 1  # an upper-case first heading is the document title
        if level:
            flush()
            blocks.append(Block(clean_inline(line.strip().lstrip("#")), level, "heading"))
            continue
        if _BULLET_RE.match(line):
            flush()
            blocks.append(Block(clean_inline(line), 0, "li"))
            continue
        if blocks and blocks[-1].kind == "li" and not paragraph and line.startswith((" ", "\t")):
            last = blocks.pop()
            blocks.append(Block(clean_inline(last.text + " " + line), 0, "li"))
            continue
        paragraph.append(line)
    flush()
    return blocks


# ---------------------------------------------------------------------------- assembly


def assemble(blocks: list[Block], title: str = "") -> Document:
    """Join blocks into the normalised text and cut it into sections by heading.

    Headings and paragraphs are separated by a blank line, consecutive list items and
    table rows by a single newline (so a list reads as one passage). Pseudo-headings
    (level 7: bold lines, <summary>, accordion titles) nest below the last real heading.
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    previous: Block | None = None
    for block in blocks:
        if previous is not None:
            tight = block.kind in ("li", "row", "dd", "dt") and previous.kind == block.kind
            separator = "\n" if tight else "\n\n"
            parts.append(separator)
            position += len(separator)
        offsets.append((position, position + len(block.text)))
        parts.append(block.text)
        position += len(block.text)
        previous = block
    text = "".join(parts)

    sections: list[Section] = []
    stack: list[tuple[int, str]] = []  # (level, heading)
    current_path: tuple[str, ...] = ()
    start = 0
    last_real = 1

    def close(end: int) -> None:
        if end > start or current_path:
            sections.append(Section(current_path, text[start:end], start, end))

    for block, (b_start, b_end) in zip(blocks, offsets):
        if block.kind != "heading":
            continue
        close(b_start)
        level = block.level
        if level == 7:
            level = last_real + 1  # nest pseudo-headings below the last real heading
        else:
            last_real = level
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, block.text))
        current_path = tuple(h for _, h in stack)
        start = b_end
        while start < len(text) and text[start] == "\n":
            start += 1
    close(len(text))
    sections = [s for s in sections if s.text.strip() or s.heading_path]
    return Document(text=text, sections=tuple(sections), blocks=tuple(blocks), title=title)


def _looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(p|div|h[1-6]|ul|li|section|article|table|br)\b", text[:20000], re.I))


def extract_document(raw: str, fmt: str) -> Document:
    """Parse ``raw`` in format ``html``, ``markdown`` (incl. MDX/Astro) or ``text`` into a :class:`Document`."""
    fmt = fmt.lower()
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")  # CRLF files would defeat the frontmatter and list rules
    if fmt in ("md", "markdown", "mdx", "astro"):
        body, title = strip_frontmatter(raw)
        if fmt == "astro" or (body.lstrip().startswith("<") and _looks_like_html(body)):
            # An Astro/JSX page is HTML with components; markdown-it would treat indented markup as code.
            blocks, html_title = html_blocks(body)
            return assemble(blocks, title or html_title)
        blocks, title = markdown_blocks(raw)
        return assemble(blocks, title)
    if fmt in ("html", "htm"):
        blocks, title = html_blocks(raw)
        return assemble(blocks, title)
    if fmt in ("text", "txt", "plain"):
        return assemble(text_blocks(raw))
    raise ValueError(f"unknown statement format {fmt!r} (html, markdown, text)")
