"""Set-up shared by the analysts' notebooks: where the data is, the client, plot fonts, tables.

Environment (paths relative to the repository root):

- ``REGISTRY_STORE``: the store directory (default ``registry-data``, which ``make run`` builds);
- ``REGISTRY_CITY``: the demo city it was built from (default ``demo-city``: ``truth.csv``,
  ``hard_cases.csv``, ``manifest.json``, ``sources/``);
- ``REGISTRY_URL`` + ``REGISTRY_KEY`` (+ ``REGISTRY_PURPOSE``): read a running registry over
  HTTP instead, graded for that key (notebook 4 needs the store itself);
- ``REGISTRY_NEO4J_URI`` (+ ``_USER``, ``_PASSWORD``, ``_DATABASE``): graph queries of the local
  store answered by its Neo4j projection.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from IPython.display import HTML, display
from matplotlib import font_manager
from pypinyin import lazy_pinyin

from registry.client import LocalClient, RegistryClient, connect
from registry.graph.neo4j_conn import Neo4jSettings

ROOT = Path(__file__).resolve().parent.parent


def _path(variable: str, default: str) -> Path:
    path = Path(os.environ.get(variable) or default)
    return path if path.is_absolute() else ROOT / path


STORE = _path("REGISTRY_STORE", "registry-data")
CITY = _path("REGISTRY_CITY", "demo-city")
URL = os.environ.get("REGISTRY_URL") or None


def open_client() -> RegistryClient:
    """Over HTTP when ``REGISTRY_URL`` is set (graded for ``REGISTRY_KEY``), else the store."""
    if URL:
        key = os.environ.get("REGISTRY_KEY")
        return connect(URL, key=key, purpose=os.environ.get("REGISTRY_PURPOSE") or None)
    return connect(STORE, neo4j=Neo4jSettings.from_env())


def open_store() -> LocalClient:
    """The store itself (for what only the store holds: review queue, record assignments)."""
    return LocalClient(STORE)


def city_manifest() -> dict[str, Any]:
    """The demo city's manifest: its sources, each with its department."""
    manifest: dict[str, Any] = json.loads((CITY / "manifest.json").read_text(encoding="utf-8"))
    return manifest


# -- plots -----------------------------------------------------------------------------------
CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC",
)  # fmt: skip
_installed = {f.name for f in font_manager.fontManager.ttflist}
CJK = next((name for name in CJK_FONTS if name in _installed), None)
plt.rcParams.update(
    {
        "figure.dpi": 90,
        "axes.unicode_minus": False,
        "font.family": "sans-serif",
        "font.sans-serif": [*([CJK] if CJK else []), "DejaVu Sans"],
    }
)
TYPE_COLOURS = {
    "person": "#4c78a8",
    "enterprise": "#f58518",
    "building": "#54a24b",
    "parcel": "#b279a2",
}


def label(text: Any, width: int = 14) -> str:
    """Text for a plot: as it is when a Chinese font is installed, else in pinyin."""
    out = "" if text is None else str(text)
    if not CJK and not out.isascii():
        out = " ".join(lazy_pinyin(out)).title()
    return out if len(out) <= width else out[: width - 1] + "…"


def node_colours(graph: Any) -> list[str]:
    """One colour per node of a client graph, by subject type."""
    return [TYPE_COLOURS.get(d.get("type"), "#999999") for _, d in graph.nodes(data=True)]


def legend_for_types(ax: Any, types: Iterable[str] = TYPE_COLOURS) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=TYPE_COLOURS[t], label=t) for t in types]
    ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=False)


# -- tables ----------------------------------------------------------------------------------
def show_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], limit: int = 40) -> None:
    """An HTML table of the first ``limit`` rows (and how many were left out)."""
    rows = list(rows)
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in row) + "</tr>"
        for row in rows[:limit]
    )
    more = f"<p>… and {len(rows) - limit} more</p>" if len(rows) > limit else ""
    display(HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if value is None:
        return ""
    return str(value)
