"""The codes the runner reports itself: crashes, unreadable SQL, bad comments.

They are rules like the others so that ``--explain`` documents them and
``--list-rules`` lists them; their checks find nothing on their own.
"""

from __future__ import annotations

from collections.abc import Iterator

from tenantdb.lint.rule import Context, Violation, rule

INTERNAL_ERROR = "TDB000"
SYNTAX_ERROR = "TDB001"
BAD_DIRECTIVE = "TDB002"
UNUSED_SUPPRESSION = "TDB003"


@rule(
    INTERNAL_ERROR,
    "internal-error",
    help="report it with the SQL that caused it; the other rules still ran",
    runner_only=True,
)
def internal_error(ctx: Context) -> Iterator[Violation]:
    """A rule crashed on this SQL: a bug in the lint, not in the SQL.

    The crash is reported as a finding, at the start of the file, so that
    the run still fails and every other rule's findings are still shown.
    It cannot be suppressed.

    Bad::

        -- Any SQL that makes a rule raise an exception.

    Good::

        -- The same SQL once the rule is fixed.
    """
    return iter(())


@rule(
    SYNTAX_ERROR,
    "syntax-error",
    help="fix the statement so that PostgreSQL (and sqlglot) can parse it",
    runner_only=True,
)
def syntax_error(ctx: Context) -> Iterator[Violation]:
    """A statement that sqlglot cannot parse, so nothing in it was checked.

    The text is split into statements before parsing, so one broken
    statement is one finding at its position and the others are still
    checked. A CREATE TABLE, CREATE INDEX, ALTER TABLE or COMMENT ON that
    sqlglot can only read as an opaque command is reported too: the lint
    would otherwise miss its table or key without a word.

    Bad::

        CREATE TABLE notes (
            id uuid NOT NULL
            body text NOT NULL
        );

    Good::

        CREATE TABLE notes (
            id uuid NOT NULL,
            body text NOT NULL
        );
    """
    return iter(())


@rule(
    BAD_DIRECTIVE,
    "bad-directive",
    help="write '-- tenantdb: ignore[CODE] reason' or '-- tenantdb: global-fallback key=(col)'",
    runner_only=True,
)
def bad_directive(ctx: Context) -> Iterator[Violation]:
    """A ``-- tenantdb:`` comment that the lint cannot use.

    A suppression needs known, suppressible codes and a reason; the
    global-fallback annotation needs its business key and must stand in the
    comments right above its CREATE TABLE. A comment that starts with
    ``tenantdb:`` and is neither is refused too, so that a typo never
    silently turns a check off.

    Bad::

        -- tenantdb: ignore[TDB301]
        CREATE TABLE imports (created timestamp);

    Good::

        -- tenantdb: ignore[TDB301] the upstream file has local times only
        CREATE TABLE imports (created timestamp);
    """
    return iter(())


@rule(
    UNUSED_SUPPRESSION,
    "unused-suppression",
    help="remove the code from the comment (or the whole comment)",
    runner_only=True,
)
def unused_suppression(ctx: Context) -> Iterator[Violation]:
    """A suppression whose code has no finding on the line it covers.

    A suppression covers the findings of its codes on its own line (a
    comment after SQL) or on the next line that holds SQL (a comment on a
    line of its own). One that suppresses nothing is stale, and would hide
    the next real finding there, so it is a finding itself.

    Bad::

        -- tenantdb: ignore[TDB303] the payload is kept byte for byte
        CREATE TABLE imports (payload jsonb);

    Good::

        CREATE TABLE imports (payload jsonb);
    """
    return iter(())
