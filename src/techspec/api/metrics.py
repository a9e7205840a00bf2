"""Prometheus metrics: requests and latency by route template and status, live specs by
status (read from the store at scrape time) and lint findings by rule.  Every label
value comes from a bounded set: route templates, methods, status codes, rule codes and
the statuses the templates define.

Each app has its own registry, so two apps in one process (tests) never share counters.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.engine import Connection

from techspec.lint.findings import FileReport
from techspec.lint.template import Template, builtin_template
from techspec.store.engine import Store
from techspec.store.schema import specs, templates

CONTENT_TYPE = CONTENT_TYPE_LATEST
OTHER = "other"
"""The ``status`` label of a spec whose Status no template has."""
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods counted by name; any other a client makes up is ``other``."""
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class SpecsByStatus:
    """A collector that counts live specs per Status when scraped.

    A Status is the author's text, so only the statuses of the known templates are
    label values (matched ignoring case, spelled as the template does); anything else
    counts as ``other``, so no author can add series to the scrape."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._compiled: dict[str, tuple[str, ...]] = {}
        """A stored template's sha256 -> its statuses (compiled once per process)."""

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "techspec_specs", "Live (not deleted) specs by Status.", labels=["status"]
        )
        query = (
            sa.select(specs.c.status, sa.func.count())
            .where(specs.c.deleted == sa.false())
            .group_by(specs.c.status)
        )
        with self.store.read() as connection:
            known = self._known(connection)
            counts: Tally[str] = Tally()
            for status, count in connection.execute(query):
                counts[known.get((status or "").strip().casefold(), OTHER)] += count
        for label, count in sorted(counts.items()):
            family.add_metric([label], float(count))
        yield family

    def _known(self, connection: Connection) -> dict[str, str]:
        """Every template's statuses, by their casefolded spelling."""
        stored = connection.execute(sa.select(templates.c.sha256)).scalars().all()
        missing = [sha for sha in stored if sha not in self._compiled]
        if missing:
            rows = connection.execute(
                sa.select(templates.c.sha256, templates.c.name, templates.c.text).where(
                    templates.c.sha256.in_(missing)
                )
            )
            for row in rows:
                self._compiled[row.sha256] = Template.from_markdown(row.text, row.name).statuses
        found = {status.casefold(): status for status in builtin_template().statuses}
        for sha in stored:
            found.update((s.casefold(), s) for s in self._compiled.get(sha, ()))
        return found


class Metrics:
    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "techspec_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "techspec_http_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.findings = Counter(
            "techspec_lint_findings",
            "Lint findings the API reported (spec reads and POST /lint), by rule.",
            ["rule"],
            registry=self.registry,
        )
        self.read_cache_hits = Counter(
            "techspec_read_cache_hits",
            "Spec reads answered from the read cache, before routing.",
            registry=self.registry,
        )
        self.webhook_deliveries = Counter(
            "techspec_webhook_deliveries",
            "Webhook delivery attempts by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.registry.register(SpecsByStatus(store))
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request.  Each label set's series are looked up once and kept (route
        templates, methods and statuses are few), which halves the cost per request."""
        method = method if method in METHODS else OTHER
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)

    def count_findings(self, rules: Tally[str]) -> None:
        for rule, count in rules.items():
            self.findings.labels(rule).inc(count)

    def count_findings_of(self, report: FileReport) -> None:
        self.count_findings(Tally(f.code for f in report.findings))

    def render(self) -> bytes:
        return generate_latest(self.registry)
