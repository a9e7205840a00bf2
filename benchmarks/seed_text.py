"""The text of one compact generated spec for the scale benchmarks (``store_bench``,
``web_bench``): about 2.5 KB with every template section, a real checklist, a risks table
and a sign-off table, and made-up words that stemmers leave alone, so a search for a
word has a known number of hits at any size.
"""

from __future__ import annotations

import random

VOCABULARY = 20_000
COHORT = 20
"""Specs ``20k .. 20k+19`` share a cohort word: a search for it has 20 hits at any size."""

SECTIONS = """\
## Executive Summary

{summary}

## Background & Context

### Problem Statement

Settlement for {word} runs nightly and misses the cut-off.

### Current State

A batch job reconciles {word} by hand.

### Requirements Source

- **Business Requirements**: finance handbook
- **User Stories**: ledger stories
- **Technical Debt**: none

## Scope

### In Scope

- Ledger writes

### Out of Scope

- Reporting

### Success Criteria

- [{a}] Balances reconcile daily
- [{b}] p95 write under 20 ms

## System Architecture

### High-Level Architecture

```
client -> api -> ledger
```

### Component Overview

| Component | Purpose | Technology | Owner |
| --- | --- | --- | --- |
| ledger | writes | Python | payments |

### Data Flow

1. The API accepts a posting.

### Integration Points

- **External APIs**: bank feed
- **Internal Services**: accounts
- **Data Sources**: ledger database

## Technical Design

### API Design

#### Endpoints

```http
POST /api/v1/postings
```

#### Request/Response Examples

```json
{{"amount": 10}}
```

### Database Design

#### Schema Changes

```sql
CREATE TABLE postings (id SERIAL PRIMARY KEY);
```

#### Migration Strategy

1. Add the table.

### Security Considerations

#### Authentication & Authorization

- Service tokens

#### Data Protection

- Encrypted at rest

#### Threat Model

| Threat | Impact | Mitigation |
| --- | --- | --- |
| replay | double posting | idempotency keys |

## Implementation Plan

### Phase 1: Ledger

**Duration**: 2 weeks\\
**Dependencies**: none

- [{c}] Write the ledger

### Deployment Strategy

- **Environment Progression**: dev, prod
- **Rollout Plan**: flag
- **Rollback Plan**: flag off

## Testing Strategy

### Unit Testing

- Ledger rules

### Integration Testing

- API

### Performance Testing

- Load test

### Security Testing

- Review

## Monitoring & Observability

### Metrics to Track

| Metric | Threshold | Alert Condition |
| --- | --- | --- |
| latency | 20 ms | over 50 ms |

### Logging Strategy

- Postings

### Dashboards & Alerts

- Ledger board

## Dependencies & Risks

### Dependencies

| Dependency | Owner | Timeline | Risk Level |
| --- | --- | --- | --- |
| bank feed | bank | 2026-03-01 | Low |

### Risks & Mitigations

| Risk | Probability | Impact | Mitigation |
| --- | --- | --- | --- |
| feed outage | {risk} | Medium | retry |

### Assumptions

- The bank feed is daily

## Performance Requirements

### Scalability

- **Expected Load**: 100 rps
- **Growth Projections**: double yearly
- **Scaling Strategy**: horizontal

### Performance Targets

- **Response Time**: 20 ms
- **Throughput**: 100 rps
- **Availability**: 99.9%

### Resource Requirements

- **Compute**: 2 cores
- **Storage**: 10 GB
- **Network**: 1 Mbps

## Operations & Maintenance

### Deployment Process

1. Deploy with the pipeline.

### Backup & Recovery

- Nightly backups

### Maintenance Windows

- None needed

## Documentation Requirements

### Developer Documentation

- [x] API documentation

### User Documentation

- [x] User guide

### Operational Documentation

- [x] Runbook

## Review & Approval

### Technical Review

- [ ] Architecture review completed
- [ ] Security review completed
- [ ] Performance review completed

### Stakeholder Approval

- [ ] Product owner approval
- [ ] Engineering lead approval
- [ ] Security team approval

### Sign-off

| Role | Name | Date | Signature |
| --- | --- | --- | --- |
| Technical Lead | | | |
| Product Owner | | | |
| Security Lead | | | |

---

## Appendices

### A. Detailed API Specification

See the OpenAPI file.

### B. Database Schema Details

One table.

### C. Performance Benchmarks

None yet.

### D. Security Analysis

See the threat model.

---

**Document History**

| Version | Date | Author | Changes |
| --- | --- | --- | --- |
| 1.0 | 2026-01-05 | {author} | Initial version |
"""


def word(index: int) -> str:
    """A made-up, stemmer-proof word: ``zq``, base-26 letters of ``index``, ``9``."""
    letters = ""
    index += 26 * 26
    while index:
        index, digit = divmod(index, 26)
        letters = chr(97 + digit) + letters
    return "zq" + letters + "9"  # the digit keeps stemmers from merging two words


def spec_text(number: int, revision: int, status: str, rng: random.Random) -> tuple[str, int]:
    """The text of one revision and its number of open tasks."""
    words = [word(rng.randrange(VOCABULARY)) for _ in range(8)]
    done = status == "Implemented"
    boxes = ["x" if done or rng.random() < 0.5 else " " for _ in range(3)]
    cohort = word(VOCABULARY + number // COHORT)
    summary = f"Spec {number} revision {revision} covers {' '.join(words)}, cohort {cohort}."
    body = SECTIONS.format(
        summary=summary,
        word=words[0],
        a=boxes[0],
        b=boxes[1],
        c=boxes[2],
        risk="High" if number % 10 == 0 else "Low",
        author=f"author{number % 50}",
    )
    head = (
        f"# Technical Specification: Spec {number}\n\n**Document Version**: 1.0\\\n"
        f"**Author**: author{number % 50}\\\n**Date**: 2026-01-05\\\n"
        f"**Status**: {status}\\\n**Reviewers**: reviewers\n\n"
    )
    return head + body, boxes.count(" ")
