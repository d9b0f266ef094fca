"""Gateway settings, read from API_* environment variables in this one place."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]

ORIGIN = re.compile(r"https?://[^\s/?#]+")


class Settings(BaseSettings):
    """Everything the gateway can be configured with. `secret_key` has no default on purpose."""

    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore")

    secret_key: SecretStr = Field(min_length=16)
    """Key for the keyed hashes (HMAC) that replace session ids and phone numbers."""
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr("")
    actions_url: str = "http://127.0.0.1:5055"
    rasa_timeout_s: float = Field(default=10.0, gt=0)
    engine_retry_s: float = Field(default=5.0, ge=0)
    """After the engine fails, chat and SMS answer in degraded mode without asking it, except for one
    request every this many seconds, which tries it again (0: every request tries it)."""
    retry_after_s: int = Field(default=5, ge=1)
    max_body_bytes: int = Field(default=16 * 1024, ge=1024)
    detect_threshold: float = Field(default=0.8, ge=0, le=1)
    """Minimum probability for a detected language to be used."""
    widget_origins: str = ""
    """Comma-separated origins whose pages may call the API (the widget), e.g.
    "https://clinic.example,https://church.example"; "*" allows any site, and only when set."""

    twilio_auth_token: SecretStr = SecretStr("")
    """Twilio's auth token; POST /sms/twilio answers 503 while it is unset."""
    sms_secret: SecretStr = SecretStr("")
    """Shared secret of the generic SMS webhook; POST /sms/inbound answers 503 while it is unset."""
    public_url: str = ""
    """The public base URL gateways call (signatures cover it), e.g. https://sms.clinic.example."""
    sms_operator: str = ""
    """Who runs the SMS line, named in the HELP reply; by default the host of public_url."""
    sms_db: str = "var/sms.sqlite3"
    """Where opt-outs, SMS conversation state and delivered message ids are kept: an SQLite file
    (one gateway), or a redis:// or rediss:// URL that several gateways share."""
    sms_ttl_days: float = Field(default=7, gt=0)
    """SMS conversation state and delivered-message replies expire after this many days."""
    redis_url: str = ""
    """Redis URL (redis://host:6379/0); when set, rate limits are shared through it, else kept in memory."""
    rate_limit_per_minute: int = Field(default=30, ge=0)
    """Requests per minute per client (IP address on the web, number on SMS); 0 disables the limit."""
    keep_alive_s: float = Field(default=20.0, gt=0)
    """An idle keep-alive connection closes after this many seconds. Keep it longer than any client
    or proxy in front keeps idle connections to the gateway (nginx's upstream keepalive_timeout,
    a load balancer's idle timeout), so that none sends a request on a connection as it closes."""
    request_timeout_s: float = Field(default=15.0, gt=0)
    """A request (head and body) must arrive within this many seconds, else the server closes the
    connection: slowloris clients cannot hold connections open (api/server.py)."""
    trusted_proxies: str = "127.0.0.1"
    """Addresses or networks, comma-separated ("127.0.0.1,10.0.0.0/8"), of the reverse proxies in
    front of the gateway: only their X-Forwarded-For and X-Forwarded-Proto are believed. "" believes
    no one (the gateway faces the Internet itself)."""

    @field_validator("widget_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (o.strip().rstrip("/") for o in value.split(","))):
            if origin != "*" and not ORIGIN.fullmatch(origin):
                raise ValueError(f"not an origin: {origin!r}; write scheme://host[:port], e.g. https://clinic.example")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for proxy in filter(None, (p.strip() for p in value.split(","))):
            try:
                ipaddress.ip_network(proxy)  # an address is a network of one; 10.0.0.1/8 is refused
            except ValueError:
                raise ValueError(f"not an address or network: {proxy!r}; write e.g. 127.0.0.1,10.0.0.0/8") from None
        return value

    @property
    def widget_origin_list(self) -> list[str]:
        """The allowed widget origins, in order, without blanks."""
        return [o.strip().rstrip("/") for o in self.widget_origins.split(",") if o.strip()]


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()  # type: ignore[call-arg]  # secret_key comes from the environment
