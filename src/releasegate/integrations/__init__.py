"""Integrations at the edge: other tools' result files in, the gate inside LangGraph, CI out.

- `promptfoo`, `inspect_logs`, `langsmith`: importers turning result files into schema-v1 verdict
  rows (`Imported`); `import_file` picks one by tool name.
- `langgraph`: the gate as a compiled LangGraph graph, and thread routing with LangSmith metadata
  (needs the `langgraph` extra; imported only when used).
- `github`: a decision as a GitHub Actions step summary and workflow annotations.
- `webhooks`: signed JSON notifications of decisions and rollout changes, with retries.

Nothing here is imported by the core; inspect-ai and langgraph are imported lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from releasegate.errors import InputError
from releasegate.integrations.inspect_logs import import_inspect_log
from releasegate.integrations.langsmith import import_langsmith
from releasegate.integrations.promptfoo import import_promptfoo
from releasegate.integrations.verdict_rows import Imported, ImportTarget

__all__ = ["TOOLS", "ImportTarget", "Imported", "import_file", "import_inspect_log",
           "import_langsmith", "import_promptfoo"]

TOOLS: Final = ("promptfoo", "inspect", "langsmith")


def import_file(tool: str, path: str | Path, target: ImportTarget, **options: Any) -> Imported:
    """Verdict rows from one result file of `tool` (promptfoo, inspect or langsmith)."""
    if tool == "promptfoo":
        return import_promptfoo(path, target, **options)
    if options:
        raise InputError(f"{', '.join(sorted(options))}: only for promptfoo results")
    if tool == "inspect":
        return import_inspect_log(path, target)
    if tool == "langsmith":
        return import_langsmith(path, target)
    raise InputError(f"unknown tool {tool!r} (known: {', '.join(TOOLS)})")
