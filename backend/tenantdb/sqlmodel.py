"""Read SQL text into the schema model, through sqlglot's PostgreSQL dialect.

This is the SQL side of the schema model (:mod:`tenantdb.model`): what the
lint checks, and what drift compares with a live database. The text is split
into statements here, not by sqlglot, so that one statement sqlglot cannot
parse becomes one :class:`Problem` at its position while the others are still
read. Every table, column, constraint and index keeps the file, line and
column it was declared at.

Read into the model: ``CREATE TABLE`` (columns, inline column constraints and
table constraints), ``ALTER TABLE`` (``ADD``/``DROP CONSTRAINT``, ``ADD``/
``DROP COLUMN``, ``ALTER COLUMN ... [SET|DROP] NOT NULL | TYPE``), ``CREATE
[UNIQUE] INDEX`` (with its ``WHERE`` predicate), ``COMMENT ON TABLE|COLUMN``
and ``DROP TABLE|INDEX``. Any other statement is parsed and passed over.

A table is the root table when it is named ``tenants``, a global-fallback
table when the comments right above its ``CREATE TABLE`` hold the annotation
the templates write::

    -- tenantdb: global-fallback key=(code)
    CREATE TABLE canned_replies (...);

and a tenant table otherwise.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from tenantdb.model import (
    CHECK,
    EXCLUDE,
    FOREIGN_KEY,
    PRIMARY_KEY,
    UNIQUE,
    Column,
    Constraint,
    Index,
    IndexElement,
    SchemaModel,
    Source,
    Table,
    normalize_type,
)
from tenantdb.spec import ROOT_TABLE

log = logging.getLogger(__name__)

#: Problem kinds: a statement that could not be read, or a bad ``tenantdb:`` comment.
SYNTAX = "syntax"
DIRECTIVE = "directive"

#: What starts every ``tenantdb:`` comment (annotations and lint suppressions).
DIRECTIVE_PREFIX = "tenantdb:"

_GLOBAL_FALLBACK = re.compile(r"global-fallback\b(?P<rest>.*)", re.S)
_KEY_ARGUMENT = re.compile(r"\s*key\s*=\s*\((?P<columns>[^()]*)\)\s*")
_KEY_COLUMN = re.compile(r"[a-z_][a-z0-9_]*")

#: Statements whose meaning the model needs: when sqlglot falls back to an
#: opaque ``Command`` for one of these, the lint would silently miss a table or
#: a key, so that is a problem rather than a statement passed over.
_MODELLED = re.compile(
    r"(?:CREATE\s+(?:UNLOGGED\s+)?TABLE|CREATE\s+(?:UNIQUE\s+)?INDEX|ALTER\s+TABLE|COMMENT\s+ON)\b",
    re.I,
)

_SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial"})

#: Normalized names of types without modifiers, by sqlglot's type (filled as met).
_TYPE_NAMES: dict[object, str] = {}

#: The tokens that can follow a column's DEFAULT expression and so end it. sqlglot
#: has no token type of its own for CHECK and GENERATED: they come as words.
_DEFAULT_ENDS = frozenset(
    {
        TokenType.COMMA,
        TokenType.R_PAREN,
        TokenType.NOT,
        TokenType.NULL,
        TokenType.CONSTRAINT,
        TokenType.REFERENCES,
        TokenType.PRIMARY_KEY,
        TokenType.UNIQUE,
        TokenType.COLLATE,
        TokenType.DEFAULT,
    }
)
_DEFAULT_END_WORDS = frozenset({"CHECK", "GENERATED"})


# -- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """A SQL comment, with its text after ``--`` (or inside ``/* */``), stripped."""

    text: str
    source: Source
    #: True when only white space precedes it on its line.
    own_line: bool


@dataclass(frozen=True)
class Problem:
    """Something in the text the model could not take in: a statement, or a comment."""

    kind: str
    message: str
    source: Source


@dataclass
class SqlFile:
    """One text that was read: its comments and problems, for the lint's findings."""

    path: str
    text: str
    comments: list[Comment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    statements: int = 0

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def next_code_line(self, line: int) -> int:
        """Return the first line after ``line`` that holds SQL, not only a comment."""
        lines = self.lines
        for number in range(line + 1, len(lines) + 1):
            stripped = lines[number - 1].strip()
            if stripped and not stripped.startswith(("--", "/*")):
                return number
        return line


@dataclass
class SqlSchema:
    """The schema model that one or more SQL texts declare, read in order.

    ``created`` names the tables whose ``CREATE TABLE`` was read; a table that
    a text only alters (a later revision read on its own) is in the model too,
    with the objects the text gave it, but a check of the whole table would be
    about a table the text never showed, so the lint leaves such tables alone.
    """

    model: SchemaModel = field(default_factory=SchemaModel)
    created: set[str] = field(default_factory=set)
    files: list[SqlFile] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]


def read_sql(text: str, path: str, schema: SqlSchema | None = None) -> SqlSchema:
    """Read ``text`` (shown as ``path`` in sources) into ``schema``, or a new one.

    Reading several texts into one schema applies them in order, as a chain of
    revisions applies to one database.
    """
    schema = schema if schema is not None else SqlSchema()
    file = SqlFile(path, text)
    schema.files.append(file)
    _Reader(schema, file).read()
    return schema


# -- splitting ----------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement's text (without its ``;``) and where it starts."""

    text: str
    offset: int
    #: Indexes into the file's comments of those between the previous statement and this one.
    leading: range


_CHECK_WORD = re.compile(r"\bcheck\b", re.I)
_DEFAULT_WORD = re.compile(r"\bdefault\b", re.I)
_MAYBE_STRAY_COMMA = re.compile(r",\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*[,)]", re.S)
_SPECIAL = re.compile(r"--|/\*|'|\"|\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$|;")
_STRING_BODY = re.compile(r"(?:[^']|'')*'")
_ESCAPE_STRING_BODY = re.compile(r"(?:[^'\\]|\\.|'')*'", re.S)
_IDENTIFIER_BODY = re.compile(r'(?:[^"]|"")*"')
_BLOCK_COMMENT_PART = re.compile(r"/\*|\*/")
_WORD_CHAR = re.compile(r"[A-Za-z0-9_$]")


class _Positions:
    """Offsets to 1-based line and column numbers."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def source(self, offset: int) -> Source:
        line = bisect.bisect_right(self.starts, offset)
        return Source(self.path, line, offset - self.starts[line - 1] + 1)


def split_statements(text: str, positions: _Positions) -> tuple[list[Statement], list[Comment]]:
    """Split ``text`` at top-level semicolons and collect its comments.

    Semicolons and comment markers inside string literals (``'...'``,
    ``E'...'``, ``$tag$...$tag$``) and quoted identifiers do not count; block
    comments nest, as in PostgreSQL. An unterminated literal runs to the end of
    the text, where sqlglot then reports it.
    """
    statements: list[Statement] = []
    comments: list[Comment] = []
    start: int | None = None
    code_end = 0
    leading_from = 0
    pos = 0
    size = len(text)

    def code_at(offset: int) -> None:
        nonlocal start
        if start is None:
            start = offset

    while pos < size:
        match = _SPECIAL.search(text, pos)
        gap_end = match.start() if match else size
        gap = text[pos:gap_end]
        if gap.strip():
            code_at(pos + len(gap) - len(gap.lstrip()))
            code_end = pos + len(gap.rstrip())
        if match is None:
            break
        token, here = match.group(), match.start()
        if token == ";":
            if start is not None:
                statements.append(
                    Statement(text[start:here], start, range(leading_from, len(comments)))
                )
                leading_from = len(comments)
            start = None
            pos = match.end()
        elif token == "--":
            end = text.find("\n", here)
            end = size if end < 0 else end
            comments.append(_comment(text, here, text[here + 2 : end], positions))
            pos = end
        elif token == "/*":
            end = _block_comment_end(text, here)
            comments.append(_comment(text, here, text[here + 2 : end - 2], positions))
            pos = end
        else:
            code_at(here)
            pos = _literal_end(text, match)
            code_end = pos
    if start is not None:
        statements.append(
            Statement(text[start:code_end], start, range(leading_from, len(comments)))
        )
    return statements, comments


def _comment(text: str, offset: int, body: str, positions: _Positions) -> Comment:
    line_start = text.rfind("\n", 0, offset) + 1
    return Comment(body.strip(), positions.source(offset), not text[line_start:offset].strip())


def _block_comment_end(text: str, start: int) -> int:
    depth, pos = 0, start
    for part in _BLOCK_COMMENT_PART.finditer(text, start):
        depth += 1 if part.group() == "/*" else -1
        pos = part.end()
        if depth == 0:
            return pos
    return len(text)


def _literal_end(text: str, match: re.Match[str]) -> int:
    """Return the offset just past the literal or quoted identifier ``match`` opens."""
    token, start = match.group(), match.start()
    before = text[start - 1] if start else ""
    if token == '"':
        body = _IDENTIFIER_BODY.match(text, start + 1)
    elif token == "'":
        escaped = before in "Ee" and start >= 1 and not _is_word(text, start - 2)
        pattern = _ESCAPE_STRING_BODY if escaped else _STRING_BODY
        body = pattern.match(text, start + 1)
    else:
        # A dollar sign inside an identifier (allowed after its first letter) opens nothing.
        if before and _WORD_CHAR.match(before):
            return match.end()
        end = text.find(token, match.end())
        return len(text) if end < 0 else end + len(token)
    return body.end() if body else len(text)


def _is_word(text: str, index: int) -> bool:
    return index >= 0 and bool(_WORD_CHAR.match(text[index]))


# -- reading ------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """Keep sqlglot's warnings (e.g. its fallback to ``Command``) off standard error.

    What matters of them becomes a :class:`Problem`; the rest is noise in a
    lint's output.
    """
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Reader:
    def __init__(self, schema: SqlSchema, file: SqlFile) -> None:
        self.schema = schema
        self.model = schema.model
        self.file = file
        self.positions = _Positions(file.path, file.text)
        dialect = sqlglot.Dialect.get_or_raise("postgres")
        self.tokenizer = dialect.tokenizer()
        self.parser = dialect.parser()
        self.generator = dialect.generator()

    def read(self) -> None:
        statements, comments = split_statements(self.file.text, self.positions)
        self.file.comments.extend(comments)
        self.file.statements = len(statements)
        annotated: set[int] = set()
        with _quiet_sqlglot():
            for statement in statements:
                self.statement = statement
                self.tokens: list[Token] = []
                self.starts: dict[int, int] | None = None
                node = self._parse(statement)
                if node is None:
                    continue
                table = self._apply(node)
                if isinstance(node, exp.Create) and table is not None:
                    annotated.update(self._annotate(table, statement.leading))
        for index, comment in enumerate(comments):
            if index not in annotated and _GLOBAL_FALLBACK.match(directive(comment) or ""):
                self._problem(
                    DIRECTIVE,
                    "the global-fallback annotation must be in the comments right above "
                    "the CREATE TABLE it describes",
                    comment.source,
                )

    # -- statements -----------------------------------------------------------------

    def _parse(self, statement: Statement) -> exp.Expr | None:
        try:
            self.tokens = self.tokenizer.tokenize(statement.text)
            nodes = self.parser.parse(self.tokens, statement.text)
        except ParseError as exc:
            self._syntax_problem(statement, exc)
            return None
        except TokenError as exc:
            message = str(exc).splitlines()[0] if str(exc) else "unreadable text"
            self._problem(SYNTAX, f"cannot tokenize the statement: {message}", self._at(0))
            return None
        except Exception as exc:  # sqlglot's own bugs must not stop the other statements
            log.debug("sqlglot failed on a statement", exc_info=True)
            self._problem(SYNTAX, f"sqlglot failed on the statement: {exc}", self._at(0))
            return None
        node = next((n for n in nodes if n is not None), None)
        stray = _stray_comma(self.tokens) if _MAYBE_STRAY_COMMA.search(statement.text) else None
        if stray is not None:
            # sqlglot skips an empty list item; PostgreSQL refuses the statement.
            self._problem(SYNTAX, "cannot parse the statement: a comma too many", self._at(stray))
            return None
        if isinstance(node, exp.Command) and _MODELLED.match(statement.text):
            words = " ".join(statement.text.split()[:3])
            self._problem(
                SYNTAX,
                f"sqlglot cannot read {words!r}..., so the lint did not check it",
                self._at(0),
            )
            return None
        return node

    def _syntax_problem(self, statement: Statement, exc: ParseError) -> None:
        error = exc.errors[0] if exc.errors else {}
        description = str(error.get("description") or exc).splitlines()[0]
        highlight = str(error.get("highlight") or "")
        line, column = int(error.get("line") or 1), int(error.get("col") or 1)
        # sqlglot points at the end of the offending token; point at its start.
        column = max(column - len(highlight) + 1, 1) if highlight else column
        first = self.positions.source(statement.offset)
        if line == 1:
            where = Source(first.path, first.line, first.column + column - 1)
        else:
            where = Source(first.path, first.line + line - 1, column)
        near = f" near {highlight!r}" if highlight else ""
        self._problem(SYNTAX, f"cannot parse the statement{near}: {description}", where)

    def _apply(self, node: exp.Expr) -> Table | None:
        if isinstance(node, exp.Create):
            kind = str(node.args.get("kind") or "").upper()
            if kind == "TABLE":
                return self._create_table(node)
            if kind == "INDEX":
                self._create_index(node)
        elif isinstance(node, exp.Alter) and str(node.args.get("kind") or "").upper() == "TABLE":
            self._alter_table(node)
        elif isinstance(node, exp.Comment):
            self._comment_on(node)
        elif isinstance(node, exp.Drop):
            self._drop(node)
        return None

    def _create_table(self, node: exp.Create) -> Table | None:
        target = node.this
        schema = target if isinstance(target, exp.Schema) else None
        table_node = schema.this if schema is not None else target
        if not isinstance(table_node, exp.Table):
            return None
        name = _name(table_node.this)
        table = Table(
            name,
            kind="root" if name == ROOT_TABLE else "tenant",
            source=self._source_of(table_node.this),
        )
        self.model.add_table(table)
        self.schema.created.add(name)
        checks = self._check_texts()
        defaults = self._default_texts()
        for item in schema.expressions if schema is not None else ():
            if isinstance(item, exp.Identifier):
                # sqlglot takes a bare name for a column; PostgreSQL wants a type.
                name = _name(item)
                self._problem(SYNTAX, f"column '{name}' has no type", self._source_of(item))
            elif isinstance(item, exp.ColumnDef):
                self._column(table, item, checks, defaults)
            else:
                self._table_constraint(table, item, checks)
        return table

    def _alter_table(self, node: exp.Alter) -> None:
        table = self._table(node.this)
        if table is None:
            return
        checks = self._check_texts()
        defaults = self._default_texts()
        for action in node.args.get("actions") or ():
            if isinstance(action, exp.ColumnDef):
                self._column(table, action, checks, defaults)
            elif isinstance(action, exp.AddConstraint):
                for item in action.expressions:
                    self._table_constraint(table, item, checks)
            elif isinstance(action, exp.Drop):
                kind = str(action.args.get("kind") or "").upper()
                names = [_name(t.this) for t in action.args.get("tables") or ()]
                if kind == "CONSTRAINT":
                    table.constraints = [c for c in table.constraints if c.name not in names]
                elif kind == "COLUMN":
                    for column_name in names:
                        table.columns.pop(column_name, None)
            elif isinstance(action, exp.AlterColumn):
                self._alter_column(table, action)
            # TODO(sqlmodel-alter): RENAME TO / RENAME COLUMN / RENAME CONSTRAINT are
            # not applied to the model yet; a revision that renames leaves the old
            # name in the model the lint checks.

    def _alter_column(self, table: Table, action: exp.AlterColumn) -> None:
        column = table.column(_name(action.this))
        if column is None:
            return
        if action.args.get("allow_null") is not None:
            column.nullable = bool(action.args.get("drop"))
        elif isinstance(action.args.get("dtype"), exp.DataType):
            column.type = self._type(action.args["dtype"])

    def _create_index(self, node: exp.Create) -> None:
        index_node = node.this
        if not isinstance(index_node, exp.Index):
            return
        table = self._table(index_node.args.get("table"))
        if table is None:
            return
        params = index_node.args.get("params")
        elements: list[IndexElement] = []
        method, predicate = "btree", None
        if isinstance(params, exp.IndexParameters):
            using = params.args.get("using")
            if using is not None:
                method = using.name.lower()
            for ordered in params.args.get("columns") or ():
                elements.append(_index_element(ordered))
            if params.args.get("where") is not None:
                predicate = self._predicate_text()
        name_node = index_node.this
        table.indexes.append(
            Index(
                name=_name(name_node) if isinstance(name_node, exp.Identifier) else None,
                table=table.name,
                elements=tuple(elements),
                unique=bool(node.args.get("unique")),
                method=method,
                predicate=predicate,
                source=self._source_of(name_node) if name_node is not None else self._at(0),
            )
        )

    def _comment_on(self, node: exp.Comment) -> None:
        kind = str(node.args.get("kind") or "").upper()
        value = node.args.get("expression")
        text = value.this if isinstance(value, exp.Literal) and value.is_string else None
        target = node.this
        if kind == "TABLE" and isinstance(target, exp.Table):
            table = self._table(target)
            if table is not None:
                table.comment = text
        elif kind == "COLUMN" and isinstance(target, exp.Column):
            table = self.model.table(_name(target.args.get("table")))
            column = table.column(_name(target.this)) if table else None
            if column is not None:
                column.comment = text

    def _drop(self, node: exp.Drop) -> None:
        kind = str(node.args.get("kind") or "").upper()
        names = {_name(t.this) for t in node.args.get("tables") or () if isinstance(t, exp.Table)}
        if kind == "TABLE":
            for name in names:
                self.model.tables.pop(name, None)
                self.schema.created.discard(name)
        elif kind == "INDEX":
            for table in self.model.tables.values():
                table.indexes = [i for i in table.indexes if i.name not in names]

    # -- columns and constraints ----------------------------------------------------

    def _column(
        self, table: Table, node: exp.ColumnDef, checks: list[str], defaults: list[str]
    ) -> None:
        name = _name(node.this)
        source = self._source_of(node.this)
        kind = node.args.get("kind")
        if not isinstance(kind, exp.DataType):
            self._problem(SYNTAX, f"column '{name}' has no type", source)
            return
        column_type = self._type(kind)
        # serial types imply NOT NULL (they are an integer with a sequence default).
        column = Column(name, column_type, nullable=column_type not in _SERIAL_TYPES)
        column.source = source
        table.columns[name] = column
        for constraint in node.args.get("constraints") or ():
            self._column_constraint(table, column, constraint, checks, defaults)

    def _column_constraint(
        self,
        table: Table,
        column: Column,
        node: exp.ColumnConstraint,
        checks: list[str],
        defaults: list[str],
    ) -> None:
        kind = node.args.get("kind")
        name_node = node.args.get("this")
        name = _name(name_node) if name_node is not None else None
        source = self._source_of(name_node) if name_node is not None else column.source
        columns = (column.name,)
        if isinstance(kind, exp.NotNullColumnConstraint):
            column.nullable = bool(kind.args.get("allow_null"))
        elif isinstance(kind, exp.DefaultColumnConstraint):
            column.default = defaults.pop(0) if defaults else kind.this.sql("postgres")
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            column.nullable = False
            table.constraints.append(Constraint(name, PRIMARY_KEY, columns, source=source))
        elif isinstance(kind, exp.UniqueColumnConstraint):
            table.constraints.append(Constraint(name, UNIQUE, columns, source=source))
        elif isinstance(kind, exp.CheckColumnConstraint):
            text = checks.pop(0) if checks else kind.this.sql("postgres")
            table.constraints.append(
                Constraint(name, CHECK, _columns_in(kind.this), expression=text, source=source)
            )
        elif isinstance(kind, exp.Reference):
            table.constraints.append(self._foreign_key(name, columns, kind, None, source))

    def _table_constraint(self, table: Table, node: exp.Expr, checks: list[str]) -> None:
        name: str | None = None
        source = self._at(0)
        if isinstance(node, exp.Constraint):
            name = _name(node.this)
            source = self._source_of(node.this)
            kinds = [e for e in node.expressions if not isinstance(e, str)]
            if not kinds:
                return
            node = kinds[0]
        if isinstance(node, exp.PrimaryKey):
            columns = tuple(_name(e) for e in node.expressions)
            if name is None:
                source = self._first_source(node.expressions, source)
            table.constraints.append(Constraint(name, PRIMARY_KEY, columns, source=source))
            for column_name in columns:
                column = table.column(column_name)
                if column is not None:
                    column.nullable = False
        elif isinstance(node, exp.UniqueColumnConstraint):
            listed = node.this.expressions if isinstance(node.this, exp.Schema) else []
            if name is None:
                source = self._first_source(listed, source)
            columns = tuple(_name(e) for e in listed)
            table.constraints.append(Constraint(name, UNIQUE, columns, source=source))
        elif isinstance(node, exp.ForeignKey):
            columns = tuple(_name(e) for e in node.expressions)
            if name is None:
                source = self._first_source(node.expressions, source)
            reference = node.args.get("reference")
            if isinstance(reference, exp.Reference):
                table.constraints.append(self._foreign_key(name, columns, reference, node, source))
        elif isinstance(node, exp.CheckColumnConstraint):
            text = checks.pop(0) if checks else node.this.sql("postgres")
            table.constraints.append(
                Constraint(name, CHECK, _columns_in(node.this), expression=text, source=source)
            )
        elif isinstance(node, exp.ExcludeColumnConstraint):
            table.constraints.append(
                Constraint(
                    name, EXCLUDE, _columns_in(node), expression=node.sql("postgres"), source=source
                )
            )

    def _foreign_key(
        self,
        name: str | None,
        columns: tuple[str, ...],
        reference: exp.Reference,
        node: exp.ForeignKey | None,
        source: Source,
    ) -> Constraint:
        target = reference.this
        ref_columns: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            ref_columns = tuple(_name(e) for e in target.expressions)
            target = target.this
        options = [str(o).upper() for o in reference.args.get("options") or ()]
        if node is not None:
            for action in ("delete", "update"):
                if node.args.get(action):
                    options.append(f"ON {action.upper()} {str(node.args[action]).upper()}")
            options += [str(o).upper() for o in node.args.get("options") or ()]
        constraint = Constraint(
            name,
            FOREIGN_KEY,
            columns,
            ref_table=_name(target.this) if isinstance(target, exp.Table) else None,
            ref_columns=ref_columns,
            source=source,
        )
        for option in options:
            words = " ".join(option.split())
            if words.startswith("ON DELETE "):
                constraint.on_delete = words.removeprefix("ON DELETE ")
            elif words.startswith("ON UPDATE "):
                constraint.on_update = words.removeprefix("ON UPDATE ")
            elif words.startswith("MATCH "):
                constraint.match = words.removeprefix("MATCH ")
            elif words == "DEFERRABLE":
                constraint.deferrable = True
        return constraint

    def _type(self, kind: exp.DataType) -> str:
        """Return the normalized name of a column type (most are one of a few, memoized)."""
        extra = any(v for k, v in kind.args.items() if k not in ("this", "nested"))
        plain = not extra and kind.this != exp.DataType.Type.USERDEFINED
        key = kind.this if plain else None
        if key is not None and key in _TYPE_NAMES:
            return _TYPE_NAMES[key]
        name = normalize_type(self.generator.generate(kind))
        if key is not None:
            _TYPE_NAMES[key] = name
        return name

    # -- expression text as written -------------------------------------------------

    def _check_texts(self) -> list[str]:
        """Return the text inside each ``CHECK (...)`` of the statement, in order."""
        texts: list[str] = []
        tokens = self.tokens
        for i in self._token_indexes(_CHECK_WORD):
            if _is_keyword(tokens[i], "CHECK") and tokens[i + 1].token_type == TokenType.L_PAREN:
                close = _matching_paren(tokens, i + 1)
                if close is not None:
                    texts.append(self._between(tokens[i + 2], tokens[close - 1]))
        return texts

    def _default_texts(self) -> list[str]:
        """Return each column's ``DEFAULT`` expression as written, in order.

        ``SET DEFAULT`` (a referential action) is not a column default.
        """
        texts: list[str] = []
        tokens = self.tokens
        for i in self._token_indexes(_DEFAULT_WORD):
            if tokens[i].token_type != TokenType.DEFAULT:
                continue
            if i and tokens[i - 1].token_type == TokenType.SET:
                continue
            depth, last = 0, i + 1
            for j in range(i + 1, len(tokens)):
                kind = tokens[j].token_type
                if depth == 0 and j > i + 1 and _ends_default(tokens[j]):
                    break
                if kind == TokenType.L_PAREN:
                    depth += 1
                elif kind == TokenType.R_PAREN:
                    depth -= 1
                last = j
            texts.append(self._between(tokens[i + 1], tokens[last]))
        return texts

    def _token_indexes(self, word: re.Pattern[str]) -> list[int]:
        """Return the indexes of the tokens (but the last) that start where ``word`` matches.

        A search of the text finds the few candidates faster than a look at
        every token; a match inside a literal starts no token and is dropped.
        """
        text = self.statement.text
        if not word.search(text):
            return []
        if self.starts is None:
            self.starts = {token.start: i for i, token in enumerate(self.tokens[:-1])}
        found = (self.starts.get(m.start()) for m in word.finditer(text))
        return [i for i in found if i is not None]

    def _predicate_text(self) -> str:
        """Return the text after the statement's last top-level ``WHERE``."""
        tokens = self.tokens
        where = max(i for i, t in enumerate(tokens) if t.token_type == TokenType.WHERE)
        return self._between(tokens[where + 1], tokens[-1])

    def _between(self, first: Token, last: Token) -> str:
        return self.statement.text[first.start : last.end + 1].strip()

    # -- annotations ----------------------------------------------------------------

    def _annotate(self, table: Table, leading: range) -> Iterator[int]:
        """Take a global-fallback annotation from the comments above ``CREATE TABLE``."""
        for index in leading:
            comment = self.file.comments[index]
            match = _GLOBAL_FALLBACK.match(directive(comment) or "")
            if match is None:
                continue
            yield index
            key = _KEY_ARGUMENT.fullmatch(match.group("rest"))
            columns = [c.strip() for c in key.group("columns").split(",")] if key else []
            if not columns or not all(_KEY_COLUMN.fullmatch(c) for c in columns):
                self._problem(
                    DIRECTIVE,
                    f"cannot read the annotation {comment.text!r}; write "
                    "'-- tenantdb: global-fallback key=(column, ...)'",
                    comment.source,
                )
                continue
            if table.kind == "root":
                self._problem(
                    DIRECTIVE,
                    f"the root table '{table.name}' cannot be a global-fallback table",
                    comment.source,
                )
                continue
            table.kind = "global_fallback"
            table.key = tuple(columns)

    # -- helpers --------------------------------------------------------------------

    def _table(self, node: exp.Expr | None) -> Table | None:
        """Return the model's table for ``node``, adding one the text only alters."""
        if not isinstance(node, exp.Table):
            return None
        name = _name(node.this)
        table = self.model.table(name)
        if table is None:
            kind = "root" if name == ROOT_TABLE else "tenant"
            table = self.model.add_table(Table(name, kind=kind, source=self._source_of(node.this)))
        return table

    def _at(self, offset: int) -> Source:
        return self.positions.source(self.statement.offset + offset)

    def _source_of(self, node: exp.Expr | None) -> Source:
        start = node.meta.get("start") if node is not None else None
        return self._at(start) if isinstance(start, int) else self._at(0)

    def _first_source(self, nodes: list[exp.Expr], default: Source) -> Source:
        return self._source_of(nodes[0]) if nodes else default

    def _problem(self, kind: str, message: str, source: Source) -> None:
        self.file.problems.append(Problem(kind, message, source))


def directive(comment: Comment) -> str | None:
    """Return what follows ``tenantdb:`` in ``comment``, or None for another comment."""
    if not comment.text.startswith(DIRECTIVE_PREFIX):
        return None
    return comment.text[len(DIRECTIVE_PREFIX) :].strip()


def _name(node: exp.Expr | None) -> str:
    """Return an identifier as PostgreSQL stores it: folded to lower case unless quoted."""
    if node is None:
        return ""
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    if isinstance(node, exp.Column | exp.Table):
        return _name(node.this)
    return node.name.lower()


def _columns_in(node: exp.Expr) -> tuple[str, ...]:
    """Return the columns an expression refers to, in order of first appearance."""
    names = (_name(c.this) for c in node.find_all(exp.Column, bfs=False))
    return tuple(dict.fromkeys(names))


def _index_element(node: exp.Expr) -> IndexElement:
    ordered = node if isinstance(node, exp.Ordered) else None
    key = ordered.this if ordered is not None else node
    descending = bool(ordered.args.get("desc")) if ordered is not None else False
    nulls_first = ordered.args.get("nulls_first") if ordered is not None else None
    # PostgreSQL's default is NULLS LAST ascending and NULLS FIRST descending;
    # sqlglot fills it in, the model keeps only a choice that differs.
    if nulls_first is not None and bool(nulls_first) == descending:
        nulls_first = None
    if isinstance(key, exp.Column) and not key.args.get("table"):
        return IndexElement(_name(key.this), None, descending, nulls_first)
    return IndexElement(None, key.sql("postgres"), descending, nulls_first)


def _is_keyword(token: Token, word: str) -> bool:
    return token.token_type == TokenType.VAR and token.text.upper() == word


def _ends_default(token: Token) -> bool:
    if token.token_type in _DEFAULT_ENDS:
        return True
    return token.token_type == TokenType.VAR and token.text.upper() in _DEFAULT_END_WORDS


def _stray_comma(tokens: list[Token]) -> int | None:
    """Return the offset of a comma that another comma or a ``)`` follows, if any."""
    for token, following in itertools.pairwise(tokens):
        if token.token_type == TokenType.COMMA and following.token_type in (
            TokenType.COMMA,
            TokenType.R_PAREN,
        ):
            return following.start
    return None


def _matching_paren(tokens: list[Token], open_index: int) -> int | None:
    depth = 0
    for i in range(open_index, len(tokens)):
        kind = tokens[i].token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return i
    return None


def index_columns(index: Index) -> tuple[str, ...]:
    """Return the columns an index's keys use, expression keys included, in order."""
    names: list[str] = []
    for element in index.elements:
        if element.column is not None:
            names.append(element.column)
        elif element.expression:
            node = sqlglot.parse_one(element.expression, read="postgres")
            names += _columns_in(node)
    return tuple(dict.fromkeys(names))
