"""Settings as an operator writes them: empty means unset, case doesn't matter, bad values named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, settings_problems

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 32


def settings_from(monkeypatch: pytest.MonkeyPatch, **environment: str) -> Settings:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def test_every_empty_line_of_env_example_means_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`.env.example` copied as it is: its empty values fall back to the defaults."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    settings = Settings()
    assert settings.database_schema is None  # an empty schema would crash start-up on PostgreSQL
    assert settings.telegram_webhook_secret is None  # an empty secret would refuse every update
    assert settings.secret_key is None and settings.telegram_token is None and settings.metrics_port is None
    assert settings.discord_shard_ids is None and settings.discord_shard_count is None


@pytest.mark.parametrize("given", ["info", "INFO", " Info ", "debug", "warning"])
def test_log_level_is_read_in_any_case(monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    assert settings_from(monkeypatch, LOG_LEVEL=given).log_level == given.strip().upper()


BAD_SETTINGS = [  # (environment, the line the operator reads)
    pytest.param({"LOG_LEVEL": "loud"}, "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
                 id="unknown log level"),
    pytest.param({"SECRET_KEY": "short-and-guessable"}, "SECRET_KEY: must be at least 32 bytes", id="short key"),
    pytest.param({"LOG_FORMAT": "xml"}, "LOG_FORMAT:", id="unknown log format"),
    pytest.param({"DISCORD_SHARD_IDS": "0,1"}, "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT", id="ids, no count"),
    pytest.param({"DISCORD_SHARD_IDS": "3", "DISCORD_SHARD_COUNT": "2"}, "below DISCORD_SHARD_COUNT",
                 id="shard id out of range"),
]


@pytest.mark.parametrize(("environment", "expected"), BAD_SETTINGS)
def test_a_bad_setting_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str],
                                               expected: str) -> None:
    with pytest.raises(ValidationError) as raised:
        settings_from(monkeypatch, **environment)
    lines = settings_problems(raised.value)
    assert any(expected in line for line in lines), lines
    assert "short-and-guessable" not in "\n".join(lines)  # a secret is never echoed


def test_good_settings_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from(monkeypatch, SECRET_KEY=GOOD_KEY, LOG_FORMAT="JSON", DISCORD_SHARD_COUNT="4",
                             DISCORD_SHARD_IDS="2, 3", METRICS_PORT="9100")
    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == GOOD_KEY
    assert (settings.log_format, settings.discord_shard_ids, settings.metrics_port) == ("json", (2, 3), 9100)


def test_tiptoe_names_bad_settings_in_one_line_each_and_exits(tmp_path: Path) -> None:
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "info",
                   "SECRET_KEY": "too-short", "DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite3"}
    done = subprocess.run([sys.executable, "-m", "bot.main", "migrate"], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "SECRET_KEY: must be at least 32 bytes" in done.stderr
    assert "Traceback" not in done.stderr and "too-short" not in done.stderr
    assert "LOG_LEVEL" not in done.stderr  # "info" is fine
