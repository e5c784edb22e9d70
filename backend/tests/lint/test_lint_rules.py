"""Every rule against its cases: cases/<CODE>.yaml and the Bad/Good SQL of its docstring.

A case file holds ``fail`` cases (the rule must report, optionally with an
exact count, a message or help containing a text, a line and a column, and
other codes reported ``also``) and ``pass`` cases (the rule must not report).
The docstring's ``Bad::`` blocks must fail and its ``Good::`` blocks pass, so
the documentation that ``--explain`` prints cannot drift from the rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tenantdb.lint import all_rules
from tenantdb.lint.runner import lint_text

CASES = Path(__file__).parent / "cases"
CASE_KEYS = {"sql", "count", "message", "help", "line", "column", "also"}

#: TDB000 reports a crash of the lint itself; no SQL makes a correct rule crash.
#: test_lint_runner.py covers it with a rule that raises.
NO_SQL_CASES = {"TDB000"}


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        code = path.stem
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for outcome in ("fail", "pass"):
            for i, case in enumerate(data.get(outcome) or []):
                params.append(pytest.param(code, outcome, case, id=f"{code}-{outcome}-{i}"))
    for rule in all_rules():
        if rule.code in NO_SQL_CASES:
            continue
        for outcome, kind in (("fail", "Bad"), ("pass", "Good")):
            for i, sql in enumerate(rule.examples(kind)):
                case = {"sql": sql}
                params.append(
                    pytest.param(rule.code, outcome, case, id=f"{rule.code}-doc{kind}-{i}")
                )
    return params


@pytest.mark.parametrize(("code", "outcome", "case"), _cases())
def test_rule_case(code: str, outcome: str, case: dict[str, Any]) -> None:
    """Test that the rule reports on a failing case, as described, and not on a passing one."""
    assert set(case) <= CASE_KEYS, f"unknown keys in the case: {set(case) - CASE_KEYS}"
    findings = lint_text(case["sql"], "case.sql")
    mine = [f for f in findings if f.code == code]
    shown = "\n".join(f"{f.line}:{f.column} {f.code} {f.message} | {f.help}" for f in findings)
    if outcome == "pass":
        assert not mine, f"{code} reported on a passing case:\n{shown}"
        return
    assert mine, f"{code} not reported on a failing case:\n{shown}"
    if "count" in case:
        assert len(mine) == case["count"], shown
    if "message" in case:
        assert any(case["message"] in f.message for f in mine), shown
    if "help" in case:
        assert any(case["help"] in f.help for f in mine), shown
    if "line" in case:
        assert mine[0].line == case["line"], shown
    if "column" in case:
        assert mine[0].column == case["column"], shown
    for other in case.get("also", []):
        assert any(f.code == other for f in findings), shown
    for finding in mine:
        assert finding.path == "case.sql"
        assert finding.line >= 1 and finding.column >= 1
        assert finding.message and finding.help and "\n" not in finding.message


def test_every_rule_has_cases_and_documentation() -> None:
    """Test that each rule has a case file with both outcomes and a Bad/Good docstring."""
    files = {p.stem for p in CASES.glob("*.yaml")}
    codes = {r.code for r in all_rules()}
    assert files - codes == set(), "case files for codes that are not rules"
    for rule in all_rules():
        assert rule.examples("Bad") and rule.examples("Good"), f"{rule.code} docstring"
        assert rule.summary.endswith("."), f"{rule.code}: the first docstring line is a sentence"
        if rule.code in NO_SQL_CASES:
            continue
        assert rule.code in files, f"no cases/{rule.code}.yaml"
        data = yaml.safe_load((CASES / f"{rule.code}.yaml").read_text(encoding="utf-8"))
        assert data.get("fail") and data.get("pass"), f"{rule.code}: fail and pass cases"


def test_codes_and_names_are_unique_and_stable_in_form() -> None:
    """Test that codes are TDBnnn and names kebab-case, each used once."""
    rules = all_rules()
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert len(rule.code) == 6 and rule.code.startswith("TDB") and rule.code[3:].isdigit()
        assert rule.name == rule.name.lower() and " " not in rule.name
