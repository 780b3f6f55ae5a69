"""The level pictures: all 35 drawn, labelled, distinct, cached, and redrawn when their poses change."""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.figures import HEEL_MARK, LABEL_KEY, WIDTH_PX
from bot.main import main
from bot.pictures import LevelPictures
from core.poses import LEVEL_POSES, picture_label
from tests.engine.fakes import PNG_SIGNATURE


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Path]:
    """All 35 pictures (five levels and two beyond them per exercise), drawn once for this module by `tiptoe pictures --out DIR`."""
    folder = tmp_path_factory.mktemp("pictures")
    main(["pictures", "--out", str(folder)])
    return {(entry.exercise, entry.level): LevelPictures(folder).path_for(entry.exercise, entry.level)
            for entry in LEVEL_POSES}


def text_chunks(png: bytes) -> dict[str, str]:
    """The PNG's tEXt/iTXt chunks (stdlib only, so the test reads what any viewer would)."""
    assert png.startswith(PNG_SIGNATURE)
    chunks, offset = {}, len(PNG_SIGNATURE)
    while offset < len(png):
        (length,), kind = struct.unpack(">I", png[offset:offset + 4]), png[offset + 4:offset + 8]
        body = png[offset + 8:offset + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")  # language tag
            _, _, value = rest.partition(b"\0")  # translated keyword
            chunks[key.decode("latin-1")] = (zlib.decompress(value) if compressed else value).decode()
        offset += 12 + length
    return chunks


def test_the_command_draws_all_35_as_distinct_phone_width_pngs(drawn: dict[tuple[str, int], Path]) -> None:
    assert len(drawn) == 35 and all(path.exists() for path in drawn.values())
    contents = {path.read_bytes() for path in drawn.values()}
    assert len(contents) == 35
    for path in drawn.values():
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width == WIDTH_PX and 250 < image.height < 700


@pytest.mark.parametrize("entry", LEVEL_POSES, ids=lambda e: f"{e.exercise}-{e.level}")
def test_each_picture_is_labelled_with_its_exercise_and_level(drawn, entry) -> None:
    label = picture_label(entry.exercise, entry.level)
    assert text_chunks(drawn[entry.exercise, entry.level].read_bytes())[LABEL_KEY] == \
        f"{label.title}: {label.subtitle}"
    assert f"level {entry.level}" in label.title


@pytest.mark.parametrize("entry", LEVEL_POSES, ids=lambda e: f"{e.exercise}-{e.level}")
def test_a_lifted_heel_is_marked_in_orange(drawn, entry) -> None:
    orange = tuple(int(HEEL_MARK[i:i + 2], 16) for i in (1, 3, 5))
    with Image.open(drawn[entry.exercise, entry.level]) as image:
        colours = dict((colour, count) for count, colour in image.convert("RGB").getcolors(maxcolors=1 << 20))
    marked = colours.get(orange, 0)
    assert any(pose.heel_up for pose in entry.frames)  # every level shows the heels-up moment
    assert marked > 200  # the arrow and the words "heel up"


async def test_the_port_sends_the_cached_file_with_a_caption(tmp_path: Path) -> None:
    pictures = LevelPictures(tmp_path)
    picture = await pictures.level_picture("split", 3)
    path = pictures.path_for("split", 3)
    assert picture.data == path.read_bytes() and picture.filename == path.name
    assert picture.caption == picture_label("split", 3).caption
    drawn_at = path.stat().st_mtime_ns
    again = await pictures.level_picture("split", 3)
    assert again.data == picture.data and path.stat().st_mtime_ns == drawn_at  # not drawn twice
    with pytest.raises(KeyError):
        await pictures.level_picture("split", 8)


def test_changing_a_levels_poses_redraws_only_that_picture(tmp_path: Path) -> None:
    before = LevelPictures(tmp_path)
    old_calf, old_bridge = before.ensure("calf", 1), before.ensure("bridge", 1)
    old_picture = old_calf.read_bytes()
    calf = next(e for e in LEVEL_POSES if (e.exercise, e.level) == ("calf", 1))
    higher = replace(calf.frames[1], heel_lift=calf.frames[1].heel_lift + 5)
    changed = tuple(replace(e, frames=(e.frames[0], higher)) if e is calf else e for e in LEVEL_POSES)
    after = LevelPictures(tmp_path, changed)
    new_calf = after.ensure("calf", 1)
    assert new_calf != old_calf and not old_calf.exists()  # a new name, and the old file is gone
    assert new_calf.read_bytes() != old_picture
    assert after.ensure("bridge", 1) == old_bridge  # untouched levels keep their file
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new_calf.name, old_bridge.name])
