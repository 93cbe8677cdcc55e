"""The app-level import graph of anchordesk/: cycles, upward imports, imports inside functions.

    python bench/app_graph.py              # the report (docs/ARCHITECTURE.md quotes it)
    python bench/app_graph.py --json       # the same, as JSON

Reads the source with `ast` (anchordesk.core.graph); nothing is imported and no settings are
needed. Imports inside functions count as dependencies (they run on first call); imports under
`if TYPE_CHECKING:` never run and are shown apart. Migrations are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from anchordesk.core.graph import LAYER_NAMES, PURE, Graph, build, layer_of  # noqa: E402 - needs ROOT on sys.path


def report(graph: Graph) -> str:
    lines: list[str] = []
    runtime = graph.edges(("module", "function"))
    module_only = graph.edges(("module",))
    typing_only = graph.edges(("typing",))
    lines.append("# App-level import graph (module-level + inside functions; * = only inside functions)")
    for app in sorted(runtime, key=lambda a: (layer_of(a), a)):
        targets = [t if t in module_only.get(app, set()) else f"{t}*" for t in sorted(runtime[app])]
        lines.append(f"  [{LAYER_NAMES[layer_of(app)]}] {app} -> {', '.join(targets)}")
    extra = {a: sorted(ts - runtime.get(a, set())) for a, ts in typing_only.items()}
    extra = {a: ts for a, ts in extra.items() if ts}
    if extra:
        lines.append("  only under TYPE_CHECKING:")
        lines += [f"    {a} -> {', '.join(ts)}" for a, ts in sorted(extra.items())]

    cycles = graph.cycles()
    lines.append("")
    lines.append(
        f"# Cycles (strongly connected components, counting imports inside functions): {len(cycles)}"
    )
    lines += [f"  {len(c)} apps: {', '.join(c)}" for c in cycles]
    module_cycles = graph.cycles(("module",))
    lines.append(f"  at import time alone (module-level imports): {len(module_cycles)}")
    lines += [f"    {len(c)} apps: {', '.join(c)}" for c in module_cycles]

    up = graph.upward(("module", "function"))
    up_typing = graph.upward(("typing",))
    lines.append("")
    lines.append(
        f"# Upward imports (a lower layer importing a higher one; a pure library {sorted(PURE)} "
        f"importing an app): {len(up)}, plus {len(up_typing)} under TYPE_CHECKING"
    )
    pairs = Counter((i.source_app, i.target_app) for i in up)
    lines += [f"  {s} -> {t}: {n}" for (s, t), n in sorted(pairs.items())]
    lines.append("  where:")
    lines += [f"    {i.where} {i.module} ({i.kind})" for i in up]
    if up_typing:
        lines.append("  under TYPE_CHECKING:")
        lines += [f"    {i.where} {i.module}" for i in up_typing]

    inside = graph.in_functions()
    lines.append("")
    crossing = [i for i in inside if i.source_app != i.target_app]
    lines.append(
        f"# Imports of anchordesk modules written inside functions: {len(inside)} "
        f"({len(crossing)} of them import another app)"
    )
    per_app = Counter(i.source_app for i in inside)
    lines.append(
        "  per app: " + ", ".join(f"{a} {n}" for a, n in sorted(per_app.items(), key=lambda x: (-x[1], x[0])))
    )
    lines += [f"    {i.where} {i.module}" for i in inside]
    return "\n".join(lines)


def as_json(graph: Graph) -> dict[str, object]:
    return {
        "edges": {a: sorted(ts) for a, ts in sorted(graph.edges().items())},
        "cycles": graph.cycles(),
        "module_level_cycles": graph.cycles(("module",)),
        "upward": [i.where + " " + i.module for i in graph.upward(("module", "function"))],
        "upward_typing": [i.where + " " + i.module for i in graph.upward(("typing",))],
        "inside_functions": [i.where + " " + i.module for i in graph.in_functions()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the text report")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args()
    graph = build(args.root)
    print(json.dumps(as_json(graph), indent=2) if args.json else report(graph))


if __name__ == "__main__":
    main()
