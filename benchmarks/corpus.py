"""A seeded corpus of filled technical specifications for the lint benchmark.

Each document is the packaged template (``techspec/templates/technical-spec.md``) with every
placeholder block replaced by generated content: headings, fixed checklist items, table columns
and sign-off roles come from the template itself, so the corpus follows it exactly.  No
placeholders are left, dates are valid ISO dates, and checklists and sign-offs agree with the
Status, so the linter does its real work on valid documents.  Equal seeds give equal bytes.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

# Word lists: `name: item, item, ...`; a line starting with a space continues the list.
VOCAB_TEXT = """\
status: Draft, Review, Approved, Implemented
level: High, Medium, Low
first: Ada, Bilal, Chen, Dana, Emeka, Farah, Goran, Hana, Ivan, Jun, Kofi, Lena, Mateo, Nadia
last: Okafor, Lindqvist, Tanaka, Moreau, Haddad, Kowalski, Silva, Novak, Reyes, Abebe, Iyer
domain: payments, ledger, search, billing, identity, inventory, notifications, shipping,
 analytics, catalog, pricing, audit, scheduling, fraud, checkout
kind: service, pipeline, gateway, migration, reconciliation, sync, cache, index, scheduler
adj: idempotent, durable, regional, batched, versioned, sharded, incremental, asynchronous,
 audited, encrypted, observable, resilient, tenant-scoped
noun: request, event, record, job, snapshot, partition, webhook, cursor, checkpoint, replica,
 worker, consumer, ledger record, export file, lease, tenant
verb: validates, publishes, stores, reconciles, retries, deduplicates, streams, compacts,
 exports, routes, caches, signs, expires, replays, indexes
action: Validate, Publish, Store, Reconcile, Retry, Deduplicate, Stream, Compact, Export,
 Route, Cache, Sign, Expire, Replay, Index, Backfill, Monitor, Encrypt, Shard, Migrate
tail: before the response is returned to the caller, within the agreed latency budget,
 without blocking the primary write path, for every tenant in the region,
 so that on-call engineers can trace a failure end to end, using the shared platform tooling,
 after the nightly maintenance window closes, while keeping the public contract intact,
 and records the outcome in the audit trail, with idempotent consumers downstream
tech: Python 3.11 and FastAPI, Go 1.22, PostgreSQL 15, Kafka, Redis 7, Kubernetes, gRPC,
 OpenSearch, S3, Rust and Tokio, TypeScript on Node 20, Airflow, Envoy, Terraform
team: Platform, Payments, Search, Data, SRE, Security, Growth, Core API, Infra
metric: p99 latency, error rate, queue depth, throughput, consumer lag, cache hit rate,
 disk usage, CPU saturation, failed jobs, replication delay, 5xx responses
sql_type: BIGINT NOT NULL, VARCHAR(255) NOT NULL, TEXT, BOOLEAN NOT NULL DEFAULT FALSE, JSONB,
 TIMESTAMP, UUID NOT NULL
availability: 99.9%, 99.95%, 99.99%
change: Review feedback, Scope update, Added rollout plan, Clarified migration
"""
VOCAB: dict[str, tuple[str, ...]] = {
    name: tuple(item.strip() for item in items.split(","))
    for name, items in re.findall(r"^(\w+): ((?:.|\n )+)", VOCAB_TEXT, re.MULTILINE)
}
# Values for the template's `**Key**: [...]` lines, filled by `Spec.fill`; keys not listed
# get a sentence.
KEYED = {
    "Document Version": "{version}",
    "Author": "{author}",
    "Date": "{day}",
    "Status": "{status}",
    "Reviewers": "{first} {last}, {first} {last}, {first} {last}",
    "Duration": "{2-8} weeks",
    "Dependencies": "{after}",
    "Business Requirements": "[{ticket} brief](https://wiki.example.com/{ticket}/brief)",
    "User Stories": "[{ticket} user stories](https://tracker.example.com/{ticket})",
    "External APIs": "{tech}",
    "Internal Services": "{team} and {team} services",
    "Data Sources": "{tech}",
    "Environment Progression": "Dev → Staging → Production",
    "Expected Load": "{50-20000} requests per second at peak",
    "Growth Projections": "{10-300}% more traffic per year",
    "Response Time": "p99 under {20-800} ms",
    "Throughput": "{100-90000} requests per second sustained",
    "Availability": "{availability}",
    "Compute": "{2-64} vCPU and {4-512} GiB memory per region",
    "Storage": "{10-9000} GiB on replicated block storage",
    "Network": "{1-40} Gbit/s between zones",
}
# Template tables by their first column: the most rows, then a `Spec.fill` pattern per cell.
ROWS = {
    "Component": "40 | {Domain} {Kind} | {phrase} | {tech} | {team} team",
    "Threat": "10 | {Adj} {noun} tampering | {level} impact | {phrase}",
    "Metric": "11 | {Metric} | below {1-900} per minute | above it for {2-15} minutes",
    "Dependency": "10 | {tech} access | {team} team | {iso} | {level}",
    "Risk": "10 | {Adj} {noun} backlog in {domain} | {level} | {level} | {phrase}",
}
# The other tables, and code blocks by info string, are written by the Spec methods named here
# or, for code, named as the info string.
METHODS = {"Role": "signoff", "Version": "history", "": "diagram"}
DONE = {"Draft": 0.1, "Review": 0.3, "Approved": 0.6, "Implemented": 1.0}
OLDEST, NEWEST = date(2021, 1, 4), date(2025, 6, 30)
KEY_LINE = re.compile(r"^((?:- )?\*\*(.+?)\*\*: ).*?(\\?)$", re.MULTILINE)
PHASE = re.compile(r"### Phase \d+:")
PLACEHOLDER = re.compile(r"\[([^\]]+)\]")


@functools.cache
def template_blocks() -> tuple[str, ...]:
    """The packaged template split into blank-line separated blocks (fences kept whole)."""
    text = resources.files("techspec").joinpath("templates/technical-spec.md").read_text("utf-8")
    blocks, fenced = [""], False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if line or fenced:
            blocks[-1] += ("\n" if blocks[-1] else "") + line
        elif blocks[-1]:
            blocks.append("")
    return tuple(block for block in blocks if block)


class Spec:
    """One specification; every word is drawn from ``rng``, so equal seeds give equal text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.system = f"{self.word('domain')} {self.word('adj')} {self.word('kind')}"
        self.status = self.word("status")
        self.size = rng.random()  # 0..1: scales lists, tables and paragraphs
        major = 0 if self.status in ("Draft", "Review") else rng.randint(1, 2)
        self.version = f"{major}.{rng.randint(1 if major == 0 else 0, 9)}"
        self.day = OLDEST + timedelta(days=rng.randint(0, (NEWEST - OLDEST).days))
        self.author = self.fill("{first} {last}")
        self.ticket = f"SPEC-{rng.randint(10, 9999)}"
        self.sql_table = "_".join([self.word("domain"), *f"{self.word('noun')}s".split()])
        self.path = f"/api/v{rng.randint(1, 3)}/{self.sql_table.replace('_', '-')}"
        self.done = DONE[self.status]
        self.signed = self.status in ("Approved", "Implemented")
        self.heading = self.block = self.after = ""  # template heading and block being replaced

    def render(self) -> str:
        """The template with each placeholder block replaced, and its phases generated anew."""
        out: list[str] = []
        in_phase = phased = False
        for index, block in enumerate(template_blocks()):
            first = block.splitlines()[0]
            if PHASE.match(first):
                out.extend([] if phased else self.phases(index))
                in_phase = phased = True
            elif first.startswith("#"):
                in_phase, self.heading = False, first.lstrip("#").strip()
                out.append(PLACEHOLDER.sub(self.system.title(), first))
            elif not in_phase:
                self.block = block
                out.extend(self.body(first))
        return "\n\n".join(out) + "\n"

    def body(self, first: str) -> list[str]:
        """The blocks that stand for the template block ``self.block``."""
        items = [PLACEHOLDER.sub(r"\1", line[6:]) for line in self.block.splitlines()]
        key = first.strip("| ").split()[0] if first[0] == "|" else first[3:]
        if first[0] == "|" and key in ROWS:
            most, *cells = (cell.strip() for cell in ROWS[key].split("|"))
            return [self.table([list(map(self.fill, cells)) for _ in range(self.n(2, int(most)))])]
        if first.startswith(("|", "```")):
            method: Callable[[], str] = getattr(self, METHODS.get(key, key))
            return [f"{first}\n{method()}\n```" if first[0] == "`" else method()]
        if first.startswith("- [ ] ["):  # placeholder tasks: documents to write, or invented
            docs = self.heading.endswith("Documentation")
            return [self.checks(items if docs else [self.phrase() for _ in range(self.n(2, 7))])]
        if first.startswith("- [ ] "):  # the template's fixed review items
            return [self.checks(items, 1.0 if self.signed else self.done)]
        if KEY_LINE.match(first):  # `**Key**: [...]` lines, keeping `\` line breaks
            return [KEY_LINE.sub(self.keyed, self.block)]
        if first.startswith("- "):  # bullets: short phrases or whole sentences
            short = self.rng.random() < 0.7 - 0.5 * self.size
            items = [self.phrase() if short else self.sentence() for _ in range(self.n(1, 10))]
            return ["\n".join(f"- {item}" for item in items)]
        if first.startswith("1. "):
            return ["\n".join(f"{i}. {s}" for i, s in enumerate(self.sentences(2, 9), 1))]
        if first.startswith("[Link to"):
            return [f"[OpenAPI document](https://api.example.com{self.path}/openapi.yaml)"]
        if first.startswith("["):
            count = 1 if self.heading == "Executive Summary" else self.n(1, 6)
            return [" ".join(self.sentences(1, 8)) for _ in range(count)]
        return [self.block]  # no placeholder: `---`, `**Document History**`

    def n(self, low: int, high: int) -> int:
        """A count between ``low`` and ``high`` that grows with the document's size."""
        return low + int((high - low) * self.size * self.rng.uniform(0.5, 1.0) + 0.5)

    def word(self, name: str) -> str:
        return self.rng.choice(VOCAB[name])

    def fill(self, text: str) -> str:
        """Expand each ``{low-high}``, ``{attribute}`` and ``{word}`` (see ``expand``)."""
        return re.sub(r"\{([\w-]+)\}", self.expand, text)

    def expand(self, match: re.Match[str]) -> str:
        """A number in ``low-high``, the attribute (called if a method), or a VOCAB word."""
        low, _, high = match[1].partition("-")
        if high:
            return str(self.rng.randint(int(low), int(high)))
        if hasattr(self, match[1]):
            found = getattr(self, match[1])
            return str(found() if callable(found) else found)
        word = self.word(match[1].lower())  # `{Kind}` is a capitalised `{kind}`
        return word[0].upper() + word[1:] if match[1][0].isupper() else word

    def keyed(self, match: re.Match[str]) -> str:
        """A ``**Key**: value`` line with the KEYED value (else a sentence) and its ``\\``."""
        return match[1] + self.fill(KEYED.get(match[2], "{sentence}")) + match[3]

    def iso(self, low: int = 14, high: int = 120) -> str:
        return (self.day + timedelta(days=self.rng.randint(low, high))).isoformat()

    def phrase(self) -> str:
        """A short item: ``Reconcile durable snapshots``."""
        return f"{self.word('action')} {self.word('adj')} {self.word('noun')}s"

    def sentence(self) -> str:
        subject = self.rng.choice((f"the {self.system}", f"each {self.word('noun')}"))
        tail = f" {self.word('tail')}" if self.rng.random() < 0.2 + 0.5 * self.size else ""
        text = f"{subject} {self.word('verb')} the {self.word('adj')} {self.word('noun')}{tail}"
        return text[0].upper() + text[1:] + "."

    def sentences(self, low: int, high: int) -> list[str]:
        return [self.sentence() for _ in range(self.n(low, high))]

    def checks(self, items: Sequence[str], done: float | None = None) -> str:
        chance = self.done if done is None else done
        return "\n".join(f"- [{'x' if self.rng.random() < chance else ' '}] {i}" for i in items)

    def table(self, rows: Sequence[Sequence[str]]) -> str:
        """A pipe table with the template table's header, padded like the template's."""
        header = [cell.strip() for cell in self.block.splitlines()[0].strip("|").split("|")]
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
        line = "| " + " | ".join(f"{{:<{width}}}" for width in widths) + " |"
        rule = "| " + " | ".join("-" * width for width in widths) + " |"
        return "\n".join([line.format(*header), rule, *(line.format(*row) for row in rows)])

    # Blocks: the phases, the code blocks, and the tables that ROWS does not describe.
    def phases(self, index: int) -> list[str]:
        """1-6 phases, each written like the template's phase at block ``index``."""
        body = list(itertools.takewhile(lambda b: b[0] != "#", template_blocks()[index + 1 :]))
        blocks = []
        for number in range(1, self.rng.randint(1, 6) + 1):
            self.after = "Design sign-off" if number == 1 else f"Phase {number - 1} complete"
            blocks.append(f"### Phase {number}: {self.phrase()}")
            for self.block in body:
                blocks.extend(self.body(self.block.splitlines()[0]))
        return blocks

    def diagram(self) -> str:
        hops = ["client", "gateway", *self.rng.sample(VOCAB["noun"], self.n(2, 10)), "postgres"]
        return "\n".join(" --> ".join(hops[i : i + 3]) for i in range(0, len(hops) - 1, 2))

    def http(self) -> str:
        ids = [f"{method} {self.path}/{{id}}" for method in ("GET", "PUT", "DELETE")]
        nouns = self.rng.sample(VOCAB["noun"], self.n(0, 8))
        return "\n".join([f"POST {self.path}", *ids, *(f"{ids[0]}/{n}s" for n in nouns)])

    def json(self) -> str:
        body = [f'  "{n.replace(" ", "_")}": "{self.word("adj")}",' for n in VOCAB["noun"]]
        return "\n".join(["{", *body[: self.n(2, 16)], f'  "id": {self.n(1, 99999)}', "}"])

    def sql(self) -> str:
        columns = [f"  {n.replace(' ', '_')}_id {self.word('sql_type')}," for n in VOCAB["noun"]]
        lines = [f"CREATE TABLE {self.sql_table} (", "  id SERIAL PRIMARY KEY,"]
        lines += [*columns[: self.n(2, 16)], "  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP"]
        return "\n".join([*lines, ");"])

    def signoff(self) -> str:
        """The template's roles, named; dated and signed (else left empty) once Approved."""
        roles = [line.split("|")[1].strip() for line in self.block.splitlines()[2:]]
        rows = [[role, self.fill("{first} {last}"), "", ""] for role in roles]
        for row in rows if self.signed else []:
            row[2:] = [self.iso(0, 7), f"Approved by {row[1]}"]
        return self.table(rows)

    def history(self) -> str:
        """Rows from 0.1, oldest first, ending with the Document Version on the document's Date."""
        numbers = [f"{major}.{minor}" for major in range(10) for minor in range(10)]
        numbers = numbers[1 : numbers.index(self.version) + 1]
        chosen = sorted({numbers[0], *self.rng.sample(numbers, min(3, len(numbers))), numbers[-1]})
        rows: list[list[str]] = []
        when = self.day
        for number in reversed(chosen):
            rows.insert(0, [number, when.isoformat(), self.author, self.word("change")])
            when -= timedelta(days=self.rng.randint(3, 30))
        rows[0][3] = "Initial version"
        return self.table(rows)


def generate_corpus(directory: Path, count: int = 500, seed: int = 1234) -> list[Path]:
    """Write ``count`` specs into ``directory`` and return their paths, in order.

    File ``i`` depends only on ``seed`` and ``i``: a smaller corpus is a prefix of a larger one.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        spec = Spec(random.Random(f"techspec-corpus:{seed}:{index}"))
        path = directory / f"{index + 1:04d}-{spec.system.replace(' ', '-')}.md"
        path.write_text(spec.render(), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths
