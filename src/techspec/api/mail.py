"""What a mail says: plain text and HTML made from inbox items, threaded per spec.

Every value that came from a person (spec titles, summaries with comments, names) is
HTML-escaped in the HTML part and kept on one line in headers, so a title such as
``<img src=x onerror=...>`` arrives as text.  Mail clients thread by ``References`` and
``In-Reply-To``: every mail about a spec refers to one made-up root message of that spec
(``<spec.ID@host>``) and, for a thread, to the thread's own root, so a spec's mails, and
a thread's, read as one conversation.  Each mail links to the exact place it is about
(the spec page, at its thread), under ``TECHSPEC_PUBLIC_URL``.
"""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from urllib.parse import quote, urlsplit

from techspec.store.inbox import Item
from techspec.store.mail_outbox import Letter

SUBJECT_MAX = 160


def compose(letter: Letter, *, sender: str, base_url: str) -> EmailMessage:
    """The mail of ``letter`` from ``sender`` with links under ``base_url``."""
    domain = urlsplit(base_url).hostname or "techspec.local"
    base = base_url.rstrip("/")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((_line(letter.display_name or letter.user), letter.to))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<mail.{letter.outbox_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    if letter.kind == "digest" or len(letter.items) != 1:
        count = len(letter.items)
        message["Subject"] = f"[techspec] Your daily digest: {count} item{'s' * (count != 1)}"
        lines = [f"- {item.summary}\n  {base}{_path(item)}" for item in letter.items]
        text = "What happened in techspec since your last digest:\n\n" + "\n".join(lines)
        rows = "".join(
            f'<li>{html.escape(item.summary)}<br><a href="{html.escape(base + _path(item))}">'
            "Open</a></li>"
            for item in letter.items
        )
        body = f"<p>What happened in techspec since your last digest:</p><ul>{rows}</ul>"
    else:
        item = letter.items[0]
        message["Subject"] = _subject(item)
        roots = _roots(item, domain)
        if roots:
            message["In-Reply-To"] = roots[-1]
            message["References"] = " ".join(roots)
        link = base + _path(item)
        text = f"{item.summary}\n\nOpen it: {link}\n"
        body = (
            f"<p>{html.escape(item.summary)}</p>"
            f'<p><a href="{html.escape(link)}">Open it in techspec</a></p>'
        )
    footer = f"\n\nYour inbox: {base}/inbox · mail settings: {base}/profile\n"
    message.set_content(text + footer)
    message.add_alternative(
        "<!DOCTYPE html><html><body>"
        + body
        + '<p style="color:#666;font-size:small">'
        + f'<a href="{html.escape(base)}/inbox">Your inbox</a>'
        + f' · <a href="{html.escape(base)}/profile">mail settings</a></p></body></html>',
        subtype="html",
    )
    return message


def _path(item: Item) -> str:
    if item.slug is None:
        return item.link
    anchor = f"#thread-{item.thread_id}" if item.thread_id else ""
    return f"/specs/{quote(item.slug, safe='')}{anchor}"


def _subject(item: Item) -> str:
    if item.kind == "reminder":
        return "[techspec] Reviews wait for you"
    title = _line(item.title or item.slug or "techspec")
    return f"[techspec] {title}"[:SUBJECT_MAX]


def _roots(item: Item, domain: str) -> list[str]:
    """The made-up messages this one replies to: the spec's, then its thread's."""
    if item.spec_id is None:
        return []
    roots = [f"<spec.{item.spec_id}@{domain}>"]
    if item.thread_id is not None:
        roots.append(f"<thread.{item.thread_id}.spec.{item.spec_id}@{domain}>")
    return roots


def _line(value: str) -> str:
    """One line of printable text: headers cannot carry a line break (or a second header)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
