"""The JSON the API answers with, built from store records.

A spec's parsed model and lint summary depend only on its revision's bytes and its
template, both immutable, so they are computed once per ``(sha256, template)`` in a worker
process (:mod:`techspec.api.analyses`) and kept already encoded: reading a spec costs two
indexed queries and a string join.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from techspec.api.analyses import Analyses, Key
from techspec.api.jobs import TemplateSource, compiled, source
from techspec.authoring.content_hash import revision_sha256
from techspec.document.parser import parse
from techspec.lint.linter import lint
from techspec.lint.template import Template
from techspec.store.approvals import Approval
from techspec.store.audit import Event
from techspec.store.clock import iso
from techspec.store.log_verify import LogReport
from techspec.store.revisions import Revision, SpecRecord
from techspec.store.search import Listed
from techspec.store.webhooks import Delivery, Webhook
from techspec.store.workflow import Outcome

API = "/api/v1"
MODEL = "model"
"""The :class:`Key` kind of the encoded ``"lint"`` and ``"model"`` of a revision."""

Fragment = tuple[bytes, Counter[str]]
"""The encoded ``"lint":...,"model":...`` and the findings by rule (for the metrics)."""


def etag(sha256: str) -> str:
    return f'"{sha256}"'


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class AnalysisCache:
    """``(revision sha256, template sha256)`` -> encoded ``"model"`` and ``"lint"``, kept in
    the server's shared :class:`~techspec.api.analyses.Analyses`."""

    def __init__(
        self, analyses: Analyses, on_findings: Callable[[Counter[str]], None] | None = None
    ) -> None:
        self.analyses = analyses
        self.on_findings = on_findings

    def get(self, sha256: str, template_sha: str) -> bytes | None:
        """The encoded fragment, when this revision was analysed before."""
        found: Fragment | None = self.analyses.peek(Key(MODEL, sha256, template_sha))
        return None if found is None else found[0]

    def analyse(self, sha256: str, text: str, template: Template) -> bytes:
        """The fragment, parsed and linted in a worker process the first time (this call
        waits for it: make it from a thread, not the event loop)."""
        key = Key(MODEL, sha256, template.sha256)
        found = self.analyses.wait(
            key, _weight, analysis, text, source(template), on_computed=self._count
        )
        return found[0]

    def begin(self, text: str, template: Template) -> None:
        """Start analysing ``text`` as the revision a save is about to store (whose sha256
        is the text's), beside the save's own job, so that a create's answer waits for the
        longer of the two jobs rather than for both in turn.  Only when a worker is idle:
        the save must not find the pool full because of it."""
        key = Key(MODEL, revision_sha256(text), template.sha256)
        self.analyses.prefetch(
            key, _weight, analysis, text, source(template), on_computed=self._count
        )

    def _count(self, found: Fragment) -> None:
        if self.on_findings is not None:
            self.on_findings(found[1])


def _weight(found: Fragment) -> int:
    return len(found[0]) + 100 * len(found[1])


def analysis(text: str, template: TemplateSource) -> Fragment:
    """Parse and lint ``text`` and encode what ``GET /api/v1/specs/{ref}`` shows of it
    (a job for a worker process)."""
    spec = parse(text)
    findings = lint(spec, compiled(template))
    severities = Counter(f.severity for f in findings)
    rules = Counter(f.code for f in findings)
    summary = {
        "errors": severities["error"],
        "warnings": severities["warning"],
        "infos": severities["info"],
        "by_rule": dict(sorted(rules.items())),
    }
    model = spec.to_dict()
    return b'"lint":' + dumps(summary) + b',"model":' + dumps(model), rules


def spec_links(spec: SpecRecord) -> dict[str, str]:
    base = f"{API}/specs/{spec.id}"
    return {
        "self": base,
        "markdown": f"{base}.md",
        "revisions": f"{base}/revisions",
        "transitions": f"{base}/transitions",
        "approvals": f"{base}/approvals",
    }


def spec_head(spec: SpecRecord, sha256: str) -> dict[str, Any]:
    return {
        "id": spec.id,
        "slug": spec.slug,
        "title": spec.title,
        "status": spec.status,
        "author": spec.author,
        "revision": spec.current_revision,
        "etag": etag(sha256),
        "sha256": sha256,
        "content_hash": spec.content_hash,
        "template_sha256": spec.template_sha256,
        "created_at": iso(spec.created_at),
        "updated_at": iso(spec.updated_at),
        "open_tasks": spec.open_tasks,
        "high_risks": spec.high_risks,
        "links": spec_links(spec),
    }


def lint_counts(spec: SpecRecord) -> dict[str, int]:
    """The counts the store keeps for the current revision (no parse needed)."""
    return {"errors": spec.errors, "warnings": spec.warnings}


def spec_document(spec: SpecRecord, sha256: str, fragment: bytes) -> bytes:
    """The full representation: the head fields, then ``lint`` and ``model``."""
    return dumps(spec_head(spec, sha256))[:-1] + b"," + fragment + b"}"


_LISTED = tuple(field.name for field in fields(Listed))


def listed(item: Listed) -> dict[str, Any]:
    """``Listed.to_dict()`` (the keys of ``techspec list --format json``) plus links,
    without ``dataclasses.asdict``'s deep copies (a fifth of a page's cost)."""
    data = {name: getattr(item, name) for name in _LISTED}
    data["updated_at"] = iso(item.updated_at)
    data["links"] = {"self": f"{API}/specs/{item.id}"}
    return data


def revision_summary(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "at": iso(revision.created_at),
        "author": revision.author,
        "kind": revision.kind,
        "status": revision.status,
        "title": revision.title,
        "sha256": revision.sha256,
        "content_hash": revision.content_hash,
        "message": revision.message,
        "errors": revision.errors,
        "warnings": revision.warnings,
        "infos": revision.infos,
    }


def revision_document(revision: Revision) -> dict[str, Any]:
    return {**revision_summary(revision), "content": revision.text}


def outcome(found: Outcome) -> dict[str, Any]:
    return {
        "slug": found.slug,
        "status": found.status,
        "revision": found.revision,
        "changed": found.changed,
        "notes": found.notes,
        "pending_roles": found.pending_roles,
        "gates": [{"reason": g.reason, "line": g.line, "rule": g.rule} for g in found.gates],
    }


def approval(found: Approval) -> dict[str, Any]:
    return {
        "role": found.role,
        "reviewer": found.reviewer,
        "decision": found.decision,
        "revision": found.revision,
        "content_hash": found.content_hash,
        "current": found.current,
        "at": iso(found.created_at),
        "comment": found.comment,
    }


def event(found: Event) -> dict[str, Any]:
    return {
        "seq": found.seq,
        "at": iso(found.at),
        "actor": found.actor,
        "action": found.action,
        "spec_id": found.spec_id,
        "revision": found.revision,
        "details": found.details,
        "hash": found.hash,
    }


def verification(found: LogReport) -> dict[str, Any]:
    return {
        "ok": found.ok,
        "checked": found.events,
        "broken_seq": found.broken_seq,
        "reason": found.problem,
        "summary": str(found),
    }


def webhook(found: Webhook, *, with_secret: bool = False) -> dict[str, Any]:
    return {
        "id": found.id,
        "url": found.url,
        "events": list(found.events),
        "active": found.active,
        "created_at": iso(found.created_at),
        "secret": found.secret if with_secret else None,
    }


def delivery(found: Delivery) -> dict[str, Any]:
    return {
        "id": found.id,
        "outbox_id": found.outbox_id,
        "event": found.event,
        "seq": found.seq,
        "attempt": found.attempt,
        "at": iso(found.at),
        "status_code": found.status_code,
        "error": found.error,
        "duration_ms": found.duration_ms,
        "outcome": found.outcome,
    }
