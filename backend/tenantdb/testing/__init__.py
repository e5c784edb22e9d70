"""pgTAP's vocabulary for pytest, against a real PostgreSQL.

The fixtures come from :mod:`tenantdb.testing.plugin`, which pytest loads
through the ``pytest11`` entry point; the assertions are plain functions in
:mod:`tenantdb.testing.assertions` that raise ``AssertionError`` with
pgTAP-like diagnostics. The assertions module is registered for pytest's
assertion rewriting before it is first imported, so a bare ``assert`` inside
it reports its operands too.
"""

import pytest

pytest.register_assert_rewrite("tenantdb.testing.assertions")

# Imported after the registration above, or pytest could not rewrite the module.
from tenantdb.testing.assertions import *  # noqa: E402, F403
from tenantdb.testing.assertions import __all__ as __all__  # noqa: E402
