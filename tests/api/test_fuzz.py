"""Fuzz every operation of the gateway's OpenAPI schema with schemathesis, in-process, against a
fake Rasa: whatever arrives, the answer is never a 5xx and always matches what the schema documents.
SMS requests are signed on the way in, so that fuzzed texts get past the signature check."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qsl

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import Settings
from api.main import create_app
from api.signatures import body_signature, twilio_signature
from knowledge import KnowledgeBase
from tests.conftest import SECRET, FakeDetector, FakeRasa

EXAMPLES = 50
"""Examples per operation and mode: the whole fuzz stays well under a minute."""
TWILIO_TOKEN = "twilio-token-for-fuzzing"
SMS_SECRET = "sms-secret-for-fuzzing"
PUBLIC_URL = "https://sms.clinic.example"

SCHEMA = create_app(Settings(secret_key=SECRET)).openapi()  # building the app reads nothing
CASES = [
    (method.upper(), path, mode)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or operation.get("parameters") or operation.get("requestBody")
]
"""Every operation with valid input, and those that take any input with invalid input too."""
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            # Invalid input may also be refused for its size (413) before anyone reads it.
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
            },
            # The schema cannot say that `lang` must be one of the languages loaded at start, so a
            # schema-valid request may rightly be refused.
            "positive_data_acceptance": {"enabled": False},
        }
    }
)


class SigningGateway:
    """Signs each SMS webhook request as a real SMS gateway would (replacing the fuzzed signature
    headers when present), then hands it to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in ("/sms/twilio", "/sms/inbound"):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        timestamp = str(int(time.time()))
        params = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        signatures = {
            b"x-twilio-signature": twilio_signature(TWILIO_TOKEN, PUBLIC_URL + "/sms/twilio", params).encode(),
            b"x-aclara-timestamp": timestamp.encode(),
            b"x-aclara-signature": body_signature(SMS_SECRET, timestamp, body).encode(),
        }
        headers = [(name, signatures.get(name, value)) for name, value in scope["headers"]]
        replayed = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay() -> Message:
            return replayed.pop() if replayed else await receive()

        await self.app(scope | {"headers": headers}, replay, send)


@pytest.fixture
def app(settings: Settings, rasa: FakeRasa, detector: FakeDetector, knowledge: KnowledgeBase) -> Iterator[ASGIApp]:
    overrides = {
        "rate_limit_per_minute": 0,
        "twilio_auth_token": SecretStr(TWILIO_TOKEN),
        "public_url": PUBLIC_URL,
        "sms_secret": SecretStr(SMS_SECRET),
    }
    gateway = create_app(
        settings.model_copy(update=overrides),
        transport=httpx.MockTransport(rasa.handler),
        detector=detector,
        knowledge=knowledge,
    )
    yield SigningGateway(gateway)
    asgi.shutdown_lifespans()  # schemathesis started the app's lifespan on its first request


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_server_error_and_responses_match_the_schema(
    app: ASGIApp, method: str, path: str, mode: GenerationMode
) -> None:
    operation = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call()
        assert response.status_code < 500, (response.status_code, response.text[:200])
        case.validate_response(response)  # every check of the response against the schema (CONFIG)

    fuzz()
