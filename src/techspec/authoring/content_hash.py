"""A fingerprint of what reviewers approved, blind to what approving writes back.

Approvals are recorded in the Markdown itself (the Status value, sign-off cells, review
ticks, the workflow's Document History rows).  The store keeps the hash a reviewer
signed against and marks the approval stale when the hash moves, so the hash must
ignore exactly those write-backs and nothing else: any other text, in the Review &
Approval section and the history table too, is content.

The definition, part by part, is in :mod:`techspec.lint.rules.managed`, beside the
managed parts it normalizes out: it lives in the linter's layer so that a lint rule
(TS404) can check the hash a signature cites in a file with no store at hand.  This
module is where the layers above read it.
"""

from __future__ import annotations

from techspec.lint.rules.managed import (
    MANAGED,
    content_hash,
    normalize,
    revision_sha256,
    value_span,
)

__all__ = ["MANAGED", "content_hash", "normalize", "revision_sha256", "value_span"]
