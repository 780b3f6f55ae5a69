"""Files that hold a runner's data (the SQLite database, exports, charts): the owner's alone.

Created 0600 in a 0700 folder whatever the umask, and an existing file is narrowed to
0600 when rewritten: pain scores and injury answers are health data.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> None:
    """The folder, created for the owner alone if it does not exist (an existing one is left as is)."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)


def create_private(path: Path) -> None:
    """An empty file readable by its owner only, unless it exists already."""
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a file readable by its owner only."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.chmod(path, FILE_MODE)  # O_CREAT's mode applies only to a new file
