"""Lint SQL for the naming convention and tenant isolation.

SQL is read into the schema model (:mod:`tenantdb.sqlmodel`) and every rule
of :mod:`tenantdb.lint.rules` checks the model. The entry points:

* :func:`lint_targets`: what ``tenantdb lint`` runs (the project, or paths);
* :func:`tenantdb.lint.runner.lint_text`: one SQL text, e.g. in a test;
* :func:`all_rules`: the rules, for ``--list-rules`` and ``--explain``.

Importing this package is cheap; sqlglot is imported only to lint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tenantdb.lint.rule import RULES, Finding, Rule
from tenantdb.lint.targets import CHAIN, RENDER, RENDER_PATH, Target
from tenantdb.project import Project

__all__ = ("Finding", "LintResult", "Rule", "all_rules", "find_rule", "lint_targets")


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    #: What was checked, in words, for the summary line.
    checked: list[str] = field(default_factory=list)


def all_rules() -> list[Rule]:
    """Return every rule, by code."""
    import tenantdb.lint.rules  # noqa: F401  (registers the rules)

    return sorted(RULES.values(), key=lambda r: r.code)


def find_rule(code_or_name: str) -> Rule | None:
    """Return the rule with this code (``TDB201``) or name (``missing-tenant-id``)."""
    wanted = code_or_name.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    return None


def lint_targets(targets: Sequence[Target], project: Project | None) -> LintResult:
    """Lint each target and return the findings of all, target by target."""
    from tenantdb.lint import targets as target_files
    from tenantdb.lint.runner import lint_chain, lint_text

    result = LintResult()
    for target in targets:
        if target.kind == RENDER:
            assert project is not None
            from tenantdb.render import render_project

            result.findings += lint_text(render_project(project), RENDER_PATH)
        elif target.kind == CHAIN:
            assert project is not None
            files = target_files.chain_files(project)
            texts = [
                (target_files.display(f, project), target_files.read_text(f, project))
                for f in files
            ]
            result.findings += lint_chain(texts)
        else:
            assert target.path is not None
            text = target_files.read_text(target.path, project)
            result.findings += lint_text(text, target_files.display(target.path, project))
        result.checked.append(target.label(project))
    return result
