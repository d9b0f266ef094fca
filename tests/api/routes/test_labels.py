from __future__ import annotations

from fastapi.testclient import TestClient

from api.labels import LABELS
from knowledge import load_knowledge


def test_labels_in_the_requested_language(client: TestClient) -> None:
    labels = client.get("/api/v1/labels", params={"lang": "ar"}).json()
    assert labels["lang"] == "ar" and labels["dir"] == "rtl"
    assert set(LABELS) <= set(labels)
    assert labels["send"] != client.get("/api/v1/labels", params={"lang": "en"}).json()["send"]
    assert "{limit}" not in labels["error_too_long"] and "1000" in labels["error_too_long"]
    assert labels["privacy_payload"] == "/" + load_knowledge().topic("about.privacy").intent  # type: ignore[union-attr]


def test_labels_follow_accept_language(client: TestClient) -> None:
    labels = client.get("/api/v1/labels", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).json()
    assert labels["lang"] == "vi"


def test_unknown_language_is_422(client: TestClient) -> None:
    assert client.get("/api/v1/labels", params={"lang": "xx"}).status_code == 422


def test_every_language_is_listed_with_native_name_and_direction(client: TestClient) -> None:
    listed = client.get("/api/v1/languages").json()
    assert [lang["code"] for lang in listed] == list(load_knowledge().codes)
    assert len(listed) == 21
    assert {lang["code"] for lang in listed if lang["dir"] == "rtl"} == {"ar", "fa", "ur"}
    names = {lang["code"]: lang["native_name"] for lang in listed}
    assert names["vi"] == "Tiếng Việt" and names["ar"] == "العربية" and names["zh-Hans"] == "简体中文"
