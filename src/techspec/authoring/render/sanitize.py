"""The allow-list that makes rendered Markdown safe to open: nh3 (ammonia) over the body.

Specs are user input and CommonMark passes raw HTML through, so everything the Markdown
renderer produced is cleaned before it reaches the page: no scripts, frames, forms,
event handlers, ``style`` (except ``text-align`` on table cells) or non-web URL schemes.
Task-list boxes survive only as disabled checkboxes, whatever the source said.
"""

from __future__ import annotations

import nh3

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

TAGS = frozenset(
    {
        *_HEADINGS,
        *("p", "br", "wbr", "hr", "blockquote", "pre", "code", "kbd", "samp", "var"),
        *("strong", "em", "b", "i", "s", "del", "ins", "mark", "sub", "sup", "abbr", "small"),
        *("ul", "ol", "li", "dl", "dt", "dd", "details", "summary", "span", "div"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
        *("a", "img", "input"),
    }
)

ATTRIBUTES: dict[str, set[str]] = {
    **{tag: {"id"} for tag in _HEADINGS},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "input": {"checked"},
    "ol": {"start"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "abbr": {"title"},
}

CLASSES: dict[str, set[str]] = {
    "span": {"date"},
    "ul": {"contains-task-list"},
    "ol": {"contains-task-list"},
    "li": {"task-list-item"},
    "input": {"task-list-item-checkbox"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""Relative URLs and ``#fragment`` links pass too; ``javascript:``, ``file:`` do not, and
``data:`` only as a raster image (:data:`EMBEDDED_IMAGES`)."""

EMBEDDED_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
"""Images written into the spec itself: the one kind a PDF shows (it fetches nothing) and
the page shows without asking another host.  SVG is left out: it can carry script."""

_DROP_WITH_CONTENT = {"script", "style", "iframe", "noscript", "object", "template", "textarea"}


def sanitize(html: str) -> str:
    """Keep only the allow-listed tags, attributes, classes and URL schemes of ``html``."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        set_tag_attribute_values={"input": {"type": "checkbox", "disabled": "disabled"}},
        url_schemes={*URL_SCHEMES, "data"},
        attribute_filter=_embedded_images_only,
        filter_style_properties={"text-align"},
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


def _embedded_images_only(tag: str, attribute: str, value: str) -> str | None:
    """Let a ``data:`` URL through only as the ``src`` of an image of a raster type."""
    url = value.strip().lower()
    if attribute not in ("href", "src") or not url.startswith("data:"):
        return value
    image = tag == "img" and attribute == "src"
    return value if image and url.startswith(EMBEDDED_IMAGES) else None
