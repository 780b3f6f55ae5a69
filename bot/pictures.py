"""The 35 level pictures (five levels and two beyond them per exercise): drawn once from core.poses and kept as files named by their content.

A file's name carries a hash of everything that shapes the picture: the level's poses, its
label, and the source of the figure model and the renderer. Change any of them and the next
request draws a new file (and removes the old one); otherwise the file on disk is sent as is.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from functools import cached_property
from pathlib import Path

import bot.figures
import core.body
from bot.figures import render_level
from core.poses import LEVEL_POSES, LevelPoses, PictureLabel, picture_label
from core.replies import Picture

# Modules whose code decides how a picture looks: editing them redraws every picture.
DRAWING_CODE = (core.body, bot.figures)
HASH_CHARS = 12


class LevelPictures:
    """Implements core.ports.PictureSource, with a folder of PNG files as the cache."""

    def __init__(self, folder: Path, poses: tuple[LevelPoses, ...] = LEVEL_POSES) -> None:
        self.folder = folder
        self.poses = {(entry.exercise, entry.level): entry for entry in poses}
        self._paths: dict[tuple[str, int], Path] = {}  # each level's file name, worked out once

    @cached_property
    def _code(self) -> bytes:
        """The drawing code as this process loaded it (it draws with that code, whatever the files say
        later), read at the first picture, not at start-up: every picture sent used to read it again."""
        return drawing_code()

    async def level_picture(self, exercise_key: str, level: int) -> Picture:
        path = await asyncio.to_thread(self.ensure, exercise_key, level)
        data = await asyncio.to_thread(path.read_bytes)
        return Picture(path.name, data, picture_label(exercise_key, level).caption)

    def path_for(self, exercise_key: str, level: int) -> Path:
        """Where this level's picture lives as the code and data stand now."""
        path = self._paths.get((exercise_key, level))
        if path is None:
            poses, label = self.poses[exercise_key, level], picture_label(exercise_key, level)
            name = f"{exercise_key}-level-{level}-{content_hash(poses, label, self._code)}.png"
            path = self._paths[exercise_key, level] = self.folder / name
        return path

    def ensure(self, exercise_key: str, level: int) -> Path:
        """The picture's file, drawn now if it is missing or out of date."""
        path = self.path_for(exercise_key, level)
        if path.exists():
            return path
        label = picture_label(exercise_key, level)
        png = render_level(self.poses[exercise_key, level], label.title, label.subtitle)
        self.folder.mkdir(parents=True, exist_ok=True)
        # Write aside and rename, so a reader never sees half a file (two writers race harmlessly).
        with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".part", delete=False) as part:
            part.write(png)
        os.replace(part.name, path)
        for stale in self.folder.glob(f"{exercise_key}-level-{level}-*.png"):
            if stale != path:
                stale.unlink(missing_ok=True)
        return path

    def ensure_all(self) -> list[Path]:
        """Every level's picture, in programme order."""
        return [self.ensure(exercise, level) for exercise, level in self.poses]


def drawing_code() -> bytes:
    """The source of the modules that decide how a picture looks (DRAWING_CODE), one after the other."""
    return b"".join(Path(module.__file__ or "").read_bytes() for module in DRAWING_CODE)


def content_hash(poses: LevelPoses, label: PictureLabel, code: bytes) -> str:
    digest = hashlib.sha256(repr((poses, label)).encode())
    digest.update(code)
    return digest.hexdigest()[:HASH_CHARS]
