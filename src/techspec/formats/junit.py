"""The ``junit`` format: JUnit XML, which most CI systems render as a test report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from techspec.formats._common import ordered, span
from techspec.lint.findings import FileReport, Finding

SUITE = "techspec"
# Characters XML 1.0 forbids even when escaped; one in a message would make the file unreadable.
_FAILING = ("error", "warning")
"""Severities that fail a testcase; the rest go to its output (a filter, not a search of
the failures for each finding, which was quadratic)."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(reports: list[FileReport]) -> str:
    """One testcase per file and one ``<failure>`` per error or warning in it.

    Info findings do not fail a file; they go to the testcase's ``<system-out>``.
    ``failures`` counts failing files (testcases), so it never exceeds ``tests``.
    """
    suites = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(suites, "testsuite", name=SUITE)
    failed = 0
    for report, findings in ordered(reports):
        case = ET.SubElement(suite, "testcase", classname=SUITE, name=_clean(report.path))
        failing = [f for f in findings if f.severity in _FAILING]
        for finding in failing:
            failure = ET.SubElement(
                case, "failure", type=finding.code, message=_clean(finding.message)
            )
            failure.text = _line(report.path, finding)
        notes = [_line(report.path, f) for f in findings if f.severity not in _FAILING]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
        failed += bool(failing)
    for element in (suites, suite):
        element.set("tests", str(len(reports)))
        element.set("failures", str(failed))
        element.set("errors", "0")
    suite.set("skipped", "0")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _line(path: str, finding: Finding) -> str:
    where = span(finding)
    where_text = f"{path}:{where.line}:{where.column}"
    return _clean(f"{where_text}: {finding.code} {finding.severity} {finding.message}")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
