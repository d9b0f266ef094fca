from __future__ import annotations

from fastapi.testclient import TestClient


def test_page_is_labelled_in_negotiated_language_with_csp(client: TestClient) -> None:
    response = client.get("/", headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert '<html lang="es" dir="ltr">' in response.text
    assert "Escriba su pregunta" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_page_lang_query_and_english_default(client: TestClient) -> None:
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "de"}).text
    assert '<html lang="es"' in client.get("/?lang=es").text


def test_page_script_is_served(client: TestClient) -> None:
    response = client.get("/static/page.js")
    assert response.status_code == 200
    assert "innerHTML" not in response.text
