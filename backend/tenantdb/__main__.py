import sys

from tenantdb.cli import main

sys.exit(main())
