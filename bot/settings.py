"""Settings from the environment or `.env` (see .env.example for every one).

An empty value means "unset" (`NAME=` as copied from .env.example), so the default
applies. Values that would only fail later (a log level, a short secret) are refused
here, with a message that names the setting.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///tiptoe-data/tiptoe.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MIN_SECRET_BYTES = 32  # an HMAC key shorter than its SHA-256 output weakens every signed button


class Settings(BaseSettings):
    # An empty value (as in a copied .env.example) means "unset", never "the empty string".
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    database_url: str = DEFAULT_DATABASE_URL
    database_schema: str | None = None  # PostgreSQL only: keep Tiptoe's tables in this schema
    # PostgreSQL only: at most this many connections per process (the server's default limit is
    # 100 for everyone); unset = 15 (database.POOL_SIZE), each kept open once opened.
    database_pool_size: int | None = Field(default=None, ge=1, le=100)
    secret_key: SecretStr | None = None  # signs buttons; generated and kept in the database when unset
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    # A burst of reminders due at one minute may start this early so all arrive in time (at most 10).
    reminder_early_minutes: int = Field(default=10, ge=0, le=10)
    # /healthz and /metrics on this port (off when unset); it may be TELEGRAM_WEBHOOK_PORT.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_listen: str = "0.0.0.0"

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    # Shared by every webhook worker; derived from SECRET_KEY (or the database's key) when unset.
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)

    discord_token: SecretStr | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    # A bot in thousands of servers splits its gateway shards across processes: all of them
    # share DISCORD_SHARD_COUNT, each names its own DISCORD_SHARD_IDS (comma-separated).
    discord_shard_count: int | None = Field(default=None, ge=1)
    discord_shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_log_level(cls, value: object) -> str:
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)} (got {value!r})")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_case_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"must be at least {MIN_SECRET_BYTES} bytes; "
                             "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'")
        return value

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.discord_shard_ids and self.discord_shard_count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total over every process)")
        if self.discord_shard_ids and max(self.discord_shard_ids) >= (self.discord_shard_count or 0):
            raise ValueError("DISCORD_SHARD_IDS must each be below DISCORD_SHARD_COUNT")
        return self

    @property
    def any_platform(self) -> bool:
        return bool(self.telegram_token or self.discord_token)


def settings_problems(error: ValidationError) -> list[str]:
    """One line per bad setting, named as in the environment, without echoing secret values."""
    lines = []
    for problem in error.errors():
        name = "_".join(str(part) for part in problem["loc"]).upper()
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}" if name else message)
    return lines
