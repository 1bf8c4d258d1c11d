"""Which mapping a source's pushed rows go through: ``<store>/mappings/<name>.toml``.

A department pushing rows over the API names a source and, optionally, a mapping; without
one, the mapping named like the source is used. Mappings are files the bureau installs in
the store directory, never text a client sends: the mapping is the contract that decides
which fields and relationships a row may create. Loaded mappings are cached and reloaded
when their file changes.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from registry.mapping import Mapping

MAPPINGS_DIR = "mappings"
NAME_RULE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


class UnknownMapping(LookupError):
    """No mapping file of that name in the store."""


class SourceMappings:
    """The mappings installed in one store directory, loaded on demand and cached."""

    def __init__(self, store_dir: Path | str) -> None:
        self.directory = Path(store_dir) / MAPPINGS_DIR
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Mapping]] = {}

    def path(self, name: str) -> Path:
        """The file a mapping name stands for; ValueError for a name that is not one."""
        if not NAME_RULE.fullmatch(name) or ".." in name:
            raise ValueError(f"{name!r} is not a mapping name (1-64 of A-Z a-z 0-9 _ . -)")
        return self.directory / f"{name}.toml"

    def get(self, name: str) -> Mapping:
        """The mapping ``name``; UnknownMapping if absent, MappingError if broken."""
        path = self.path(name)
        try:
            mtime = path.stat().st_mtime
        except OSError:
            raise UnknownMapping(f"no mapping {name!r} ({MAPPINGS_DIR}/{name}.toml)") from None
        with self._lock:
            cached = self._cache.get(name)
            if cached is not None and cached[0] == mtime:
                return cached[1]
        mapping = Mapping.load(path)
        with self._lock:
            self._cache[name] = (mtime, mapping)
        return mapping
