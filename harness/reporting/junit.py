"""A JUnit file for what behave's own JUnit cannot show: a run that never got
going (preflight) or whose cleanup failed. behave writes all-green or
all-skipped files then; this one is red, so CI dashboards are too."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

RUN_REPORT = "TESTS-run.xml"


def clear(directory: Path) -> None:
    """Remove an earlier run's JUnit files, its error file and its features' alike: behave
    writes only the features this run runs, and an earlier run's would be read (and attached
    to Jira by `signoff publish`) as this one's."""
    for old in directory.glob("TESTS-*.xml"):
        old.unlink(missing_ok=True)


def write_error(directory: Path, name: str, kind: str, message: str, *, stale: bool = False) -> Path:
    """One error test case. With `stale`, also remove the feature files of an
    earlier run, which a run that never started would otherwise leave green."""
    directory.mkdir(parents=True, exist_ok=True)
    if stale:
        for old in directory.glob("TESTS-*.xml"):
            old.unlink()
    suite = ET.Element("testsuite", name="OPTERP-20.run", tests="1", errors="1", failures="0", skipped="0", time="0")
    case = ET.SubElement(suite, "testcase", classname="OPTERP-20.run", name=name, status="error", time="0")
    ET.SubElement(case, "error", type=kind, message=message).text = message
    path = directory / RUN_REPORT
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    return path
