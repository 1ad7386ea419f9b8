"""The parse cache: a name is parsed once across runs, and again when guessit changes."""

from __future__ import annotations

import datetime as dt

from mydia_import.identify.parse import ReleaseParser, guessit_version
from mydia_import.library import Library
from mydia_import.library.parsecache import ParseCache, release_from_json, release_to_json
from mydia_import.models import Release


class Counting(ReleaseParser):
    def __init__(self, cache=None):
        super().__init__(cache)
        self.asked: list[str] = []

    def _parse(self, name, type_hint):
        self.asked.append(name)
        return super()._parse(name, type_hint)


def test_a_release_survives_its_json_form():
    release = Release("x.mkv", type="episode", title="Show", year=2010, season=1, episodes=(1, 2),
                      air_date=dt.date(2024, 1, 15), absolute=(5,), part=2, edition="Extended",
                      country="US", proper_count=1, forced=True)
    assert release_from_json(release_to_json(release)) == release


def test_a_name_is_parsed_once_across_runs(tmp_path):
    db = tmp_path / "library.db"
    with Library.open(db) as library:
        first = Counting(library.parse_cache())
        release = first.parse("Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv")
    with Library.open(db) as library:
        second = Counting(library.parse_cache())
        assert second.parse("Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv") == release
    assert first.asked == ["Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv"] and second.asked == []


def test_the_type_hint_is_part_of_the_key(tmp_path):
    with Library.open(tmp_path / "library.db") as library:
        parser = Counting(library.parse_cache())
        parser.parse("E01.mkv")
        parser.parse("E01.mkv", "episode")
        assert parser.asked == ["E01.mkv", "E01.mkv"]


def test_another_guessit_version_parses_again(tmp_path):
    with Library.open(tmp_path / "library.db") as library:
        cache = ParseCache(library.db, "guessit 0.0.1")
        Counting(cache).parse("Inception.2010.mkv")
        cache.flush()
        now = Counting(library.parse_cache())
        now.parse("Inception.2010.mkv")
        assert now.asked == ["Inception.2010.mkv"]
        assert library.parse_cache().forget_other_versions() == 1


def test_the_key_holds_guessits_version(tmp_path):
    with Library.open(tmp_path / "library.db") as library:
        Counting(library.parse_cache()).parse("Inception.2010.mkv")
    with Library.open(tmp_path / "library.db") as library:
        [row] = library.db.rows("SELECT parser, type_hint, name FROM import_parse_cache")
    assert row == {"parser": f"{guessit_version()} / 1", "type_hint": "", "name": "Inception.2010.mkv"}
    assert guessit_version().startswith("guessit ")


def test_the_parse_cache_key_holds_guessit_rebulk_and_whether_rebulk_is_patched(monkeypatch):
    from mydia_import.identify import rebulk_speed

    monkeypatch.delenv(rebulk_speed.ENV, raising=False)
    patched = guessit_version()
    assert f"/ rebulk {rebulk_speed.rebulk_version()} " in patched
    monkeypatch.setenv(rebulk_speed.ENV, "1")
    assert guessit_version() == patched.rsplit(" ", 1)[0] + " plain"


def test_a_read_only_cache_writes_nothing(tmp_path):
    with Library.open(tmp_path / "library.db") as library:
        Counting(library.parse_cache(writable=False)).parse("Inception.2010.mkv")
    with Library.open(tmp_path / "library.db") as library:
        assert library.db.value("SELECT count(*) FROM import_parse_cache") == 0


def test_names_are_written_in_batches(tmp_path):
    with Library.open(tmp_path / "library.db") as library:
        cache = library.parse_cache()
        cache.BATCH = 3
        parser = ReleaseParser(cache)
        for n in range(4):
            parser.parse(f"Show.S01E0{n + 1}.mkv")
        assert library.db.value("SELECT count(*) FROM import_parse_cache") == 3  # one batch so far
    with Library.open(tmp_path / "library.db") as library:
        assert library.db.value("SELECT count(*) FROM import_parse_cache") == 4  # the rest at close


def test_a_row_of_another_shape_is_parsed_again(tmp_path):
    with Library.open(tmp_path / "library.db") as library:
        cache = library.parse_cache()
        library.db.execute(
            "INSERT INTO import_parse_cache (parser, type_hint, name, release, parsed_at) VALUES (?, '', ?, ?, ?)",
            [cache.parser, "Inception.2010.mkv", '{"not": "a release"}', "2024-01-01T00:00:00Z"])
        parser = Counting(cache)
        assert parser.parse("Inception.2010.mkv").title == "Inception"
        assert parser.asked == ["Inception.2010.mkv"]


def test_a_name_that_is_not_utf8_is_parsed_but_not_cached(tmp_path):
    name = b"Inception.2010.\xff.mkv".decode("utf-8", "surrogateescape")
    with Library.open(tmp_path / "library.db") as library:
        parser = Counting(library.parse_cache())
        assert parser.parse(name).title == "Inception"
        library.parse_cache().flush()
    with Library.open(tmp_path / "library.db") as library:
        assert library.db.value("SELECT count(*) FROM import_parse_cache") == 0


def test_a_batch_of_names_is_read_from_the_cache_in_one_query(tmp_path):
    names = [f"Show.S01E{n:02d}.720p.HDTV.x264-GRP.mkv" for n in range(1, 30)]
    db = tmp_path / "library.db"
    with Library.open(db) as library:
        parsed = Counting(library.parse_cache()).parse_many(names)
    with Library.open(db) as library:
        cache = library.parse_cache()
        queries: list[str] = []
        again = Counting(cache)
        with library.db.tracer(lambda sql, params: queries.append(sql)):
            found = again.parse_many([*names, "Other.S01E01.mkv"])
        assert found[:-1] == parsed
    assert again.asked == ["Other.S01E01.mkv"]
    assert sum("FROM import_parse_cache" in q for q in queries) == 1
