"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import RasaDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {}})
async def readyz(rasa: RasaDep) -> JSONResponse:
    """Rasa and the action server are reachable and a model is loaded."""
    state = await rasa.readiness()
    ready = all(state.values())
    return JSONResponse({"status": "ready" if ready else "not ready", **state}, status_code=200 if ready else 503)
