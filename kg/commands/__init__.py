"""CLI commands, one module each.

Every module here defines `NAME` (the sub-command), `HELP` (one line), `add_arguments(parser)`
and `run(args) -> int`. `kg.cli` discovers them, so adding a command touches no other file.
"""
