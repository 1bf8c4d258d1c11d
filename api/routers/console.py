"""The stewards' web console: a static single-page app under ``/console``.

The page and its assets hold no data and need no key; every data call the page makes goes to
the JSON routes with the steward's key (``Authorization: Bearer …``), so authentication,
grading and the audit log apply there as to any client. The files live in ``api/console/``
(inside the package, so the wheel carries them) and are served as they are: no build step.
They are left out of OpenAPI and of the audit log (:data:`api.audit.UNAUDITED_PREFIXES`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, Response

from api.errors import ApiError

CONSOLE_DIR = Path(__file__).resolve().parent.parent / "console"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/x-icon",
}
# the page talks to this origin only; no inline script or style, no framing (clickjacking
# a decision button), no referrer leaking subject ids in the hash
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def _file(path: Path) -> Response:
    media_type = MEDIA_TYPES.get(path.suffix)
    if media_type is None or not path.is_file():
        raise ApiError(404, "no such console file")
    return FileResponse(path, media_type=media_type, headers=SECURITY_HEADERS)


@router.get("/console")
async def console_page() -> Response:
    """The single page (routes inside it are in the URL's hash)."""
    return _file(CONSOLE_DIR / "index.html")


@router.get("/console/")
async def console_page_slash() -> Response:
    return _file(CONSOLE_DIR / "index.html")


@router.get("/console/static/{name:path}")
async def console_asset(name: str) -> Response:
    """A script, stylesheet or vendored file of the console; nothing outside its folder."""
    root = CONSOLE_DIR.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or any(part.startswith(".") for part in Path(name).parts):
        raise ApiError(404, "no such console file")
    return _file(path)
