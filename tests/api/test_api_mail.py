"""Mail: a real SMTP server on loopback (aiosmtpd, ``smtp`` fixture) receives what
techspec sends.  Reviewers get a mail per review request, threaded per spec, whose link
opens the spec; a refused mail is sent again; a title full of HTML stays text; digest
users get one mail a day and reviewers a reminder at most once a day (the worker's clock
is moved, not waited for); with no SMTP server, mails go to the mail log."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from api_support import draft, serve
from fastapi import FastAPI
from fastapi.testclient import TestClient

from html_dom import dom
from mail_support import SmtpServer, html_of, start_tls_smtp, text_of
from techspec.api.mail_worker import MailWorker
from techspec.api.settings import Settings
from techspec.api.smtp import LogTransport, SmtpTransport, Unsent, parse_smtp_url, transport
from techspec.asgi import create_app
from techspec.errors import ConfigError
from techspec.service.passwords import set_password
from techspec.store import mail_outbox, profiles
from techspec.store.engine import Store, open_store

People = dict[str, dict[str, str]]
LINK = re.compile(r"Open it: (\S+)")


def _addresses(store: Store, *names: str, mail: str = "immediate") -> None:
    for name in names:
        profiles.set_profile(store, name, email=f"{name}@example.test", mail=mail)


def _submit(
    client: httpx.Client | TestClient, people: People, title: str = "Payments Ledger"
) -> int:
    text = draft(title, "ada").replace("**Reviewers**: List of reviewers", "**Reviewers**: tom")
    created = client.post(
        "/api/v1/specs", content=text, headers={**people["ada"], "Content-Type": "text/markdown"}
    )
    assert created.status_code == 201, created.text
    spec_id: int = created.json()["id"]
    moved = client.post(
        f"/api/v1/specs/{spec_id}/transitions", json={"to": "Review"}, headers=people["ada"]
    )
    assert moved.status_code == 200, moved.text
    return spec_id


def test_reviewers_get_threaded_mails_whose_link_opens_the_spec_even_after_a_refusal(
    db_url: str, tmp_path: Path, people: People, smtp: SmtpServer
) -> None:
    store = open_store(db_url)
    _addresses(store, "tom", "pat", "sue")
    set_password(store, "tom", "tom-correct-horse")
    store.close()
    smtp.sink.refuse = 1  # the first mail is refused (451) and must come again
    env = {
        "TECHSPEC_SMTP_URL": smtp.url,
        "TECHSPEC_MAIL_FROM": "techspec <noreply@example.test>",
        "TECHSPEC_MAIL_POLL_SECONDS": "0.05",
        "TECHSPEC_MAIL_BACKOFF_SECONDS": "0.05",
        "TECHSPEC_WEBHOOKS": "0",
    }
    with serve(db_url, tmp_path / "server.log", env=env) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            spec_id = _submit(client, people)
        mails = smtp.sink.wait_for(lambda got: len(got) >= 3)
        assert smtp.sink.refused == 1
        assert sorted(str(m["To"]) for m in mails) == [
            "pat <pat@example.test>",
            "sue <sue@example.test>",
            "tom <tom@example.test>",
        ]
        [mail] = smtp.sink.to("tom@example.test")
        assert mail["From"] == "techspec <noreply@example.test>"
        assert mail["Subject"] == "[techspec] Technical Specification: Payments Ledger"
        root = f"<spec.{spec_id}@127.0.0.1>"
        assert mail["In-Reply-To"] == root and mail["References"] == root
        assert mail["Message-ID"] != root and mail["Message-ID"].endswith("@127.0.0.1>")
        text = text_of(mail)
        assert "ada asks for your review of" in text
        found = LINK.search(text)
        assert found is not None
        link = found.group(1)
        assert link == f"{server.url}/specs/payments-ledger"
        assert f'href="{link}"' in html_of(mail)
        with httpx.Client(timeout=10) as browser:
            first = browser.get(link)  # not signed in: to the sign-in form, and back
            assert first.status_code in (302, 303, 307)
            assert first.headers["location"] == "/login?next=/specs/payments-ledger"
            form = browser.get(f"{server.url}/login").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', form)
            assert csrf is not None
            signed = browser.post(
                f"{server.url}/login",
                data={
                    "username": "tom",
                    "password": "tom-correct-horse",
                    "csrf": csrf.group(1),
                    "next": "/specs/payments-ledger",
                },
            )
            assert signed.status_code == 303
            page = browser.get(link)
            assert page.status_code == 200
            assert "Payments Ledger" in page.text


@pytest.fixture
def quiet(settings: Settings) -> Settings:
    """No worker threads: the tests run the mail worker's rounds themselves."""
    return replace(settings, mail=False, public_url="http://techspec.test")


@pytest.fixture
def quiet_app(quiet: Settings, store: Store) -> FastAPI:
    return create_app(quiet, store=store)


@pytest.fixture
def quiet_client(quiet_app: FastAPI) -> TestClient:
    with TestClient(quiet_app, raise_server_exceptions=False) as opened:
        return opened


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _worker(app: FastAPI, smtp: SmtpServer, clock: Clock) -> MailWorker:
    return MailWorker(app.state.api, via=SmtpTransport(parse_smtp_url(smtp.url)), clock=clock)


def test_html_in_a_title_or_a_comment_stays_text_in_the_mail(
    quiet_app: FastAPI, quiet_client: TestClient, store: Store, people: People, smtp: SmtpServer
) -> None:
    _addresses(store, "tom", "ada")
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    spec_id = _submit(quiet_client, people, title=f"Ledger {payload}")
    read = quiet_client.get(f"/api/v1/specs/{spec_id}", headers=people["tom"])
    decided = quiet_client.post(
        f"/api/v1/specs/{spec_id}/approvals",
        json={"role": "Technical Lead", "decision": "request_changes", "comment": payload},
        headers={**people["tom"], "If-Match": read.headers["ETag"]},
    )
    assert decided.status_code == 200, decided.text
    assert _worker(quiet_app, smtp, Clock()).round() >= 2
    for mail in smtp.sink.received:
        page = dom(html_of(mail))
        assert page.find_all("img") == [] and page.find_all("script") == []
        assert all(not name.startswith("on") for e in page.iter() for name in e.attrs)
        assert "\n" not in mail["Subject"]
    [changes] = [m for m in smtp.sink.to("ada@example.test") if "requested changes" in text_of(m)]
    assert payload in dom(html_of(changes)).text.replace("“", "").replace("”", "") or (
        '<img src=x onerror="alert(1)">' in dom(html_of(changes)).text
    )
    assert payload in text_of(changes)  # the plain text says exactly what was written


def test_digest_users_get_one_mail_a_day_with_what_is_unread(
    quiet_app: FastAPI, quiet_client: TestClient, store: Store, people: People, smtp: SmtpServer
) -> None:
    _addresses(store, "pat", mail="digest")
    _submit(quiet_client, people)
    clock = Clock()
    worker = _worker(quiet_app, smtp, clock)
    assert worker.round() == 1
    [digest] = smtp.sink.received
    assert digest["Subject"] == "[techspec] Your daily digest: 1 item"
    assert "asks for your review" in text_of(digest)
    assert "http://techspec.test/specs/payments-ledger" in text_of(digest)
    _submit(quiet_client, people, title="Search Reindexing")
    clock.now += timedelta(hours=2)
    worker.housekeeping(force=True)
    assert worker.round() == 0  # not a day yet
    clock.now += timedelta(hours=22)
    worker.housekeeping(force=True)
    assert worker.round() == 1
    second = smtp.sink.received[-1]
    assert "Search Reindexing" in text_of(second) and "Payments Ledger" not in text_of(second)


def test_reviewers_are_reminded_after_the_configured_days_at_most_once_a_day(
    quiet_app: FastAPI, quiet_client: TestClient, store: Store, people: People, smtp: SmtpServer
) -> None:
    _addresses(store, "tom")
    _submit(quiet_client, people)
    clock = Clock()
    worker = _worker(quiet_app, smtp, clock)
    assert worker.round() == 1  # the review request itself
    smtp.sink.clear()
    clock.now += timedelta(days=2)
    worker.housekeeping(force=True)
    assert worker.round() == 0  # 3 days by default
    clock.now += timedelta(days=1, minutes=1)
    worker.housekeeping(force=True)
    assert worker.round() == 1
    [reminder] = smtp.sink.received
    assert reminder["Subject"] == "[techspec] Reviews wait for you"
    assert "Reminder: 1 review wait for you" in text_of(reminder)
    clock.now += timedelta(hours=12)
    worker.housekeeping(force=True)
    assert worker.round() == 0
    clock.now += timedelta(hours=12)
    worker.housekeeping(force=True)
    assert worker.round() == 1


def test_a_mail_refused_every_time_fails_after_the_last_attempt(
    quiet_app: FastAPI, quiet_client: TestClient, store: Store, people: People, smtp: SmtpServer
) -> None:
    _addresses(store, "tom")
    quiet_app.state.api.settings = replace(
        quiet_app.state.api.settings, mail_max_attempts=2, mail_backoff_seconds=60
    )
    _submit(quiet_client, people)
    clock = Clock()
    worker = _worker(quiet_app, smtp, clock)
    smtp.sink.refuse = 5
    assert worker.round() == 1
    assert worker.round() == 0  # backing off
    clock.now += timedelta(minutes=2)
    assert worker.round() == 1
    assert mail_outbox.states(store) == {"failed": 1}
    assert smtp.sink.received == [] and smtp.sink.refused == 2


def test_without_an_smtp_server_mails_go_to_the_mail_log(
    quiet_app: FastAPI, quiet_client: TestClient, store: Store, people: People, tmp_path: Path
) -> None:
    _addresses(store, "tom")
    log = tmp_path / "mail.log"
    via = transport("", str(log), 5.0)
    assert isinstance(via, LogTransport)
    worker = MailWorker(quiet_app.state.api, via=via)
    _submit(quiet_client, people)
    assert worker.round() == 1
    written = log.read_text("utf-8")
    assert "To: tom <tom@example.test>" in written
    assert "Subject: [techspec] Technical Specification: Payments Ledger" in written


def test_smtp_urls_name_the_server_its_tls_and_its_login() -> None:
    plain = parse_smtp_url("smtp://mail.example.test:2525")
    assert (plain.host, plain.port, plain.starttls, plain.tls) == (
        "mail.example.test",
        2525,
        False,
        False,
    )
    assert (
        parse_smtp_url("smtp+starttls://h").starttls
        and parse_smtp_url("smtp+starttls://h").port == 587
    )
    assert parse_smtp_url("smtp://h:25?starttls=1").starttls
    secure = parse_smtp_url("smtps://ada%40corp:p%3Ass@h")
    assert (secure.tls, secure.port, secure.username, secure.password) == (
        True,
        465,
        "ada@corp",
        "p:ss",
    )
    assert "p:ss" not in repr(secure)
    for bad in ("http://h", "smtp://", "smtp://h:99999"):
        with pytest.raises(ConfigError, match="TECHSPEC_SMTP_URL"):
            parse_smtp_url(bad)


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_mail_goes_over_tls_with_a_login_from_the_url(tmp_path: Path, implicit: bool) -> None:
    server, trust = start_tls_smtp(tmp_path, implicit=implicit)
    port = server.controller.port
    try:
        scheme = "smtps" if implicit else "smtp+starttls"
        url = f"{scheme}://mailer:s3cret%3Apw@127.0.0.1:{port}"
        SmtpTransport(parse_smtp_url(url), 10.0, trust).send(_plain_mail())
        [got] = server.sink.received
        assert got["Subject"] == "hello"
        wrong = f"{scheme}://mailer:nope@127.0.0.1:{port}"
        with pytest.raises(Unsent, match="refused the login"):
            SmtpTransport(parse_smtp_url(wrong), 10.0, trust).send(_plain_mail())
        untrusted = SmtpTransport(parse_smtp_url(url), 10.0)  # the system's CAs only
        with pytest.raises(Unsent, match=r"TLS failed|SMTP failed"):
            untrusted.send(_plain_mail())
        if not implicit:  # without STARTTLS this server takes no mail and no login
            plain = SmtpTransport(parse_smtp_url(f"smtp://mailer:s3cret%3Apw@127.0.0.1:{port}"))
            with pytest.raises(Unsent):
                plain.send(_plain_mail())
        assert len(server.sink.received) == 1
    finally:
        server.controller.stop()


def _plain_mail() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "techspec <noreply@example.test>"
    message["To"] = "tom@example.test"
    message["Subject"] = "hello"
    message.set_content("hello")
    return message
