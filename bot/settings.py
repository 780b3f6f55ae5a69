"""Settings from the environment or `.env` (see .env.example for every one)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///tiptoe-data/tiptoe.sqlite3"


class Settings(BaseSettings):
    # An empty value (as in a copied .env.example) means "unset", never "the empty string".
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    database_url: str = DEFAULT_DATABASE_URL
    database_schema: str | None = None  # PostgreSQL only: keep Tiptoe's tables in this schema
    # PostgreSQL only: at most this many connections per process (the server's default limit is
    # 100 for everyone); unset = 5 kept open plus 10 more under load.
    database_pool_size: int | None = Field(default=None, ge=1, le=100)
    secret_key: SecretStr | None = None  # signs buttons; generated and kept in the database when unset
    log_level: str = "INFO"
    # A burst of reminders due at one minute may start this early so all arrive in time (at most 10).
    reminder_early_minutes: int = Field(default=10, ge=0, le=10)

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443

    discord_token: SecretStr | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None

    @property
    def any_platform(self) -> bool:
        return bool(self.telegram_token or self.discord_token)
