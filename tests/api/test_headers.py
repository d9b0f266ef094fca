"""Security headers on every response: the page, the widget, static files, the docs, JSON and errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.headers import PAGE_POLICY, PERMISSIONS_POLICY, STRICT_POLICY, security_headers

EVERYWHERE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": PERMISSIONS_POLICY,
}


def test_the_page_may_not_be_framed_and_runs_only_its_own_code(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == PAGE_POLICY
    assert "frame-ancestors 'none'" in PAGE_POLICY and "'unsafe-inline'" not in PAGE_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["cross-origin-resource-policy"] == "same-origin"


def test_the_widget_stays_loadable_by_any_site(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["content-security-policy"] == STRICT_POLICY
    assert response.headers["cache-control"] == "public, max-age=300"  # the route's own header is kept
    assert "x-frame-options" not in response.headers


def test_no_docs_pages_that_would_load_a_cdn(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "aclara"


def test_api_answers_are_not_stored_by_caches(client: TestClient) -> None:
    response = client.post("/api/v1/chat", json={"message": "hello"})
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-security-policy"] == STRICT_POLICY
    assert response.headers["cross-origin-resource-policy"] == "same-origin"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/?lang=ar", 200),
        ("GET", "/widget.js", 200),
        ("GET", "/static/page.css", 200),
        ("GET", "/static/missing.js", 404),
        ("GET", "/openapi.json", 200),
        ("GET", "/api/v1/languages", 200),
        ("GET", "/healthz", 200),
        ("GET", "/readyz", 200),
        ("GET", "/nowhere", 404),
        ("PUT", "/api/v1/chat", 405),
        ("POST", "/api/v1/chat", 422),
    ],
)
def test_every_response_carries_the_common_headers(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in EVERYWHERE} == EVERYWHERE
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "strict-transport-security" not in response.headers  # plain HTTP: HSTS would mean nothing


def test_refusals_from_middleware_carry_them_too(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit_per_minute=1, widget_origins="https://clinic.example")
    too_large = client.post("/api/v1/chat", content=b"x" * 20_000, headers={"content-type": "application/json"})
    preflight = client.options(
        "/api/v1/chat",
        headers={"Origin": "https://clinic.example", "Access-Control-Request-Method": "POST"},
    )
    client.post("/api/v1/chat", json={"message": "hello"})
    limited = client.post("/api/v1/chat", json={"message": "hello"})
    assert [too_large.status_code, preflight.status_code, limited.status_code] == [413, 200, 429]
    for response in (too_large, preflight, limited):
        assert {name: response.headers.get(name) for name in EVERYWHERE} == EVERYWHERE


def test_https_responses_add_hsts(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    secure = TestClient(client.app, base_url="https://testserver")
    assert secure.get("/healthz").headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize(
    ("path", "content_type", "policy", "resource"),
    [
        ("/", "text/html; charset=utf-8", PAGE_POLICY, "same-origin"),
        ("/widget.js", "text/javascript; charset=utf-8", STRICT_POLICY, "cross-origin"),
        ("/static/page.css", "text/css; charset=utf-8", STRICT_POLICY, "same-origin"),
        ("/api/v1/chat", "application/json", STRICT_POLICY, "same-origin"),
        ("/sms/twilio", "application/xml", STRICT_POLICY, "same-origin"),
    ],
)
def test_policy_by_kind_of_response(path: str, content_type: str, policy: str, resource: str) -> None:
    headers = security_headers(path, content_type)
    assert headers["Content-Security-Policy"] == policy
    assert headers["Cross-Origin-Resource-Policy"] == resource
    assert ("X-Frame-Options" in headers) == content_type.startswith("text/html")
