"""The `kg` command line: a thin layer over the importable stages.

Each sub-command is a module in `kg.commands` (see its docstring); this module only discovers
them, parses arguments and turns `KGError`s into one clear line and exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from types import ModuleType

from kg.errors import KGError

__all__ = ["main", "build_parser"]


def _command_names() -> list[str]:
    import kg.commands

    return sorted(info.name for info in pkgutil.iter_modules(kg.commands.__path__)
                  if not info.name.startswith("_"))


def _commands(only: str | None = None) -> list[ModuleType]:
    """The command modules (each with NAME, HELP, add_arguments and run), or only the one
    named `only`, a name from `_command_names` (a `kg query` then imports neither the
    exporters nor the NLP stages, and the package is not listed a second time)."""
    modules = []
    for name in _command_names() if only is None else [only]:
        module = importlib.import_module(f"kg.commands.{name}")
        if all(hasattr(module, a) for a in ("NAME", "HELP", "add_arguments", "run")):
            modules.append(module)
    return modules


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The argument parser with one sub-parser per command module (or for the command module
    named `only` alone, one of `_command_names()`)."""
    from kg import __version__

    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build and query a knowledge graph of geopolitical news "
        "(CAMEO/PLOVER-coded events, actors, stances) as RDF.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    by_name: dict[str, ModuleType] = {}
    for module in _commands(only):
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        by_name[module.NAME] = module
    return parser, by_name


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 findings/failures, 2 user error)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # the command's own parser alone when the first argument names one (each command module
    # imports its stages: all of them cost `kg query` a fifth of its start-up)
    named = argv[0] if argv and argv[0] in _command_names() else None
    parser, commands = build_parser(named)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(commands[args.command].run(args) or 0)
    except KGError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
