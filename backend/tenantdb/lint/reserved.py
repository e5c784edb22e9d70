"""PostgreSQL's reserved key words: the one list the lint checks names against.

From appendix C of the PostgreSQL manual ("SQL Key Words"), the words marked
*reserved* and *reserved (can be function or type)* in the PostgreSQL column,
as of PostgreSQL 18. Such a word can name a table or column only when it is
double-quoted, everywhere it is used, forever; the non-reserved key words
(``name``, ``type``, ``status``...) are fine as names and are not listed.
"""

from __future__ import annotations

# Kept as blocks of words, as the manual's table reads, to check one against the other.

_RESERVED = """
    all analyse analyze and any array as asc asymmetric both case cast check collate
    column constraint create current_catalog current_date current_role current_time
    current_timestamp current_user default deferrable desc distinct do else end except
    false fetch for foreign from grant group having in initially intersect into lateral
    leading limit localtime localtimestamp not null offset on only or order placing
    primary references returning select session_user some symmetric system_user table
    then to trailing true union unique user using variadic when where window with
"""

_RESERVED_FUNCTION_OR_TYPE = """
    authorization binary collation concurrently cross current_schema freeze full ilike
    inner is isnull join left like natural notnull outer overlaps right similar
    tablesample verbose
"""

#: Reserved: never a name without quotes.
RESERVED = frozenset(_RESERVED.split())

#: Reserved, but allowed as a function or type name; still not a table or column name.
RESERVED_FUNCTION_OR_TYPE = frozenset(_RESERVED_FUNCTION_OR_TYPE.split())

RESERVED_WORDS = RESERVED | RESERVED_FUNCTION_OR_TYPE
