"""Gateway settings, read from API_* environment variables in this one place."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Everything the gateway can be configured with. `secret_key` has no default on purpose."""

    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore")

    secret_key: SecretStr = Field(min_length=16)
    """Key for the keyed hashes (HMAC) that replace session ids and phone numbers."""
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr("")
    actions_url: str = "http://127.0.0.1:5055"
    rasa_timeout_s: float = Field(default=10.0, gt=0)
    retry_after_s: int = Field(default=5, ge=1)
    max_body_bytes: int = Field(default=16 * 1024, ge=1024)
    detect_threshold: float = Field(default=0.8, ge=0, le=1)
    """Minimum probability for a detected language to be used."""


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()  # type: ignore[call-arg]  # secret_key comes from the environment
