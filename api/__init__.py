"""The HTTP API over :mod:`registry` (FastAPI, every route under ``/v1``): see :mod:`api.app`."""
