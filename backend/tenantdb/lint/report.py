"""Print findings: text for people, JSON for tools, annotations for GitHub Actions."""

from __future__ import annotations

import json
from collections.abc import Sequence

from tenantdb.lint.rule import Finding

FORMATS = ("text", "json", "github")


def render(findings: Sequence[Finding], fmt: str) -> str:
    """Return ``findings`` in format ``fmt``, ending with a newline (or empty)."""
    if fmt == "json":
        return json.dumps([f.as_dict() for f in findings], indent=2) + "\n"
    if fmt == "github":
        return "".join(_github(f) + "\n" for f in findings)
    return "".join(_text(f) for f in findings)


def _text(finding: Finding) -> str:
    return (
        f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n"
        f"  help: {finding.help}\n"
    )


def _github(finding: Finding) -> str:
    """One workflow command, ``::error file=...::message``, escaped as the runner expects."""
    properties = [f"line={finding.line}", f"col={finding.column}"]
    if not finding.path.startswith("<"):  # the rendered schema is no file in the checkout
        properties.insert(0, f"file={_property(finding.path)}")
    properties.append(f"title={_property(f'{finding.code} {finding.name}')}")
    message = _data(f"{finding.message}\nhelp: {finding.help}")
    return f"::error {','.join(properties)}::{message}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def summary(findings: Sequence[Finding], checked: Sequence[str]) -> str:
    """Return the closing line: how many findings in what was checked."""
    what = ", ".join(checked) if checked else "nothing"
    if not findings:
        return f"no findings in {what}"
    count = len(findings)
    return f"{count} finding{'s' if count != 1 else ''} in {what}"
