from __future__ import annotations

from fastapi.testclient import TestClient


def test_languages_lists_code_native_name_and_direction(client: TestClient) -> None:
    languages = client.get("/api/v1/languages").json()
    assert {"code": "es", "name": "Spanish", "native_name": "Español", "dir": "ltr"} in languages
    assert languages[0]["code"] == "en"


def test_topics_menu_in_requested_language(client: TestClient) -> None:
    english = client.get("/api/v1/topics?lang=en").json()
    spanish = client.get("/api/v1/topics?lang=es").json()
    assert [t["id"] for t in english] == [t["id"] for t in spanish]
    assert len(english) >= 10
    assert english[0]["title"] != spanish[0]["title"]
    assert all(t["payload"].startswith("/ask_") for t in english)


def test_topics_negotiates_accept_language(client: TestClient) -> None:
    by_header = client.get("/api/v1/topics", headers={"Accept-Language": "es-US"}).json()
    assert by_header == client.get("/api/v1/topics?lang=es").json()


def test_topics_rejects_unknown_lang(client: TestClient) -> None:
    response = client.get("/api/v1/topics?lang=klingon")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("unsupported language 'klingon'")


def test_the_openapi_schema_is_served(client: TestClient) -> None:
    assert "/api/v1/chat" in client.get("/openapi.json").json()["paths"]
