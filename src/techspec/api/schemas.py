"""Request and response shapes, as pydantic models: they validate JSON bodies and
document every operation in ``/api/v1/openapi.json`` (which schemathesis checks the
responses against)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# -- requests ---------------------------------------------------------------------------


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpecIn(Body):
    content: str = Field(description="The spec's Markdown.", max_length=1024 * 1024)
    slug: str | None = Field(None, description="Name; default: from the title.", max_length=200)
    message: str = Field("", description="Revision message.", max_length=2000)


class FromTemplateIn(Body):
    title: str = Field(min_length=1, max_length=300)
    slug: str | None = Field(None, max_length=200)
    author: str | None = Field(None, description="Author field; default: you.", max_length=200)


class TransitionIn(Body):
    to: str = Field(description="Target status, e.g. Review or Implemented.", max_length=100)
    comment: str = Field("", max_length=2000)
    due: date | None = Field(
        None, description="On a submit: the date the requested reviews are due (YYYY-MM-DD)."
    )


class ApprovalIn(Body):
    role: str = Field(description="A sign-off role of the spec's template.", max_length=200)
    decision: Literal["approve", "request_changes"]
    comment: str = Field("", max_length=2000)


class TemplateIn(Body):
    name: str = Field(min_length=1, max_length=200)
    content: str = Field(max_length=1024 * 1024)


EventName = Literal["revision", "transition", "approval", "thread", "review", "checkpoint"]


def _all_events() -> list[EventName]:
    return ["revision", "transition", "approval", "thread", "review"]


class WebhookIn(Body):
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2000)
    events: list[EventName] = Field(default_factory=_all_events, min_length=1)
    secret: str | None = Field(None, min_length=16, max_length=200)


def inline(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its nested models written in place: a response's
    schema in ``responses`` cannot point into ``$defs``, which the OpenAPI document lacks."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    found: dict[str, Any] = resolve(schema)
    return found


# -- responses --------------------------------------------------------------------------


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None


class Gate(BaseModel):
    reason: str
    line: int | None
    rule: str | None


class LintSummary(BaseModel):
    errors: int
    warnings: int
    infos: int
    by_rule: dict[str, int]


class SpecHead(BaseModel):
    id: int
    slug: str
    title: str | None
    status: str | None
    author: str | None
    revision: int
    etag: str
    sha256: str
    content_hash: str
    template_sha256: str
    created_at: str
    updated_at: str
    open_tasks: int
    high_risks: int
    links: dict[str, str]


class SpecOut(SpecHead):
    lint: LintSummary
    model: dict[str, Any]


class MergeSection(BaseModel):
    """A section both sides changed: its text in the base revision, yours and the
    current one's (``null`` where it is absent)."""

    path: str
    reason: str
    base: str | None
    mine: str | None
    theirs: str | None


class MergeAnswer(Problem):
    """The 409 of a ``PUT ?merge=true`` whose ``If-Match`` names an older revision:
    nothing was saved.  ``merge`` is ``merged`` (``content`` is your edit merged with
    the changes since; review it and PUT it with ``If-Match: current_etag``) or
    ``conflict`` (``sections`` were changed on both sides: resolve them, then PUT the
    whole text with ``If-Match: current_etag``).  Other 409s carry none of these."""

    merge: Literal["merged", "conflict"] | None = None
    base_revision: int | None = None
    current_revision: int | None = None
    current_etag: str | None = None
    content: str | None = Field(None, description="The merged Markdown (merged only).")
    mine: list[str] | None = Field(None, description="Sections taken from your edit.")
    theirs: list[str] | None = Field(None, description="Sections changed meanwhile.")
    sections: list[MergeSection] | None = Field(None, description="Conflicts only.")


class LintCounts(BaseModel):
    errors: int
    warnings: int


class SpecSaved(SpecHead):
    """What a save answers: the new revision's head (its ETag) and lint counts."""

    lint: LintCounts


class ListedOut(BaseModel):
    id: int
    slug: str
    title: str | None
    status: str | None
    author: str | None
    updated_at: str
    revision: int
    errors: int
    warnings: int
    open_tasks: int
    high_risks: int
    rank: float | None
    snippet: str | None
    links: dict[str, str]


class SpecPage(BaseModel):
    items: list[ListedOut]
    next_cursor: str | None
    links: dict[str, str]


class RevisionSummary(BaseModel):
    number: int
    at: str
    author: str | None
    kind: str
    status: str | None
    title: str | None
    sha256: str
    content_hash: str
    message: str
    errors: int
    warnings: int
    infos: int


class RevisionOut(RevisionSummary):
    content: str


class DiffOut(BaseModel):
    """``techspec diff --format json``: keys the diff adds later pass through."""

    model_config = ConfigDict(extra="allow")

    spec: str
    old: int
    new: int
    empty: bool
    sections: list[dict[str, Any]]
    metadata: list[dict[str, Any]]
    progress: list[dict[str, Any]] = []


class OutcomeOut(BaseModel):
    slug: str
    status: str | None
    revision: int
    changed: bool
    notes: list[str]
    pending_roles: list[str]
    gates: list[Gate]


class ApprovalOut(BaseModel):
    role: str
    reviewer: str
    decision: str
    revision: int
    content_hash: str
    current: bool
    at: str
    comment: str


class LintFinding(BaseModel):
    rule: str
    severity: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    section: str | None


class LintFile(BaseModel):
    path: str
    status: str | None
    findings: list[LintFinding]


class LintOut(BaseModel):
    version: int
    files: list[LintFile]
    summary: dict[str, int]


class TemplateOut(BaseModel):
    name: str
    sha256: str
    title: str
    statuses: list[str]
    signoff_roles: list[str]
    builtin: bool


class EventOut(BaseModel):
    seq: int
    at: str
    actor: str | None
    action: str
    spec_id: int | None
    revision: int | None
    details: dict[str, Any]
    hash: str


class VerificationOut(BaseModel):
    ok: bool
    checked: int
    broken_seq: int | None
    reason: str
    summary: str


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: str
    secret: str | None = Field(None, description="Shown only in the answer that creates it.")


class DeliveryOut(BaseModel):
    id: int
    outbox_id: int
    event: str
    seq: int
    attempt: int
    at: str
    status_code: int | None
    error: str
    duration_ms: int
    outcome: str


class Health(BaseModel):
    status: str
    detail: str = ""


class VerifyIn(Body):
    content: str = Field(description="A spec's Markdown.", max_length=1024 * 1024)


class LintIn(Body):
    content: str = Field(max_length=1024 * 1024)
    path: str = Field("-", min_length=1, max_length=500)


class PublicKeyOut(BaseModel):
    key_id: str = Field(description="16 hex digits of the sha256 of the raw public key.")
    algorithm: Literal["ed25519"]
    public_key: str = Field(description="The 32-byte Ed25519 public key, base64url.")
    valid_from: str | None
    valid_until: str | None = Field(description="When the key was retired; null: current.")
    current: bool


class KeysOut(BaseModel):
    format: Literal["techspec-keys/1"]
    keys: list[PublicKeyOut]


class DsseSignatureOut(BaseModel):
    keyid: str
    sig: str = Field(description="Ed25519 signature of the DSSE PAE, standard base64.")


class EnvelopeOut(BaseModel):
    payload: str = Field(description="The in-toto Statement v1 (JSON), standard base64.")
    payloadType: Literal["application/vnd.in-toto+json"]
    signatures: list[DsseSignatureOut]


class SignoffCheckOut(BaseModel):
    line: int
    role: str
    verdict: Literal["signed", "unsigned", "stale", "forged"]
    reason: str
    key_id: str | None


class SignoffsOut(BaseModel):
    ok: bool = Field(description="Every filled sign-off row is signed over this content.")
    rows: list[SignoffCheckOut]
