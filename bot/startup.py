"""Why a platform could not start, said in one line to the person running Tiptoe."""

from __future__ import annotations

from urllib.parse import urlsplit


class StartupError(Exception):
    """A platform refused to start (a rejected token, no network).

    Its message is the whole story for the person at the terminal: one line, what to check,
    never the token. `tiptoe run` prints it and exits non-zero, without a traceback.
    """


def host_of(url: str) -> str:
    """The host (and port, if any) of an API URL: what "can't reach" should name."""
    return urlsplit(url).netloc.rpartition("@")[2] or url
