"""The ``junit`` format: JUnit XML, which most CI systems render as a test report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from techspec.formats._common import ordered, span
from techspec.lint.findings import FileReport, Finding

SUITE = "techspec"
# Characters XML 1.0 forbids even when escaped; one in a message would make the file unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(reports: list[FileReport], *, strict: bool = False) -> str:
    """One testcase per file and one ``<failure>`` per finding that fails the run, as
    the exit status says: errors, and warnings too with ``strict``.

    Other findings (warnings without ``strict``, infos) do not fail a file, so a CI
    system shows them without failing the pipeline: each is a line of the testcase's
    ``<system-out>`` (GitLab shows it in the test's details, Jenkins as its standard
    output), and the suite's ``warnings`` property counts the warnings.  ``failures``
    counts failing files (testcases), so it never exceeds ``tests``.
    """
    failing_severities = ("error", "warning") if strict else ("error",)
    suites = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(suites, "testsuite", name=SUITE)
    properties = ET.SubElement(suite, "properties")
    failed = warnings = 0
    for report, findings in ordered(reports):
        case = ET.SubElement(suite, "testcase", classname=SUITE, name=_clean(report.path))
        # a filter, not a search of the failures for each finding (that was quadratic)
        failing = [f for f in findings if f.severity in failing_severities]
        for finding in failing:
            failure = ET.SubElement(
                case, "failure", type=finding.code, message=_clean(finding.message)
            )
            failure.text = _line(report.path, finding)
        notes = [_line(report.path, f) for f in findings if f.severity not in failing_severities]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
        failed += bool(failing)
        warnings += sum(1 for f in findings if f.severity == "warning")
    ET.SubElement(properties, "property", name="warnings", value=str(warnings))
    ET.SubElement(properties, "property", name="warnings-fail", value=str(strict).lower())
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
