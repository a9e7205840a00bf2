"""Prometheus metrics: requests and latency by route template and status, live specs by
status (read from the store at scrape time) and lint findings by rule.

Each app has its own registry, so two apps in one process (tests) never share counters.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from techspec.lint.findings import FileReport
from techspec.store.engine import Store
from techspec.store.schema import specs

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class SpecsByStatus:
    """A collector that counts live specs per Status when scraped."""

    def __init__(self, store: Store) -> None:
        self.store = store

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
            for status, count in connection.execute(query):
                family.add_metric([status or "none"], float(count))
        yield family


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
