"""Minima Lab: ``python main.py`` opens the app; ``python main.py list|run …`` is the headless CLI."""

from __future__ import annotations

import sys

CLI_COMMANDS = {"list", "run", "-h", "--help"}


def main(argv: list[str]) -> int:
    if argv and argv[0] in CLI_COMMANDS:
        from core.cli import main as cli_main

        return cli_main(argv)
    print("The desktop window is not built yet; use `python main.py list` or `python main.py run --help`.",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
