"""Web pages: the main content as Markdown (trafilatura), without menus, banners, sidebars and footers. A page
larger than `limits.max_html_bytes` is refused unread (trafilatura's time grows fast with a page's size)."""

from __future__ import annotations

import copy
import logging
import re
from importlib.metadata import version
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from indexer.errors import SourceError
from indexer.ingest.convert.converted import MEDIA_TYPES, Converted
from indexer.ingest.convert.fields import iso_date, publisher_or_empty, title_or_empty
from indexer.ingest.convert.limits import Limits, check_chars, check_html_size, current
from indexer.ingest.convert.markdown import tidy

log = logging.getLogger(__name__)

# Inline emphasis is dropped (its text is kept): the text of record reads as the page does, so a quoted
# sentence matches it without `**` or `*` markers in the middle.
_INLINE_TAGS = ("b", "strong", "i", "em", "u", "mark", "small", "big", "font", "sub", "sup", "abbr", "cite", "span")
# Chrome and Edge write this comment at the top of a page saved with "Save page as...".
_SAVED_FROM = re.compile(rb"<!-- saved from url=\(\d+\)(https?://[^\s>]+) -->")
# Fewer characters than this after boilerplate removal is not an article.
MIN_CONTENT_CHARS = 80


def convert_html(data: bytes, name: str, *, url: str = "", charset: str = "", limits: Limits | None = None
                 ) -> Converted:
    """A web page's main content. `url` is where it was fetched from (empty for a file); `charset` the
    encoding the server declared, if any. A page over `limits.max_html_bytes` is refused unread."""
    limits = current(limits)
    check_html_size(data, name, limits)
    tree = _parse(data, charset)
    if tree is None:
        raise SourceError(f"{name} cannot be read as a web page. Save the page again from the browser.")
    page_url = _page_url(tree, url, data)
    metadata = trafilatura.extract_metadata(copy.deepcopy(tree), default_url=page_url or None, extensive=False)
    etree.strip_tags(tree, *_INLINE_TAGS)
    markdown = trafilatura.extract(
        tree,
        url=url or None,
        output_format="markdown",
        include_formatting=True,  # needed for `#` headings
        include_tables=True,
        include_comments=False,
        include_links=False,
        include_images=False,
        favor_precision=True,
        with_metadata=False,
    )
    text = tidy(markdown or "")
    if len(text.strip()) < MIN_CONTENT_CHARS:
        raise SourceError(
            f"No article text was found in {name} (the page may need JavaScript, or be only menus and links). "
            "Copy the article's text into a .txt file and add that instead."
        )
    check_chars(len(text), name, limits)
    return Converted(
        text=text,
        suffix=".md",
        title=title_or_empty(metadata.title),
        publisher=publisher_or_empty(metadata.sitename) or publisher_or_empty(metadata.author),
        url=page_url,
        date=iso_date(metadata.date),
        original_name=name,
        original_bytes=data,
        media_type=MEDIA_TYPES["html"],
        extractor="trafilatura",
        extractor_version=version("trafilatura"),
    )


def _parse(data: bytes, charset: str) -> etree._Element | None:
    if charset:
        try:
            return load_html(data.decode(charset))
        except (LookupError, UnicodeDecodeError):
            log.warning("The declared charset %r does not decode the page; guessing the encoding.", charset)
    return load_html(data)


def _page_url(tree: etree._Element, fetched: str, data: bytes) -> str:
    """The page's address: the canonical one it declares (without the tracking parameters a fetched address
    may carry), else the address it was fetched from, else the one the browser noted when saving it."""
    declared = tree.xpath(
        "string((//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
        " | //meta[@property='og:url']/@content)[1])"
    ).strip()
    saved = _SAVED_FROM.search(data[:4096])
    base = fetched or (saved.group(1).decode("ascii", "replace") if saved else "")
    canonical = urljoin(base, declared) if declared else ""
    return canonical if urlsplit(canonical).scheme in ("http", "https") else base
