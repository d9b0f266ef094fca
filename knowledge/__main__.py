"""Command line: `python -m knowledge check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge._load import DATA_DIR, check_knowledge


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the process exit code (1 when there are errors)."""
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate every topic and list every problem")
    check.add_argument("--dir", type=Path, default=DATA_DIR, help="knowledge directory (default: the package)")
    args = parser.parse_args(argv)
    problems = check_knowledge(args.dir)
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    stale = sum(not p.is_error and p.field == "review_by" for p in problems)
    print(f"{errors} errors, {warnings} warnings ({stale} stale topics)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
