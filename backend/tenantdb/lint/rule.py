"""What a lint rule is: a code, a name, a help line and a checking function.

A rule is a plain function decorated with :func:`rule`. It reads a
:class:`Context` (the schema model some SQL declares) and yields a
:class:`Violation` for each place that breaks it. Its docstring is its
documentation, shown by ``tenantdb lint --explain CODE``: a first line that
says what is wrong, why, then a ``Bad::`` and a ``Good::`` block of SQL. The
tests run both blocks, so the documentation cannot drift from the rule.

This module imports nothing heavy: listing and explaining rules must not pay
for sqlglot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tenantdb.model import SchemaModel, Source, Table


@dataclass(frozen=True)
class Violation:
    """One place that breaks a rule; ``help`` overrides the rule's own fix when set."""

    source: Source
    message: str
    help: str | None = None


@dataclass(frozen=True)
class Finding:
    """A violation as reported: where, which rule, what, and how to fix it."""

    path: str
    line: int
    column: int
    code: str
    name: str
    message: str
    help: str

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "help": self.help,
        }


@dataclass
class Context:
    """What the rules read: the model and which of its tables the SQL created."""

    model: SchemaModel
    created: frozenset[str] = frozenset()

    def tables(self) -> Iterator[Table]:
        """Every table the SQL touched, created or only altered."""
        return iter(self.model.tables.values())

    def created_tables(self) -> Iterator[Table]:
        """The tables whose whole definition the SQL holds (its CREATE TABLE)."""
        return (t for t in self.model.tables.values() if t.name in self.created)

    def root(self) -> Table | None:
        from tenantdb.spec import ROOT_TABLE

        return self.model.table(ROOT_TABLE) if ROOT_TABLE in self.created else None


Check = Callable[[Context], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    help: str
    check: Check
    #: True for the codes the runner reports itself (syntax, directives, crashes).
    runner_only: bool = False
    doc: str = field(default="", compare=False)

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else self.name

    def examples(self, kind: str) -> list[str]:
        """Return the SQL of the docstring's ``Bad::`` or ``Good::`` blocks."""
        blocks: list[str] = []
        lines = self.doc.splitlines()
        for i, line in enumerate(lines):
            if line.strip() != f"{kind}::":
                continue
            body: list[str] = []
            for following in lines[i + 1 :]:
                if following.strip() and not following.startswith("    "):
                    break
                body.append(following[4:])
            blocks.append("\n".join(body).strip() + "\n")
        return blocks

    def finding(self, source: Source, message: str, help: str | None = None) -> Finding:
        """Return a finding of this rule at ``source``."""
        return Finding(
            source.path,
            source.line,
            source.column,
            self.code,
            self.name,
            message,
            help or self.help,
        )


def _cleandoc(doc: str) -> str:
    """Dedent a docstring as inspect.cleandoc does (inspect itself is slow to import)."""
    lines = doc.expandtabs().splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents, default=0)
    body = [lines[0].strip()] + [line[margin:].rstrip() for line in lines[1:]] if lines else []
    return "\n".join(body).strip("\n")


#: Every rule by code, in the order the modules of tenantdb.lint.rules register them.
RULES: dict[str, Rule] = {}


def rule(code: str, name: str, *, help: str, runner_only: bool = False) -> Callable[[Check], Check]:
    """Register the decorated function as the check of rule ``code``."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code {code} is registered twice")
        doc = _cleandoc(check.__doc__ or "")
        RULES[code] = Rule(code, name, help, check, runner_only, doc)
        return check

    return register
