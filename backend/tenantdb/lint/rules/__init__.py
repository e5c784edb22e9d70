"""The lint's rules, one module per family. Importing this package registers them all.

Codes: TDB0xx the runner's own (crashes, syntax, comments), TDB1xx naming,
TDB2xx tenant isolation, TDB3xx types. A code never changes meaning once
released; a retired rule's code is not reused.
"""

from tenantdb.lint.rules import (  # noqa: F401  (imported to register the rules)
    columns,
    foreign_keys,
    global_fallback,
    identifiers,
    isolation,
    meta,
    names,
    types,
)
