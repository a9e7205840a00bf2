"""What the pages show, built without HTTP: list queries, snippets, drafts, edits, diffs,
the workflow panel, the dashboard, sessions, passwords and the ``user passwd`` command."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import click
import pytest
from click.testing import CliRunner
from starlette.requests import Request
from web_support import REVIEWERS, filled, password, raw_draft

from techspec.authoring.render.html import split_title
from techspec.cli import passwords as web_cli
from techspec.cli import store as store_cli
from techspec.errors import UsageError
from techspec.lint.template import builtin_template
from techspec.service.passwords import (
    BadCredentials,
    demo_passwords,
    set_password,
    verify,
)
from techspec.service.sessions import Timeouts, resume, start
from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.seen import Seen
from techspec.store.users import find_user
from techspec.web import csrf, dashboard, diffs, editing, listing, review
from techspec.web.pages import ago, plural
from techspec.web.sessions import Session, SessionCodec
from techspec.web.specview import document_view

# -- the list -----------------------------------------------------------------------------


def test_a_list_query_falls_back_on_unknown_sorts_and_bad_pages() -> None:
    query = listing.ListQuery.parse({"sort": "nonsense", "page": "-3", "status": " Draft "})
    assert (query.sort, query.page, query.status) == ("updated", 1, "Draft")


def test_a_list_query_writes_only_what_differs_from_the_defaults_into_its_url() -> None:
    query = listing.ListQuery.parse({"q": "rate limit", "sort": "title", "page": "3"})
    assert query.url() == "/specs?q=rate+limit&sort=title"
    assert query.url(page=4) == "/specs?q=rate+limit&sort=title&page=4"
    assert listing.ListQuery().url() == "/specs"


def test_a_snippet_marks_query_words_but_not_placeholders_and_escapes_the_rest() -> None:
    marked = listing.highlight("the [ledger] keeps <b>[Name]</b> | --- | x", "Ledger")
    assert str(marked) == "the <mark>ledger</mark> keeps &lt;b&gt;[Name]&lt;/b&gt; · x"


def test_specs_sort_by_status_in_lifecycle_order(store: Store) -> None:
    listed = listing.fetch(store, listing.ListQuery(sort="status")).rows
    assert [row.item.status for row in listed] == ["Draft", "Review", "Approved"]


# -- drafts, edits and diffs ----------------------------------------------------------------


def test_text_from_the_browser_keeps_the_documents_line_endings() -> None:
    assert editing.browser_text("a\r\nb\r\n", "a\nb\n") == "a\nb\n"
    assert editing.browser_text("a\r\nb\r\n", "a\r\nb\r\n") == "a\r\nb\r\n"


def test_diff_lines_are_classified_and_the_file_header_is_dropped() -> None:
    unified = "--- old\n+++ new\n@@ -1,2 +1,2 @@\n kept\n--- removed rule\n+added\n"
    kinds = [(line.kind, line.text) for line in diffs.lines(unified)]
    assert kinds == [
        ("hunk", "@@ -1,2 +1,2 @@"),
        ("context", "kept"),
        ("del", "-- removed rule"),
        ("add", "added"),
    ]


def test_a_document_view_ties_each_finding_to_its_section() -> None:
    view = document_view(raw_draft("Viewed"), builtin_template())
    assert (view.kicker, view.name) == ("Technical Specification", "Viewed")
    summary = next(f for f in view.findings if "2-3 sentence summary" in f.message)
    assert summary.anchor == "sec-executive-summary"
    assert view.state == "warned"
    assert any(row.title == "Success Criteria" and row.total == 3 for row in view.progress)


def test_a_title_without_the_templates_prefix_is_shown_whole() -> None:
    assert split_title("Just a Title", builtin_template()) == ("", "Just a Title")
    assert split_title(None, builtin_template()) == ("", "Untitled specification")


# -- the workflow panel and the dashboard ---------------------------------------------------


def _spec(store: Store, slug: str, *, review: bool = False) -> None:
    ada = find_user(store, "ada")
    revisions.create_spec(store, slug, filled(raw_draft(slug.title())), author=ada)
    if review:
        workflow.submit(store, slug, ada)


def _panel(store: Store, slug: str, who: str) -> review.Panel:
    spec = revisions.get_spec(store, slug)
    current = revisions.get_revision(store, slug)
    return review.panel(store, spec, current, builtin_template(), find_user(store, who))


def test_a_draft_offers_its_author_the_submission_and_a_viewer_nothing(store: Store) -> None:
    _spec(store, "panel-draft")
    mine = _panel(store, "panel-draft", "ada")
    assert [(s.action, s.allowed, s.gates) for s in mine.steps] == [("submit", True, [])]
    theirs = _panel(store, "panel-draft", "vic")
    assert not theirs.steps[0].allowed
    assert not theirs.can_edit


def test_in_review_each_reviewer_may_decide_for_their_role_but_the_author_may_not(
    store: Store,
) -> None:
    _spec(store, "panel-review", review=True)
    tom = _panel(store, "panel-review", "tom")
    assert tom.my_roles == ["Technical Lead"]
    assert tom.pending == ["Technical Lead", "Product Owner", "Security Lead"]
    author = _panel(store, "panel-review", "ada")
    assert author.my_roles == []
    assert author.wrote_it


def test_an_edit_after_approval_marks_approvals_stale_with_the_content_changes(
    store: Store,
) -> None:
    _spec(store, "panel-stale", review=True)
    for name, role in REVIEWERS.items():
        seen = Seen(number=revisions.get_revision(store, "panel-stale").number)
        workflow.approve(store, "panel-stale", find_user(store, name), role, seen=seen)
    current = revisions.get_revision(store, "panel-stale")
    assert current.status == "Approved"
    edited = current.text.replace("## Scope\n", "## Scope\n\nNarrower.\n", 1)
    revisions.save(
        store, "panel-stale", edited, base=current.number, author=find_user(store, "ada")
    )
    panel = _panel(store, "panel-stale", "tom")
    assert [s.state for s in panel.signoffs] == ["stale", "stale", "stale"]
    assert panel.my_roles == ["Technical Lead"]
    stale = next(iter(panel.stale.values()))
    assert [change.path for change in stale.changes] == ["Scope"]


def test_the_dashboard_shows_what_waits_for_a_reviewer_and_an_authors_drafts(
    store: Store,
) -> None:
    _spec(store, "board-review", review=True)
    _spec(store, "board-draft")
    board = dashboard.build(store, find_user(store, "tom"), lambda _spec: builtin_template())
    waiting = {w.item.slug: w.roles for w in board.waiting}
    assert waiting["board-review"] == ["Technical Lead"]
    assert ("Implemented", 0) in board.by_status
    assert any(group.item.slug == "0001-payments-ledger" for group in board.tasks)
    assert any("Impact High" in name for group in board.risks for name in group.names)
    mine = dashboard.drafts_of(store, find_user(store, "ada"), "Draft")
    assert [item.slug for item in mine] == ["board-draft"]


def test_my_drafts_are_those_my_name_is_among_the_authors_of_or_that_i_created(
    store: Store,
) -> None:
    """Exact at any size: no longer a look at the latest few hundred drafts only."""
    ada, tom = find_user(store, "ada"), find_user(store, "tom")
    for slug, author, creator in (
        ("drafted-by-ada", "ada", ada),
        ("co-written", "Tom and Ada", tom),
        ("created-for-tom", "tom", ada),
        ("toms-own", "tom", tom),
    ):
        revisions.create_spec(store, slug, filled(raw_draft(slug.title(), author)), author=creator)
    _spec(store, "submitted", review=True)
    mine = {item.slug for item in dashboard.drafts_of(store, ada, "Draft")}
    assert mine == {"drafted-by-ada", "co-written", "created-for-tom"}
    toms = {item.slug for item in dashboard.drafts_of(store, tom, "Draft")}
    assert toms == {"co-written", "created-for-tom", "toms-own"}


def test_times_read_as_people_say_them() -> None:
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert ago(now - timedelta(seconds=5), now) == "just now"
    assert ago(now - timedelta(minutes=1), now) == "1 minute ago"
    assert ago(now - timedelta(hours=5), now) == "5 hours ago"
    assert ago(now - timedelta(days=40), now) == "2026-03-22"
    assert plural(1, "gate") == "1 gate"
    assert plural(3, "gate") == "3 gates"


# -- sessions, CSRF, passwords --------------------------------------------------------------


def _request(cookie: str = "", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if cookie:
        raw.append((b"cookie", f"techspec_session={cookie}".encode()))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


def test_a_session_survives_its_cookie_but_not_another_key_or_its_age() -> None:
    codec = SessionCodec("one-key")
    session = Session.anonymous().signed_in("a-session-id").with_flash("Saved.")
    value = codec.dump(session)
    assert codec.load(_request(value)) == session
    assert SessionCodec("another-key").load(_request(value)) is None
    assert SessionCodec("one-key", max_age=-1).load(_request(value)) is None
    assert codec.load(_request("garbage")) is None


def test_a_csrf_token_must_match_exactly_and_come_from_this_site() -> None:
    assert csrf.matches("token-123", "token-123")
    assert not csrf.matches("token-123", "token-124")
    assert not csrf.matches("token-123", None)
    assert csrf.same_origin(_request(headers={"Host": "a.test", "Origin": "http://a.test"}))
    assert not csrf.same_origin(_request(headers={"Host": "a.test", "Origin": "http://b.test"}))
    assert csrf.same_origin(_request(headers={"Host": "a.test"}))


def test_a_password_signs_its_user_in_until_it_is_changed(store: Store) -> None:
    user = verify(store, "ada", password("ada"))
    assert user.name == "ada"
    sid = start(store, user, Timeouts())
    assert resume(store, sid, Timeouts()) == user
    with pytest.raises(BadCredentials):
        verify(store, "ada", "not-her-password")
    with pytest.raises(BadCredentials):
        verify(store, "nobody-at-all", "whatever-it-is")
    set_password(store, "ada", "another-long-password")
    assert resume(store, sid, Timeouts()) is None


def test_a_short_password_is_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="at least 8 characters"):
        set_password(store, "ada", "short")


def test_demo_users_get_random_passwords_printed_once(store: Store) -> None:
    out = io.StringIO()
    given = demo_passwords(store, ["tom", "pat"], out)
    assert set(given) == {"tom", "pat"}
    assert f"tom              {given['tom']}" in out.getvalue()
    assert verify(store, "pat", given["pat"]).name == "pat"


def _cli() -> click.Group:
    group = click.Group("techspec")
    store_cli.register(group)
    web_cli.register(group)
    return group


def test_user_passwd_sets_a_password_read_from_standard_input(db_url: str, store: Store) -> None:
    result = CliRunner().invoke(
        _cli(),
        ["user", "passwd", "bob", "--password-stdin", "--db", db_url],
        input="bobs-new-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "password set for bob" in result.output
    assert verify(store, "bob", "bobs-new-password").name == "bob"


def test_user_passwd_prompts_twice_or_generates_one(db_url: str, store: Store) -> None:
    prompted = CliRunner().invoke(
        _cli(), ["user", "passwd", "pat", "--db", db_url], input="pats-password\npats-password\n"
    )
    assert prompted.exit_code == 0, prompted.output
    generated = CliRunner().invoke(_cli(), ["user", "passwd", "sue", "--generate", "--db", db_url])
    assert generated.exit_code == 0
    assert verify(store, "sue", generated.stdout.strip().splitlines()[-1]).name == "sue"


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("bob", "short\n", "at least 8 characters"),
        ("zed", "long-enough-password\n", "unknown user"),
    ],
)
def test_user_passwd_explains_what_it_refuses(
    db_url: str, name: str, given: str, message: str
) -> None:
    result = CliRunner().invoke(
        _cli(), ["user", "passwd", name, "--password-stdin", "--db", db_url], input=given
    )
    assert result.exit_code == 2
    assert message in result.output
