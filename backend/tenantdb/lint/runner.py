"""Run the rules over SQL: read it, check the model, apply suppressions.

A rule that raises does not stop the run: its crash becomes one TDB000
finding and the other rules still report, as a lint should behave when it
has a bug.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from tenantdb.lint import suppressions
from tenantdb.lint.rule import RULES, Context, Finding, Rule
from tenantdb.lint.rules.meta import BAD_DIRECTIVE, INTERNAL_ERROR, SYNTAX_ERROR
from tenantdb.model import Source
from tenantdb.sqlmodel import DIRECTIVE, SqlSchema, read_sql

log = logging.getLogger(__name__)


def lint_text(text: str, path: str = "<sql>") -> list[Finding]:
    """Return the findings of one SQL text, checked as a whole schema."""
    return check(read_sql(text, path))


def lint_chain(texts: Sequence[tuple[str, str]]) -> list[Finding]:
    """Return the findings of (path, text) pairs read in order into one model."""
    schema = SqlSchema()
    for path, text in texts:
        read_sql(text, path, schema)
    return check(schema)


def check(schema: SqlSchema, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Return every finding about ``schema``, suppressions applied, in file order."""
    if rules is None:
        import tenantdb.lint.rules  # noqa: F401  (registers the rules)

        rules = RULES.values()
    findings: list[Finding] = []
    for problem in schema.problems:
        code = BAD_DIRECTIVE if problem.kind == DIRECTIVE else SYNTAX_ERROR
        findings.append(RULES[code].finding(problem.source, problem.message))

    context = Context(schema.model, frozenset(schema.created))
    first = Source(schema.files[0].path if schema.files else "<sql>", 1, 1)
    for rule in rules:
        if rule.runner_only:
            continue
        found: list[Finding] = []
        try:
            for violation in rule.check(context):
                found.append(rule.finding(violation.source, violation.message, violation.help))
        except Exception as exc:
            log.debug("Rule %s crashed", rule.code, exc_info=True)
            found.append(
                RULES[INTERNAL_ERROR].finding(
                    first, f"rule {rule.code} {rule.name} crashed: {type(exc).__name__}: {exc}"
                )
            )
        findings += found

    findings = suppressions.apply(schema.files, findings)
    order = {file.path: i for i, file in enumerate(schema.files)}
    return sorted(
        set(findings),
        key=lambda f: (order.get(f.path, len(order)), f.line, f.column, f.code, f.message),
    )
