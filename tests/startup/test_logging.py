"""Log records as the handlers see them: library payloads hidden below INFO, secrets masked, JSON lines."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logging_setup import HIDDEN, SECRET_MASK, JsonLines, LibraryPayloads
from bot.telegram.logs import TokenRedactor

RECORDS = [  # (logger, level, msg, args, what the line says)
    pytest.param("telegram.ext.ExtBot", logging.DEBUG, "Calling `%s` with `%s`", ("sendMessage", {"text": "hi"}),
                 f"Calling `{HIDDEN}` with `{HIDDEN}`", id="a library's request body at DEBUG"),
    pytest.param("discord.http", logging.DEBUG, "%s %s has returned %s", ("POST", '{"content": "hi"}', 200),
                 f"{HIDDEN} {HIDDEN} has returned 200", id="numbers stay"),
    pytest.param("aiosqlite", logging.DEBUG, "returning %(rows)s", ({"rows": ["6:30"]},), f"returning {HIDDEN}",
                 id="mapping arguments"),
    pytest.param("telegram.ext.Application", logging.WARNING, "retrying %s", ("getUpdates",),
                 "retrying getUpdates", id="library warnings unchanged"),
    pytest.param("bot.reminders.dispatcher", logging.DEBUG, "reminder %s (%s)", (7, "morning"),
                 "reminder 7 (morning)", id="our own lines unchanged"),
]


@pytest.mark.parametrize(("name", "level", "msg", "args", "shown"), RECORDS)
def test_library_payloads_are_hidden_below_info(name: str, level: int, msg: str, args: object, shown: str) -> None:
    record = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    assert LibraryPayloads().filter(record) is True
    assert record.getMessage() == shown


def test_a_json_line_carries_the_masked_message_and_traceback() -> None:
    try:
        raise ValueError("boom with s3cr3t inside")
    except ValueError as error:
        record = logging.LogRecord("tiptoe", logging.ERROR, __file__, 1, "failed for %s", ("s3cr3t",),
                                   (ValueError, error, error.__traceback__))
    TokenRedactor("s3cr3t", SECRET_MASK).filter(record)
    entry = json.loads(JsonLines().format(record))
    assert entry["level"] == "ERROR" and entry["logger"] == "tiptoe"
    assert entry["message"] == f"failed for {SECRET_MASK}"
    assert "ValueError" in entry["exception"] and "s3cr3t" not in json.dumps(entry)
