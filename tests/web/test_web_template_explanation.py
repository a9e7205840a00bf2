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
from techspec.lint.builtins import builtin_named
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
            next(t.text for t in item.find_all("span") if "tag" in t.attrs.get("class", "")),
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
        return "repeatable, numbered"
    if section["repeatable"]:
        return "repeatable"
    return "required" if section["required"] else "optional"


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
    assert web["fields"] == [
        [f["key"], f["where"], _accepts(f["value"]), str(f["line"])] for f in cli["fields"]
    ]
    assert web["fixed_rows"] == [r["key"] for t in cli["tables"] for r in t["fixed_rows"]]


def _accepts(value: dict[str, object]) -> str:
    from techspec.lint.explain import ValueExplained

    values = value["values"]
    assert isinstance(values, list)
    return ValueExplained(str(value["kind"]), tuple(values), str(value["template_text"])).accepts


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
    stored = revisions.get_spec(store, "queue-the-webhooks")
    assert revisions.get_revision(store, "queue-the-webhooks").text.startswith(
        heading + "Queue the webhooks\n"
    )
    template = builtin_named(name)
    assert template is not None
    assert stored.status == template.statuses[0]
