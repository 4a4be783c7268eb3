"""The ``transit-centre`` command (``cli.main``) and its commands, one module per family."""
