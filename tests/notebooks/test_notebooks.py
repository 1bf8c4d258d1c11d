"""Every analyst notebook runs top to bottom on a small demo city, as `make run` builds it, and
draws what it promises; notebooks are stored without outputs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from typer.testing import CliRunner

from api.cli import app

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PERSONS = 300
CELL_TIMEOUT = 300  # seconds

# what each notebook must show besides its plots: text that only appears when it worked
EXPECTED = {
    "01_citizen_profile": ["departments:", "our citizen is among them: True"],
    "02_company_control": ["control relationships", "groups of tied companies"],
    "03_land_and_buildings": ["parcels;", "land-use right holders:"],
    "04_data_quality": ["records;", "open review items"],
}


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(store, city) built by `registry demo run`, the command behind `make run`."""
    base = tmp_path_factory.mktemp("notebook-city")
    store, city = base / "registry-data", base / "demo-city"
    args = ["demo", "run", "--city", str(city), "--store", str(store), "--persons", str(PERSONS)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return store, city


def test_every_story_has_a_notebook() -> None:
    assert [p.stem for p in NOTEBOOKS] == sorted(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(
    path: Path, demo_city: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, city = demo_city
    monkeypatch.setenv("REGISTRY_STORE", str(store))
    monkeypatch.setenv("REGISTRY_CITY", str(city))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in ("REGISTRY_URL", "REGISTRY_KEY", "REGISTRY_PURPOSE"):
        monkeypatch.delenv(name, raising=False)
    # the kernel is this interpreter's (the project's venv), started in notebooks/
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError naming the cell when one fails
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2, f"{path.stem} drew {len(images)} plots"
    text = "\n".join(_text(o) for o in outputs)
    for expected in EXPECTED[path.stem]:
        assert expected in text, f"{path.stem}: no {expected!r} in its outputs"


def _text(output: Any) -> str:
    if output.output_type == "stream":
        return str(output.text)
    return str(output.get("data", {}).get("text/plain", ""))
