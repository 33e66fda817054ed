"""The headless command line: ``list``, ``run``, ``basins``, ``highdim`` and ``export``."""

from core.cli.commands import Renderer, main
from core.cli.parser import COMMANDS, CliError, build_parser

__all__ = ["COMMANDS", "CliError", "Renderer", "build_parser", "main"]
