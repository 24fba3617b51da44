"""A local stand-in for FCM and APNs that records every request it receives: a real HTTP server (Starlette served
by uvicorn), for the tests and the demo (`python -m tests.push_recorder --port 8090`, then
VSSID_PUSH_SENDER=http, VSSID_FCM_BASE_URL / VSSID_APNS_BASE_URL=http://127.0.0.1:8090 and any credentials).

It answers as the providers do: 200 with a message name (FCM) or an apns-id (APNs); for a token in `gone`, FCM's
404 UNREGISTERED or APNs' 410 Unregistered; for a token in `failing`, 503 as many times as given, then success.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.served import serving

FCM_UNREGISTERED = {"error": {"code": 404, "status": "NOT_FOUND", "message": "Requested entity was not found.",
                              "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                           "errorCode": "UNREGISTERED"}]}}  # fmt: skip


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    json: Any


@dataclass
class PushRecorder:
    gone: set[str] = field(default_factory=set)
    failing: dict[str, int] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    echo: bool = False

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/projects/{project}/messages:send", self.fcm, methods=["POST"]),
            Route("/3/device/{token}", self.apns, methods=["POST"]),
        ])  # fmt: skip

    async def _record(self, request: Request) -> Any:
        body = await request.json()
        self.received.append(Received(request.method, request.url.path, dict(request.headers), body))
        if self.echo:
            print(f"{request.method} {request.url.path}: {body}", flush=True)
        return body

    def _fails(self, token: str) -> bool:
        if self.failing.get(token, 0) > 0:
            self.failing[token] -= 1
            return True
        return False

    async def fcm(self, request: Request) -> Response:
        token = (await self._record(request))["message"]["token"]
        if token in self.gone:
            return JSONResponse(FCM_UNREGISTERED, status_code=404)
        if self._fails(token):
            return JSONResponse({"error": {"code": 503, "status": "UNAVAILABLE"}}, status_code=503)
        return JSONResponse({"name": f"projects/{request.path_params['project']}/messages/{len(self.received)}"})

    async def apns(self, request: Request) -> Response:
        await self._record(request)
        token = request.path_params["token"]
        if token in self.gone:
            return JSONResponse({"reason": "Unregistered", "timestamp": 1764806400000}, status_code=410)
        if self._fails(token):
            return JSONResponse({"reason": "ServiceUnavailable"}, status_code=503)
        return Response(status_code=200, headers={"apns-id": request.headers.get("apns-id", "")})


@asynccontextmanager
async def recording(recorder: PushRecorder) -> AsyncIterator[str]:
    """The recorder on a free loopback port in this event loop; yields its base URL."""
    async with serving(recorder.app(), lifespan="off") as url:
        yield url


if __name__ == "__main__":  # the demo's push provider: prints what it receives
    parser = argparse.ArgumentParser(description="A local FCM and APNs stand-in that prints what it receives.")
    parser.add_argument("--port", type=int, default=8090)
    uvicorn.run(PushRecorder(echo=True).app(), host="127.0.0.1", port=parser.parse_args().port, log_level="warning")
