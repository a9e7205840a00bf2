"""The web's template page shows the same explanation as ``techspec template explain``:
both render :func:`techspec.lint.explain.explain`, so they cannot disagree."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from web_client import sign_in, token
from web_support import Tabs

from conftest_cli import run_cli
from html_dom import dom
from team_templates import CONVENTIONS
from techspec.lint.builtins import builtin_named
from techspec.lint.explain import FieldExplained, ValueExplained, field_accepts, field_notes
from techspec.store import revisions
from techspec.store.engine import Store


def _explained(client: TestClient, name: str) -> dict[str, Any]:
    sign_in(client, "ada")
    response = client.get(f"/templates/{name}")
    assert response.status_code == 200, response.text
    page = dom(response.text).find("section", "explain")
    sections = [
        (
            item.find("code").text,
            ", ".join(t.text for t in item.find_all("span") if "tag" in t.attrs.get("class", "")),
        )
        for item in page.find("ol", "explain-sections").find_all("li")
    ]
    fields = [
        [cell.text for cell in row.find_all("td")]
        for row in page.find("table", "fields").find("tbody").find_all("tr")
    ]
    fixed_rows = [
        code.text for ul in page.find_all("ul", "fixed-rows") for code in ul.find_all("code")
    ]
    return {"sections": sections, "fields": fields, "fixed_rows": fixed_rows, "text": page.text}


def _kind(section: dict[str, Any]) -> str:
    if section["numbered"]:
        kind = "repeatable, numbered"
    elif section["repeatable"]:
        kind = "repeatable"
    else:
        kind = "required" if section["required"] else ""
    marks = [kind] if kind else []
    return ", ".join(marks + (["optional"] if section["optional"] else []))


def _flatten(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for section in sections:
        found.append(section)
        children = section["children"]
        assert isinstance(children, list)
        found += _flatten(children)
    return found


@pytest.mark.parametrize("name", ["technical-spec", "adr", "rfc"])
def test_the_page_and_the_command_line_show_the_same_rules(client: TestClient, name: str) -> None:
    cli = json.loads(run_cli(["template", "explain", name, "--format", "json"]).stdout)
    web = _explained(client, name)
    assert web["sections"] == [
        ("#" * int(s["level"]) + " " + str(s["title"]), _kind(s)) for s in _flatten(cli["sections"])
    ]
    assert web["fields"] == [[f["key"], *_field_words(f)] for f in cli["fields"]]
    assert web["fixed_rows"] == [r["key"] for t in cli["tables"] for r in t["fixed_rows"]]


def _field_words(data: dict[str, Any]) -> list[str]:
    """The field's notes and what it accepts, in the library's words, from the JSON."""
    value = data["value"]
    found = FieldExplained(
        data["key"],
        data["line"],
        data["where"],
        ValueExplained(
            value["kind"], tuple(value["values"]), value["template_text"], value["blank"]
        ),
        data["optional"],
        data["written_as"],
    )
    return [field_notes(found), field_accepts(found)]


def test_the_adr_page_shows_its_option_pattern_lifecycle_and_deciders(client: TestClient) -> None:
    web = _explained(client, "adr")
    assert ("### Option 1: [Option Title]", "repeatable, numbered") in web["sections"]
    assert web["fixed_rows"] == ["Architect", "Technical Lead"]
    assert "Status: Proposed · Review · Accepted · Implemented" in str(web["text"])


def test_the_templates_list_offers_every_built_in_template(client: TestClient) -> None:
    sign_in(client, "ada")
    page = dom(client.get("/templates").text)
    names = [
        link.text
        for link in page.find("ul", "template-list").find_all("a")
        if "/templates/" in link.attrs["href"]
    ]
    assert names[:3] == ["technical-spec", "adr", "rfc"]


def test_the_explanation_is_visible_in_a_real_browser(tabs: Tabs) -> None:
    """Captured for the README: how techspec reads the ADR template."""
    reader = tabs.signed_in("ada")
    page = reader.go("/templates/adr")
    expect(page.locator("#explanation h2")).to_have_text("How techspec reads this template")
    expect(page.locator(".explain-sections li").first).to_be_visible()
    page.locator(".outline a[href='#explanation']").click()
    reader.shot("template-explanation")


@pytest.mark.parametrize(("name", "heading"), [("adr", "# ADR: "), ("rfc", "# RFC: ")])
def test_a_new_spec_from_a_built_in_template_in_the_web(
    client: TestClient, store: Store, name: str, heading: str
) -> None:
    sign_in(client, "ada")
    response = client.post(
        "/new",
        data={
            "csrf": token(client, f"/new?template={name}"),
            "template": name,
            "title": "Queue the webhooks",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    slug = response.headers["location"].removeprefix("/specs/")
    assert slug.endswith("-queue-the-webhooks")  # numbered, as every new spec is
    stored = revisions.get_spec(store, slug)
    assert revisions.get_revision(store, slug).text.startswith(heading + "Queue the webhooks\n")
    template = builtin_named(name)
    assert template is not None
    assert stored.status == template.statuses[0]


def test_a_stored_team_template_shows_its_conventions(client: TestClient, store: Store) -> None:
    """Optional and repeatable parts, list fields, example rows, choices and help text."""
    from techspec.service import catalog
    from techspec.service.permissions import CONSOLE

    catalog.add(store, CONSOLE, "proposal", CONVENTIONS)
    web = _explained(client, "proposal")
    assert ("# User Stories (Optional)", "optional") in web["sections"]
    assert ("## Story 1", "repeatable, numbered, optional") in web["sections"]
    assert web["fields"][2] == [
        "Reviewer",
        "metadata, line 3, written as a list item, optional",
        "any text (the template's value is a blank to fill in)",
    ]
    text = str(web["text"])
    assert "1 example row (the spec writes its own)" in text
    assert "choice Other (describe below)" in text
    assert "1 piece (instruction paragraphs, help boxes, comments)" in text


@pytest.mark.parametrize("name", ["technical-spec", "adr", "rfc"])
def test_the_api_gives_the_same_explanation_as_the_command_line(
    client: TestClient, store: Store, name: str
) -> None:
    cli = json.loads(run_cli(["template", "explain", name, "--format", "json"]).stdout)
    response = client.get(f"/api/v1/templates/{name}/explanation", headers=_bearer(store))
    assert response.status_code == 200, response.text
    assert response.json() == cli


def test_the_api_names_an_unknown_template(client: TestClient, store: Store) -> None:
    response = client.get("/api/v1/templates/kep/explanation", headers=_bearer(store))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "unknown template 'kep'" in response.json()["detail"]


def _bearer(store: Store) -> dict[str, str]:
    from techspec.store.users import create_token

    return {"Authorization": f"Bearer {create_token(store, 'ada')}"}
