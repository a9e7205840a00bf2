"""Templates written in a team's own conventions, shared by the tests of ``techspec
template explain`` and of the web's template page (the same explanation on both)."""

from __future__ import annotations

TEAM_TEMPLATE = """\
# Incident Review: [Incident Name]

**Severity**: SEV1 | SEV2 | SEV3\\
**Date**: [YYYY-MM-DD]

## Timeline

| Time | Event | Owner |
| ---- | ----- | ----- |
| [HH:MM] | [What happened] | [Who] |

## Causes

### Cause 1: [Short Name]

[What made it happen]

## Actions

- [ ] Postmortem shared with the team
- [ ] [Action item]

## Approval

| Role | Name | Date |
| ---- | ---- | ---- |
| Incident Commander | [Name] | [Date] |
"""


CONVENTIONS = """\
- Proposal Name: {short name of the proposal}
- Start Date: (fill me in with today's date, YYYY-MM-DD)
- Reviewer: {who reviews it} (optional)

# Summary

{One paragraph explanation of the proposal.}

# User Stories (Optional)

## Story 1

<Describe what a user does.>

# Contacts

| Role | Contact |
| ---- | ------- |
| *<Role-1>* | *<Contact-1>* |

# Monitoring

How will you know it works?

- [ ] Metrics
- [ ] Logs
- [ ] Other (describe below)
"""
