"""Request and answer bodies of the inbox, profile and review-request endpoints."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from techspec.api.schemas import Body


class InboxSpecOut(BaseModel):
    id: int
    slug: str
    title: str | None


class InboxItemOut(BaseModel):
    id: int
    kind: str = Field(
        description="review, reminder, mention, reply, thread, revision, status or approval"
    )
    summary: str
    actor: str | None
    spec: InboxSpecOut | None
    thread_id: int | None
    created_at: str
    read: bool
    read_at: str | None
    link: str = Field(description="The web page the item is about (path), at its thread.")
    url: str = Field(description="The same, under the server's public URL.")


class InboxPage(BaseModel):
    items: list[InboxItemOut]
    next_cursor: str | None
    links: dict[str, str]
    unread: int = Field(description="The user's unread items in all.")


class ReadAllIn(Body):
    up_to: int | None = Field(
        None,
        ge=1,
        le=2**63 - 1,
        strict=True,
        description="Only items up to this id (those you saw).",
    )


class ReadAllOut(BaseModel):
    marked: int
    unread: int


class ProfileIn(Body):
    email: str | None = Field(None, max_length=320, description="Empty or null clears it.")
    display_name: str | None = Field(None, max_length=200)
    mail: Literal["immediate", "digest", "none"] | None = None


class ProfileOut(BaseModel):
    user: str
    email: str | None
    display_name: str | None
    mail: str


class ReviewRequestOut(BaseModel):
    id: int
    spec: InboxSpecOut
    reviewer: str
    role: str | None
    requested_by: str | None
    requested_at: str
    revision: int
    due: date | None
    open: bool
    closed_at: str | None
    outcome: str | None
    age_days: float


class ReviewRequestsOut(BaseModel):
    items: list[ReviewRequestOut]
    total: int
