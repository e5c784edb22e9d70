"""One module per ``tenantdb`` command: ``configure(parser)`` and ``run(args)``."""
