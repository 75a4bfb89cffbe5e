"""The ``pacslabel`` console script: ``pacslabel <verb> [--config FILE] key=value ...``.

Each verb is the module ``jobs.<verb>`` of the source checkout, so the console script, ``python -m
jobs.<verb>`` and ``ray job submit ... -- python -m jobs.<verb>`` run the same code.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from pacslabel.jobrunner import REPO_ROOT


def available_verbs() -> list[str]:
    import jobs

    return sorted(m.name for m in pkgutil.iter_modules(jobs.__path__) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    verbs = available_verbs()
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: pacslabel <verb> [--config FILE] key=value ...\nverbs: " + ", ".join(verbs))
        raise SystemExit(0 if argv else 2)
    verb, rest = argv[0], argv[1:]
    if verb not in verbs:
        print(f"pacslabel: unknown verb {verb!r}; choose one of {', '.join(verbs)}", file=sys.stderr)
        raise SystemExit(2)
    importlib.import_module(f"jobs.{verb}").main(rest)
