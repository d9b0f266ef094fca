from __future__ import annotations

import gzip
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.config import Settings
from api.routes.page import STATIC


def test_page_embeds_the_widget_inline_in_negotiated_language_with_csp(client: TestClient) -> None:
    response = client.get("/", headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert '<html lang="es" dir="ltr">' in response.text
    assert '<script src="/widget.js" data-target="#aclara" data-lang="es" async></script>' in response.text
    assert "<script>" not in response.text and "style=" not in response.text  # nothing inline for the CSP
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_page_lang_query_and_english_default(client: TestClient) -> None:
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "de"}).text
    assert '<html lang="ar" dir="rtl"' in client.get("/?lang=ar").text


def test_widget_is_served_as_javascript_with_a_strict_policy(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"


def test_widget_fits_its_size_budget() -> None:
    source = (STATIC / "widget.js").read_bytes()
    assert len(source) <= 40 * 1024
    assert len(gzip.compress(source, 9)) <= 15 * 1024


def test_widget_never_parses_markup_or_names_another_host() -> None:
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert unsafe not in source, unsafe
    for storage in ("localStorage", "document.cookie", "indexedDB"):
        assert storage not in source, storage
    assert re.findall(r"https?://[\w-]+(?:\.[\w-]+)+", source) == ["http://www.w3.org"]  # the SVG namespace


def preflight(client: TestClient, origin: str) -> dict[str, str]:
    response = client.options(
        "/api/v1/chat",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    return dict(response.headers)


def test_cors_is_closed_by_default(client: TestClient) -> None:
    assert "access-control-allow-origin" not in preflight(client, "https://clinic.example")
    response = client.get("/api/v1/languages", headers={"Origin": "https://clinic.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_listed_origins_only(make_client: Callable[..., TestClient]) -> None:
    client = make_client(widget_origins="https://clinic.example, https://church.example/")
    assert preflight(client, "https://church.example")["access-control-allow-origin"] == "https://church.example"
    allowed = client.get("/api/v1/languages", headers={"Origin": "https://clinic.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://clinic.example"
    assert "access-control-allow-credentials" not in allowed.headers
    assert "access-control-allow-origin" not in preflight(client, "https://evil.example")


def test_cors_any_origin_is_an_explicit_opt_in(make_client: Callable[..., TestClient]) -> None:
    client = make_client(widget_origins="*")
    assert preflight(client, "https://anywhere.example")["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("value", ["clinic.example", "https://clinic.example/path", "ftp://clinic.example"])
def test_widget_origins_must_be_origins(value: str) -> None:
    with pytest.raises(ValidationError, match="not an origin"):
        Settings(secret_key="k" * 32, widget_origins=value)  # type: ignore[arg-type]
