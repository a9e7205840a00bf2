"""The workflow panel's gates for a stored revision, each computed once.

Which gates a step to a status leaves unmet depends only on the revision's text, the
template and the target status (and, for the step to Approved, which roles approved), so
they are computed once per revision in the CPU pool (:mod:`techspec.api.cpu`) and kept in
the server's :class:`~techspec.api.analyses.Analyses`: viewing a spec again parses nothing.
Gates cross from the worker as plain tuples, which load many times faster than dataclasses
when a spec has thousands of them.
"""

from __future__ import annotations

from functools import partial

from techspec.api.analyses import Analyses, Key
from techspec.api.jobs import TemplateSource, compiled, source
from techspec.lint.template import Template
from techspec.store.errors import Gate
from techspec.store.lifecycle import approval_gates, gates
from techspec.web.review import Checks

GATES = "gates"
APPROVAL_GATES = "approval-gates"

Plain = tuple[tuple[str, int | None, str | None], ...]


def cached(analyses: Analyses, sha256: str) -> Checks:
    """The gates of the stored revision whose hash is ``sha256``, from ``analyses``.  Its
    functions wait for the pool: call them from a thread of the server."""
    return Checks(
        gates=partial(_gates, analyses, sha256),
        approval_gates=partial(_approval_gates, analyses, sha256),
    )


def _gates(
    analyses: Analyses, sha256: str, text: str, target: str, template: Template
) -> list[Gate]:
    key = Key(GATES, sha256, template.sha256, target)
    return _unpacked(analyses.wait(key, _weight, gates_of, text, target, source(template)))


def _approval_gates(
    analyses: Analyses, sha256: str, text: str, template: Template, approved: set[str]
) -> list[Gate]:
    granted = frozenset(approved)
    key = Key(APPROVAL_GATES, sha256, template.sha256, granted)
    found = analyses.wait(key, _weight, approval_gates_of, text, source(template), granted)
    return _unpacked(found)


def gates_of(text: str, target: str, template: TemplateSource) -> Plain:
    """:func:`~techspec.store.lifecycle.gates`, as a job for a worker process."""
    return _packed(gates(text, target, compiled(template)))


def approval_gates_of(text: str, template: TemplateSource, approved: frozenset[str]) -> Plain:
    """:func:`~techspec.store.lifecycle.approval_gates`, as a job for a worker process."""
    _candidate, found = approval_gates(text, compiled(template), set(approved))
    return _packed(found)


def _packed(found: list[Gate]) -> Plain:
    return tuple((gate.reason, gate.line, gate.rule) for gate in found)


def _unpacked(found: Plain) -> list[Gate]:
    return [Gate(reason, line, rule) for reason, line, rule in found]


def _weight(found: Plain) -> int:
    return sum(len(reason) + 100 for reason, _line, _rule in found) + 100
