"""The ``registry`` command line with ``serve`` added: the console script's entry point.

``registry/`` must not import ``api/`` (imports point down only), so the HTTP server's command
is attached here, to the same Typer app, and the app is re-exported for the entry point
(``registry = "api.cli:app"``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from registry.cli import StoreOpt, app, err
from registry.graph.neo4j_conn import Neo4jSettings
from registry.service import default_store_dir

__all__ = ["app"]


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
    store: StoreOpt = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="server processes")] = 1,
    log_level: Annotated[str, typer.Option("--log-level")] = "info",
) -> None:
    """Serve the HTTP API over a store (graph on Neo4j when REGISTRY_NEO4J_* is set)."""
    directory = store if store is not None else default_store_dir()
    if not directory.is_dir():
        err.print(
            f"[red]error:[/red] store: {directory} is not a directory",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    if workers > 1:
        # each worker process opens the store itself; they share it as SQLite allows
        os.environ["REGISTRY_STORE"] = str(Path(directory).resolve())
        uvicorn.run(
            "api.app:app_from_env", factory=True, host=host, port=port, workers=workers,
            log_level=log_level, access_log=False,
        )  # fmt: skip
        return
    from api.app import create_app

    uvicorn.run(
        create_app(directory, Neo4jSettings.from_env()),
        host=host, port=port, log_level=log_level, access_log=False,
    )  # fmt: skip


if __name__ == "__main__":
    app()
