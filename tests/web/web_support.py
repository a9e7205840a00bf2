"""Helpers for the web suite (imported explicitly; not a conftest): the suite's people and
their passwords, spec texts, a real ``techspec serve`` process, and a browser tab that
records console errors."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page

from techspec.authoring.scaffold import scaffold
from techspec.lint.template import builtin_template
from techspec.service.passwords import set_password
from techspec.store.engine import Store
from techspec.store.users import add_user

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TECHSPEC_SCREENSHOTS") or ROOT / "build" / "screenshots")
"""Where the browser tests put their screenshots: ``build/`` (ignored by git), so a test
run leaves the checkout as it was; ``make screenshots`` writes them into
``docs/screenshots/`` for the README."""
TECHSPEC = Path(sys.executable).parent / "techspec"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}

PEOPLE: dict[str, tuple[str, ...]] = {
    "root": ("admin",),
    "ada": ("author",),
    "bob": ("author",),
    "vic": ("viewer",),
    "tom": ("Technical Lead",),
    "pat": ("Product Owner",),
    "sue": ("Security Lead",),
}
"""An admin, two authors, a viewer and one reviewer per sign-off role of the template."""
REVIEWERS = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}

_SIGNOFF = re.compile(r"\| \[Name\]\s*\| \[Date\]\s*\| \[Approval\]\s*\|")
_PLACEHOLDER = re.compile(r"\[(?! \]|x\])([^\[\]\n]+)\]")


def password(name: str) -> str:
    return f"{name}-correct-horse"


def add_people(store: Store) -> None:
    for name, roles in PEOPLE.items():
        add_user(store, name, list(roles))
        set_password(store, name, password(name))


def raw_draft(title: str, author: str = "ada") -> str:
    """What "New spec" makes: the template with its placeholders."""
    return scaffold(builtin_template(), title, author, date.today())


def filled(text: str) -> str:
    """``text`` with every placeholder replaced by its words: it lints clean at Review."""
    text = _SIGNOFF.sub("|  |  |  |", text)
    text = _PLACEHOLDER.sub(lambda m: re.sub(r"[^\w -]", "", m.group(1)).strip() or "x", text)
    return text.replace("High/Medium/Low", "Medium")


# -- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    db_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serve(
    db_url: str,
    log: Path,
    timeout: float = 30.0,
    settings: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """``techspec serve`` on a free loopback port (or ``port``) until it answers /readyz
    (``settings`` adds or overrides ``TECHSPEC_*`` variables)."""
    port = port or free_port()
    env = {
        **os.environ,
        "TECHSPEC_SECRET_KEY": "web-suite-secret",
        "TECHSPEC_WEBHOOKS": "0",
        "TECHSPEC_RATE_PER_SECOND": "0",
        "TECHSPEC_LOG_LEVEL": "WARNING",
        **(settings or {}),
    }
    command = [str(TECHSPEC), "serve", "--db", db_url, "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", db_url, process, log)
    try:
        deadline = time.monotonic() + timeout
        while not _ready(server):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"techspec serve did not start:\n{server.logs()}")
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ready(server: Server) -> bool:
    try:
        return httpx.get(f"{server.url}/readyz", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


# -- the browser --------------------------------------------------------------------------


@dataclass
class Tab:
    """A page in its own browser context (its own cookies), with its console errors."""

    base: str
    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str, *, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def csrf(self) -> str:
        token = self.page.locator('input[name="csrf"]').first.get_attribute("value")
        assert token
        return token


def open_tab(
    browser: Browser,
    base: str,
    *,
    viewport: dict[str, int] | None = None,
    javascript: bool = True,
) -> Tab:
    width, height = (viewport or WIDE)["width"], (viewport or WIDE)["height"]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        java_script_enabled=javascript,
        locale="en-GB",
        timezone_id="UTC",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    tab = Tab(base, context, page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error" or _is_page_status(message, page):
            return
        tab.errors.append(f"{page.url}: {message.text}")

    def on_error(error: Error) -> None:
        tab.errors.append(f"{page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    return tab


class Tabs:
    """Opens tabs on one server, each in its own browser context, and remembers them."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.opened: list[Tab] = []

    def open(self, *, viewport: dict[str, int] | None = None, javascript: bool = True) -> Tab:
        tab = open_tab(self.browser, self.base, viewport=viewport, javascript=javascript)
        self.opened.append(tab)
        return tab

    def signed_in(self, name: str, *, viewport: dict[str, int] | None = None) -> Tab:
        tab = self.open(viewport=viewport)
        sign_in(tab, name)
        tab.page.wait_for_url(self.base + "/")
        return tab

    def close(self) -> list[str]:
        """Close every tab; returns the console errors they logged."""
        errors = [error for tab in self.opened for error in tab.errors]
        for tab in self.opened:
            tab.context.close()
        return errors


def _is_page_status(message: ConsoleMessage, page: Page) -> bool:
    """Chromium's note that the page itself came with an error status (a 403, 404 or 409
    page that explains itself); a failed script, style or htmx request still counts."""
    return message.text.startswith("Failed to load resource") and (
        message.location.get("url") == page.url
    )


def sign_in(tab: Tab, name: str, secret: str | None = None) -> Page:
    page = tab.go("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(secret if secret is not None else password(name))
    page.get_by_role("button", name="Sign in").click()
    return page


# -- selecting text in the rendered spec ------------------------------------------------

SELECT = """(wanted) => {
  const body = document.querySelector('.doc .spec-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.nodeValue.indexOf(wanted);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      const box = range.getBoundingClientRect();
      return [box.left + box.width / 2, box.top + box.height / 2];
    }
  }
  return null;
}"""


def select_text(page: Page, text: str) -> None:
    """Select ``text`` in the rendered spec as a person would, ending with the mouse up."""
    where = page.evaluate(SELECT, text)
    assert where is not None, f"{text!r} is not on the page"
    page.mouse.move(where[0], where[1])
    page.evaluate("document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}))")
