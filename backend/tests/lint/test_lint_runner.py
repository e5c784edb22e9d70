"""The runner: crashing rules, suppressions, chains of files, finding order."""

from __future__ import annotations

from collections.abc import Iterator

from tenantdb.lint import all_rules
from tenantdb.lint.rule import Context, Rule, Violation
from tenantdb.lint.runner import check, lint_chain, lint_text
from tenantdb.sqlmodel import read_sql

BAD_TYPES = "CREATE TABLE events (payload json, created_at timestamp);\n"


def _crash(ctx: Context) -> Iterator[Violation]:
    yield Violation(next(ctx.tables()).source, "found before the crash")
    raise RuntimeError("boom")


def test_a_rule_that_raises_is_one_finding_and_the_others_still_run() -> None:
    """Test that a crashing rule becomes TDB000 while every other rule still reports."""
    crashing = Rule("TDB999", "crashing-rule", "fix the rule", _crash)
    findings = check(read_sql(BAD_TYPES, "x.sql"), [crashing, *all_rules()])
    codes = [f.code for f in findings]
    assert codes.count("TDB000") == 1
    internal = next(f for f in findings if f.code == "TDB000")
    assert (internal.path, internal.line, internal.column) == ("x.sql", 1, 1)
    assert "TDB999 crashing-rule crashed: RuntimeError: boom" in internal.message
    assert "TDB999" in codes  # what it found before it raised is kept
    assert {"TDB301", "TDB303"} <= set(codes)


def test_findings_are_in_file_then_position_order() -> None:
    """Test the order of findings: by file, line, column, code."""
    findings = lint_text(BAD_TYPES + "CREATE TABLE other (payload json);\n", "x.sql")
    positions = [(f.line, f.column, f.code) for f in findings]
    assert positions == sorted(positions)


def test_trailing_and_own_line_suppressions() -> None:
    """Test what a suppression covers: its own line after SQL, or the next line of SQL."""
    sql = (
        "-- tenantdb: ignore[TDB201] scratch table for an import, dropped right after\n"
        "\n"
        "-- another comment between the suppression and its line\n"
        "CREATE TABLE events (\n"
        "    payload json,  -- tenantdb: ignore[tdb303] kept byte for byte for the audit\n"
        "    created_at timestamp\n"
        ");\n"
    )
    codes = [f.code for f in lint_text(sql, "x.sql")]
    assert "TDB201" not in codes and "TDB303" not in codes
    assert "TDB301" in codes  # not covered: another line
    assert "TDB003" not in codes and "TDB002" not in codes


def test_a_suppression_without_reason_suppresses_nothing() -> None:
    """Test that an invalid suppression leaves the finding and adds TDB002."""
    findings = lint_text("CREATE TABLE e (p json);  -- tenantdb: ignore[TDB303]\n", "x.sql")
    codes = [f.code for f in findings]
    assert "TDB303" in codes and "TDB002" in codes


def test_a_chain_reads_later_files_into_the_same_model() -> None:
    """Test that a later revision's ALTER TABLE is checked against the earlier CREATE."""
    first = (
        "CREATE TABLE tenants (id uuid NOT NULL, CONSTRAINT pk_tenants PRIMARY KEY (id));\n"
        "CREATE TABLE conversations (\n"
        "    id uuid NOT NULL,\n"
        "    tenant_id uuid NOT NULL,\n"
        "    CONSTRAINT pk_conversations PRIMARY KEY (id),\n"
        "    CONSTRAINT uq_conversations_tenant_id_id UNIQUE (tenant_id, id),\n"
        "    CONSTRAINT fk_conversations_tenant_id_tenants FOREIGN KEY (tenant_id)\n"
        "        REFERENCES tenants (id)\n"
        ");\n"
    )
    second = (
        "ALTER TABLE conversations ADD COLUMN parent_conversation_id uuid NULL;\n"
        "ALTER TABLE conversations\n"
        "    ADD CONSTRAINT fk_conversations_parent_conversation_id_conversations\n"
        "    FOREIGN KEY (parent_conversation_id) REFERENCES conversations (id);\n"
    )
    findings = lint_chain([("1.up.sql", first), ("2.up.sql", second)])
    found = {(f.path, f.line, f.code) for f in findings}
    # the second file names conversations only; its findings point into it
    assert ("2.up.sql", 3, "TDB206") in found  # a bare id between tenant tables
    assert ("2.up.sql", 3, "TDB208") in found  # known from the first file: no index
    assert not any(code == "TDB109" for _, _, code in found)  # a role before the name
    assert all(f.path == "2.up.sql" for f in findings), findings
