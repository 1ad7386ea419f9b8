"""Archive sets found in a release by their volume names (mydia_import/archives/sets.py) and
checked against an .sfv (sfv.py)."""

from __future__ import annotations

import zlib
from pathlib import Path

from mydia_import.archives.sets import find_sets
from mydia_import.archives.sfv import check


def volumes(folder: Path, *names: str, size: int = 100) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        (folder / name).write_bytes(b"R" * size)
        paths.append(folder / name)
    return paths


def test_old_rar_names_form_one_set_starting_at_the_rar(tmp_path):
    volumes(tmp_path, "x.r01", "x.r00", "x.rar", "x.s00", "x.nfo")
    [found] = find_sets(tmp_path.iterdir())
    assert [v.name for v in found.volumes][:3] == ["x.rar", "x.r00", "x.r01"]
    assert found.format == "rar" and found.problem is not None  # x.r02 ... x.r99 missing before x.s00


def test_new_rar_names_form_one_set_in_number_order(tmp_path):
    volumes(tmp_path, *(f"x.part{n:02d}.rar" for n in (10, 2, 1, 3, 4, 5, 6, 7, 8, 9)))
    [found] = find_sets(tmp_path.iterdir())
    assert [v.name for v in found.volumes] == [f"x.part{n:02d}.rar" for n in range(1, 11)]
    assert found.problem is None and found.name == "x"


def test_a_gap_in_the_numbers_names_the_missing_volume(tmp_path):
    volumes(tmp_path, "x.part1.rar", "x.part3.rar")
    assert find_sets(tmp_path.iterdir())[0].problem == "volume x.part2.rar is missing"
    volumes(tmp_path / "old", "y.rar", "y.r01")
    assert find_sets((tmp_path / "old").iterdir())[0].problem == "volume y.r00 is missing"


def test_a_short_volume_before_the_last_is_a_problem(tmp_path):
    volumes(tmp_path, "x.part1.rar", "x.part3.rar")
    volumes(tmp_path, "x.part2.rar", size=10)
    assert "x.part2.rar is shorter" in find_sets(tmp_path.iterdir())[0].problem


def test_split_7z_and_single_zip_and_7z_are_sets_of_their_format(tmp_path):
    volumes(tmp_path, "a.7z.001", "a.7z.002", "b.zip", "c.7z")
    found = {s.name: (s.format, len(s.volumes)) for s in find_sets(tmp_path.iterdir())}
    assert found == {"a": ("7z", 2), "b": ("zip", 1), "c": ("7z", 1)}


def test_a_split_of_unknown_kind_is_told_by_its_first_bytes(tmp_path):
    (tmp_path / "m.001").write_bytes(b"Rar!\x1a\x07\x01\x00" + b"x" * 92)
    (tmp_path / "m.002").write_bytes(b"x" * 50)
    assert find_sets(tmp_path.iterdir())[0].format == "rar"


def test_two_sets_in_one_folder_stay_apart(tmp_path):
    volumes(tmp_path, "movie.rar", "movie.r00", "subs.rar")
    assert [s.name for s in find_sets(tmp_path.iterdir())] == ["movie", "subs"]


def test_an_sfv_passes_matching_volumes_and_names_a_mismatch_or_a_missing_one(tmp_path):
    paths = volumes(tmp_path, "x.rar", "x.r00")
    good = "\n".join(f"{p.name} {zlib.crc32(p.read_bytes()):08X}" for p in paths)
    sfv = tmp_path / "x.sfv"
    sfv.write_text(f"; comment\n{good}\n")
    assert check([sfv], paths) is None
    sfv.write_text(f"{good}\nx.r01 00000000\n")
    assert check([sfv], paths) == "volume x.r01 listed in x.sfv is missing"
    sfv.write_text("x.rar 00000000\n")
    assert check([sfv], paths).startswith("x.rar fails its CRC check from x.sfv")
