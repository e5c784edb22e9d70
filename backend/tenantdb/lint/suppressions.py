"""Suppressions written in the SQL: ``-- tenantdb: ignore[CODE, ...] reason``.

A suppression covers the findings of its codes on one line: its own, when the
comment follows SQL on that line, or the next line that holds SQL, when the
comment stands on a line of its own. The reason is required, so that every
exception says why it is one. A suppression that covers nothing is a finding
itself (TDB003), and a ``tenantdb:`` comment that is not a valid suppression
or annotation is one too (TDB002): a typo must never turn a check off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tenantdb.lint.rule import RULES, Finding
from tenantdb.lint.rules.meta import (
    BAD_DIRECTIVE,
    INTERNAL_ERROR,
    UNUSED_SUPPRESSION,
)
from tenantdb.model import Source
from tenantdb.sqlmodel import SqlFile, directive

_IGNORE = re.compile(r"ignore\[(?P<codes>[^\]]*)\](?P<reason>.*)", re.S)
_ANNOTATION = re.compile(r"global-fallback\b")

#: Findings about suppressions themselves, or about the lint, cannot be suppressed.
UNSUPPRESSIBLE = frozenset({INTERNAL_ERROR, BAD_DIRECTIVE, UNUSED_SUPPRESSION})


@dataclass
class Suppression:
    path: str
    line: int
    codes: tuple[str, ...]
    reason: str
    source: Source
    used: set[str] = field(default_factory=set)


def collect(file: SqlFile) -> tuple[list[Suppression], list[Finding]]:
    """Return a file's valid suppressions, and a finding for each unusable one."""
    suppressions: list[Suppression] = []
    findings: list[Finding] = []
    bad = RULES[BAD_DIRECTIVE]
    for comment in file.comments:
        text = directive(comment)
        if text is None or _ANNOTATION.match(text):
            continue  # not ours, or an annotation, which the SQL reader checks
        match = _IGNORE.fullmatch(text)
        if match is None:
            findings.append(
                bad.finding(comment.source, f"unknown tenantdb directive {text.split()[0]!r}")
                if text
                else bad.finding(comment.source, "empty tenantdb directive")
            )
            continue
        codes = tuple(c.strip().upper() for c in match.group("codes").split(",") if c.strip())
        reason = match.group("reason").strip()
        problem = _problem(codes, reason)
        if problem:
            findings.append(bad.finding(comment.source, problem))
            continue
        line = comment.source.line
        target = line if not comment.own_line else file.next_code_line(line)
        suppressions.append(Suppression(file.path, target, codes, reason, comment.source))
    return suppressions, findings


def _problem(codes: tuple[str, ...], reason: str) -> str | None:
    if not codes:
        return "suppression names no code; write ignore[CODE] reason"
    for code in codes:
        if code not in RULES:
            return f"suppression of unknown code '{code}' (see `tenantdb lint --list-rules`)"
        if code in UNSUPPRESSIBLE:
            return f"code '{code}' cannot be suppressed"
    if not reason:
        return f"suppression of {', '.join(codes)} gives no reason; say why after the ]"
    return None


def apply(files: Iterable[SqlFile], findings: list[Finding]) -> list[Finding]:
    """Drop suppressed findings; add one for each unusable or unused suppression."""
    suppressions: dict[tuple[str, int], list[Suppression]] = {}
    extra: list[Finding] = []
    for file in files:
        found, problems = collect(file)
        extra += problems
        for suppression in found:
            suppressions.setdefault((suppression.path, suppression.line), []).append(suppression)

    kept: list[Finding] = []
    for finding in findings:
        covering = [
            s
            for s in suppressions.get((finding.path, finding.line), ())
            if finding.code in s.codes and finding.code not in UNSUPPRESSIBLE
        ]
        for suppression in covering:
            suppression.used.add(finding.code)
        if not covering:
            kept.append(finding)

    unused = RULES[UNUSED_SUPPRESSION]
    for group in suppressions.values():
        for suppression in group:
            for code in suppression.codes:
                if code not in suppression.used:
                    kept.append(
                        unused.finding(
                            suppression.source,
                            f"suppression of {code} covers no {code} finding on line "
                            f"{suppression.line}",
                        )
                    )
    return kept + extra
