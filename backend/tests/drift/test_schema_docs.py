"""docs/schema.md: the committed copy is current, and its text is made deterministically."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantdb.cli import main
from tenantdb.erd import render_erd
from tenantdb.schemadoc import DOC_PATH, code, render_docs
from tenantdb.spec import load_schema

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_committed_schema_doc_is_current() -> None:
    """Fails when docs/schema.md is stale: run `tenantdb docs` and commit it."""
    committed = (ROOT / DOC_PATH).read_text(encoding="utf-8")
    assert committed == render_docs(load_schema(ROOT / "schema", relative_to=ROOT))


def test_doc_holds_the_diagram_then_every_table() -> None:
    schema = load_schema(ROOT / "schema", relative_to=ROOT)
    text = render_docs(schema)
    assert f"```mermaid\n{render_erd(schema)}```\n" in text
    headings = [line[4:] for line in text.splitlines() if line.startswith("### ")]
    assert headings == list(schema.names)
    assert text.index("```mermaid") < text.index("### tenants")
    section = text[text.index("### incidents") : text.index("### events")]
    assert (
        "| `fk_incidents_tenant_id_conversation_id_conversations` | foreign key | "
        "`FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) "
        "ON DELETE RESTRICT` |"
    ) in section
    assert (
        "| `ix_incidents_tenant_id_opened_at` | | "
        "`(tenant_id, opened_at DESC) WHERE status <> 'resolved'` | declared |"
    ) in section
    assert "| `resolved_at` | `timestamptz` | NULL | | |" in section
    assert "| `status` | `text` | NOT NULL | `'open'` | |" in section


def test_global_fallback_table_shows_its_key_and_partial_unique_pair() -> None:
    schema = load_schema(FIXTURES / "global_fallback", relative_to=FIXTURES)
    text = render_docs(schema)
    assert "A global-fallback table, declared in `global_fallback/canned_replies.yaml`." in text
    assert "Business key: `code`." in text
    assert (
        "| `uq_canned_replies_code` | unique | `(code) WHERE tenant_id IS NULL` | "
        "one global row per business key |"
    ) in text


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("a | b", "`a \\| b`"),
        ("x `y`", "`` x `y` ``"),
        ("plain", "`plain`"),
    ],
)
def test_code_spans_survive_table_cells(text: str, cell: str) -> None:
    assert code(text) == cell


def test_docs_command_writes_and_checks(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("TENANTDB_ROOT", str(project_copy))
    doc = project_copy / DOC_PATH

    assert main(["docs", "--check"]) == 1
    assert (
        capsys.readouterr().out
        == f"{DOC_PATH}: missing; run `tenantdb docs` and commit the result\n"
    )
    assert not doc.exists()

    assert main(["docs"]) == 0
    assert capsys.readouterr().out == f"wrote {DOC_PATH}\n"
    first = doc.read_bytes()
    assert main(["docs"]) == 0
    assert doc.read_bytes() == first
    assert main(["docs", "--check"]) == 0
    capsys.readouterr()

    spec = project_copy / "schema" / "messages.yaml"
    spec.write_text(spec.read_text().replace("One message of", "A single message of"))
    assert main(["docs", "--check"]) == 1
    assert (
        capsys.readouterr().out == f"{DOC_PATH}: stale; run `tenantdb docs` and commit the result\n"
    )
    assert doc.read_bytes() == first
