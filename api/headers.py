"""Security headers on every response, chosen by what the response is: the page, the widget's
script, or anything else (JSON, CSS, errors)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "PAGE_POLICY",
    "PERMISSIONS_POLICY",
    "STRICT_POLICY",
    "SecurityHeadersMiddleware",
    "security_headers",
]

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""For the full page: nothing but this origin, no inline code, and no framing."""
STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'"
"""For everything that is not a page (the widget's script, JSON, CSS): inert if opened directly."""
WIDGET_PATH = "/widget.js"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
"""The chat needs no device or sensor."""
HSTS = "max-age=31536000"


def security_headers(path: str, content_type: str, *, https: bool = False) -> dict[str, str]:
    """The headers for a response to path with this Content-Type. /widget.js may be loaded by any
    site (it is embedded on others); everything else only by this origin."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Resource-Policy": "cross-origin" if path == WIDGET_PATH else "same-origin",
    }
    if content_type.startswith("text/html"):
        headers |= {
            "Content-Security-Policy": PAGE_POLICY,
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
    else:
        headers["Content-Security-Policy"] = STRICT_POLICY
    if content_type.startswith("application/json"):
        headers["Cache-Control"] = "no-store"  # replies belong to one conversation
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """Adds security_headers() to every HTTP response; a header the route set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                wanted = security_headers(
                    scope["path"], headers.get("content-type", ""), https=scope.get("scheme") == "https"
                )
                for name, value in wanted.items():
                    headers.setdefault(name, value)
                if "server" in headers:
                    del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
