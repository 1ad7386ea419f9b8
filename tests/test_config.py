from __future__ import annotations

import errno
import sys
import tomllib
from pathlib import Path

import pytest

from mydia_import import config
from mydia_import.config import (
    KEYS,
    default_config_path,
    describe,
    load_settings,
    with_overrides,
    write_config,
)
from mydia_import.errors import ConfigError
from mydia_import.models import ConflictPolicy, TransferMode

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="XDG layout is Linux's")


@pytest.fixture(autouse=True)
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs and `~` read the real environment: point them into tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    return home


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def message(config_path: Path | None = None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path, env={} if env is None else env)
    assert caught.value.exit_code == 1
    assert "\n" not in str(caught.value)
    return str(caught.value)


# --- defaults and where the file is ----------------------------------------------------


@linux_only
def test_default_config_path_is_config_toml_in_platformdirs_user_config_dir(
    fake_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert default_config_path() == fake_home / ".config" / "mydia-import" / "config.toml"


@linux_only
def test_default_config_path_follows_xdg_config_home(fake_home: Path) -> None:
    assert default_config_path() == fake_home / "xdg-config" / "mydia-import" / "config.toml"


@linux_only
def test_missing_default_file_gives_defaults_with_database_in_user_data_dir(
    fake_home: Path,
) -> None:
    settings = load_settings(env={})
    assert settings.config_path == default_config_path()
    assert not settings.config_path.exists()
    assert settings.database == fake_home / "xdg-data" / "mydia-import" / "library.db"
    assert (settings.movies, settings.tv, settings.downloads) == (None, None, None)
    assert settings.mode is TransferMode.AUTO
    assert settings.conflict is ConflictPolicy.SKIP
    assert settings.sample_ratio == 0.1
    assert settings.movie_template == "{title}< ({year})>/{title}< ({year})>< - part{part}>"
    assert settings.episode_template.startswith("{show}< ({show_year})>/Season {season:02}/")
    assert set(settings.origins.values()) == {"default"}


def test_config_path_comes_from_env_when_not_given(tmp_path: Path) -> None:
    path = write(tmp_path / "from-env.toml", '[import]\nmode = "copy"\n')
    settings = load_settings(env={"MYDIA_IMPORT_CONFIG": str(path)})
    assert settings.config_path == path
    assert settings.mode is TransferMode.COPY


def test_config_path_argument_beats_env(tmp_path: Path) -> None:
    env_file = write(tmp_path / "env.toml", '[import]\nmode = "copy"\n')
    arg_file = write(tmp_path / "arg.toml", '[import]\nmode = "move"\n')
    settings = load_settings(arg_file, env={"MYDIA_IMPORT_CONFIG": str(env_file)})
    assert settings.config_path == arg_file
    assert settings.mode is TransferMode.MOVE


def test_missing_config_file_named_as_argument_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "config.toml"
    assert message(missing) == (
        f"config file {missing} does not exist; "
        "create it with `mydia-import init --movies DIR --tv DIR`"
    )


def test_missing_config_file_named_by_env_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert f"config file {missing} does not exist" in message(
        env={"MYDIA_IMPORT_CONFIG": str(missing)}
    )


# --- precedence and origins --------------------------------------------------------------


def test_file_overrides_defaults_and_names_the_file_as_origin(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[import]\nconflict = "upgrade"\nsample_ratio = 0.25\n')
    settings = load_settings(path, env={})
    assert settings.conflict is ConflictPolicy.UPGRADE
    assert settings.sample_ratio == 0.25
    assert settings.origins["import.conflict"] == str(path)
    assert settings.origins["import.mode"] == "default"


def test_env_overrides_file_and_names_itself_as_origin(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[import]\nmode = "copy"\nsample_ratio = 0.2\n')
    env = {"MYDIA_IMPORT_IMPORT_MODE": "symlink", "MYDIA_IMPORT_IMPORT_SAMPLE_RATIO": "0.05",
           "MYDIA_IMPORT_NAMING_MOVIE": "{title}"}
    settings = load_settings(path, env=env)
    assert settings.mode is TransferMode.SYMLINK
    assert settings.sample_ratio == 0.05
    assert settings.movie_template == "{title}"
    assert settings.origins["import.mode"] == "env MYDIA_IMPORT_IMPORT_MODE"
    assert settings.origins["import.sample_ratio"] == "env MYDIA_IMPORT_IMPORT_SAMPLE_RATIO"
    assert settings.origins["naming.movie"] == "env MYDIA_IMPORT_NAMING_MOVIE"


def test_overrides_beat_env_ignore_none_and_record_their_origin() -> None:
    settings = load_settings(env={"MYDIA_IMPORT_IMPORT_MODE": "copy"})
    changed = with_overrides(settings, "flag --mode", mode="move", conflict=None)
    assert changed.mode is TransferMode.MOVE
    assert changed.conflict is ConflictPolicy.SKIP
    assert changed.origins["import.mode"] == "flag --mode"
    assert changed.origins["import.conflict"] == "default"
    assert settings.mode is TransferMode.COPY  # the original is untouched


def test_overrides_check_values_and_name_the_origin() -> None:
    settings = load_settings(env={})
    with pytest.raises(ConfigError, match=r'^flag --conflict: \[import\] conflict = "later" '
                                          r"is not valid; expected one of skip, upgrade"):
        with_overrides(settings, "flag --conflict", conflict="later")
    with pytest.raises(TypeError):
        with_overrides(settings, "flag", colour="red")


def test_describe_lists_every_key_in_keys_order_with_plain_values_and_origins(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "c.toml", f'[library]\nmovies = "{tmp_path / "Movies"}"\n')
    settings = with_overrides(load_settings(path, env={}), "flag --mode", mode=TransferMode.COPY)
    rows = describe(settings)
    assert [(s, k) for s, k, _, _ in rows] == [(key.section, key.name) for key in KEYS]
    by_key = {(s, k): (v, o) for s, k, v, o in rows}
    assert by_key["library", "movies"] == (str(tmp_path / "Movies"), str(path))
    assert by_key["library", "tv"] == (None, "default")
    assert by_key["import", "mode"] == ("copy", "flag --mode")
    assert type(by_key["import", "mode"][0]) is str
    assert by_key["import", "sample_ratio"] == (0.1, "default")


# --- paths ---------------------------------------------------------------------------------


def test_relative_path_in_file_is_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "conf" / "c.toml", '[library]\nmovies = "media/Movies"\n')
    monkeypatch.chdir(tmp_path)
    assert load_settings(path, env={}).movies == tmp_path / "conf" / "media" / "Movies"


def test_relative_path_in_env_is_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "conf" / "c.toml", "")
    monkeypatch.chdir(tmp_path)
    settings = load_settings(path, env={"MYDIA_IMPORT_DOWNLOADS_PATH": "dl"})
    assert settings.downloads == tmp_path / "dl"


def test_tilde_is_expanded_in_file_env_and_config_path(tmp_path: Path, fake_home: Path) -> None:
    write(fake_home / "c.toml", '[library]\ntv = "~/TV"\n')
    settings = load_settings(Path("~/c.toml"),
                             env={"MYDIA_IMPORT_LIBRARY_DATABASE": "~/lib.db"})
    assert settings.config_path == fake_home / "c.toml"
    assert settings.tv == fake_home / "TV"
    assert settings.database == fake_home / "lib.db"


# --- errors in the file --------------------------------------------------------------------


def test_invalid_toml_names_the_file_and_the_parser_message(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[import\nmode = 1\n")
    text = message(path)
    assert text.startswith(f"config file {path} is not valid TOML: ")
    assert "line 1" in text


def test_unknown_key_lists_the_known_keys_of_its_section(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[import]\nmoed = "copy"\n')
    assert message(path) == (f"config file {path}: unknown key [import] moed; "
                             "known keys in [import]: conflict, extras, ffprobe, keep_mtime, lock_wait, min_age, "
                             "min_free_mb, mode, nfo, sample_ratio, upgrade_until, verify")


def test_unknown_section_lists_the_known_sections(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[imprt]\nmode = "copy"\n')
    assert message(path) == (f"config file {path}: unknown section [imprt]; "
                             "known sections: archives, downloads, history, import, library, log, media_servers, "
                             "metadata, naming, notify, nzbget, path_map, permissions, qbittorrent, recycle, "
                             "sabnzbd, transmission")


def test_key_outside_any_section_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'mode = "copy"\n')
    assert message(path).startswith(f'config file {path}: mode = "copy" must be inside a section')


def test_invalid_enum_value_lists_the_choices(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[import]\nmode = "fast"\n')
    assert message(path) == (f'config file {path}: [import] mode = "fast" is not valid; '
                             "expected one of auto, hardlink, copy, move, symlink, reflink")


@pytest.mark.parametrize("value", ['"x"', '"0.5"', "0", "1", "1.5", "-0.1", "true"])
def test_sample_ratio_must_be_a_number_between_0_and_1(tmp_path: Path, value: str) -> None:
    path = write(tmp_path / "c.toml", f"[import]\nsample_ratio = {value}\n")
    assert message(path) == (f"config file {path}: [import] sample_ratio = {value} is not valid; "
                             "expected a number between 0 and 1")


@pytest.mark.parametrize("value", ["3", '""', "[]"])
def test_path_must_be_a_non_empty_string(tmp_path: Path, value: str) -> None:
    path = write(tmp_path / "c.toml", f"[library]\nmovies = {value}\n")
    assert message(path) == f"config file {path}: [library] movies = {value} is not valid; " \
        "expected a path"


def test_template_must_be_a_string(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[naming]\nepisode = 5\n")
    assert message(path).endswith("[naming] episode = 5 is not valid; expected a naming template")


def test_config_path_that_is_a_folder_cannot_be_read(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    assert message(folder).startswith(f"cannot read config file {folder}: ")


def test_unreadable_config_file_says_permission_denied_for_whom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "c.toml", "")

    def refuse(self: Path) -> bytes:  # chmod does not stop root, so fake the refusal
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert message(path).startswith(f"cannot read config file {path}: permission denied for user ")


def test_file_that_is_not_utf8_is_not_valid_toml(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b'[import]\nmode = "\xff"\n')
    assert message(path) == f"config file {path} is not valid TOML: it is not UTF-8 text"


# --- errors in the environment -------------------------------------------------------------


def test_invalid_env_value_names_the_variable() -> None:
    assert message(env={"MYDIA_IMPORT_IMPORT_MODE": "fast"}) == (
        'environment variable MYDIA_IMPORT_IMPORT_MODE = "fast" is not valid; '
        "expected one of auto, hardlink, copy, move, symlink, reflink"
    )
    assert message(env={"MYDIA_IMPORT_IMPORT_SAMPLE_RATIO": "lots"}).endswith(
        "expected a number between 0 and 1"
    )


def test_env_unknown_key_in_a_known_section_is_an_error() -> None:
    assert message(env={"MYDIA_IMPORT_IMPORT_MOED": "copy"}) == (
        "environment variable MYDIA_IMPORT_IMPORT_MOED: unknown key [import] moed; "
        "known keys in [import]: conflict, extras, ffprobe, keep_mtime, lock_wait, min_age, min_free_mb, mode, nfo, "
        "sample_ratio, upgrade_until, verify"
    )


def test_env_names_that_are_not_keys_are_ignored(tmp_path: Path) -> None:
    env = {"MYDIA_IMPORT_CONFIG": str(write(tmp_path / "c.toml", "")), "MYDIA_IMPORT_DEBUG": "1",
           "MYDIA_IMPORT_IMPRT_MODE": "fast", "MYDIA_IMPORT_LIBRARY": "x",
           "IMPORT_MODE": "fast", "PATH": "/bin"}
    assert set(load_settings(env=env).origins.values()) == {"default"}


@pytest.mark.parametrize(("text", "expected"), [
    ("1", True), ("yes", True), ("TRUE", True), ("0", False), ("no", False), ("false", False),
])
def test_bool_keys_accept_words_from_the_environment(text: str, expected: bool) -> None:
    key = config.Key("x", "flag", "flag", "bool", False, "A test switch.")
    assert config._convert(key, text, Path("/"), from_text=True) is expected
    with pytest.raises(config._Invalid):
        config._convert(key, text, Path("/"))  # TOML has real booleans; text is not one
    with pytest.raises(config._Invalid):
        config._convert(key, "maybe", Path("/"), from_text=True)


def test_number_keys_take_numbers_not_booleans() -> None:
    whole = config.Key("x", "count", "count", "int", 1, "A test count.")
    real = config.Key("x", "scale", "scale", "float", 1.0, "A test scale.")
    assert config._convert(whole, "3", Path("/"), from_text=True) == 3
    assert config._convert(real, 2, Path("/")) == 2.0
    for key, raw in [(whole, True), (real, False), (whole, "1.5"), (whole, 2.0)]:
        with pytest.raises(config._Invalid):
            config._convert(key, raw, Path("/"), from_text=True)


# --- writing -------------------------------------------------------------------------------


def test_write_config_round_trips_through_load_settings(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "config.toml"
    write_config(path, {
        "library": {"movies": tmp_path / "Movies", "tv": tmp_path / "TV", "database": None},
        "import": {"mode": TransferMode.COPY, "sample_ratio": 0.2},
    })
    data = tomllib.loads(path.read_text())
    assert data == {"library": {"movies": str(tmp_path / "Movies"), "tv": str(tmp_path / "TV")},
                    "import": {"mode": "copy", "sample_ratio": 0.2}}
    settings = load_settings(path, env={})
    assert (settings.movies, settings.tv) == (tmp_path / "Movies", tmp_path / "TV")
    assert settings.mode is TransferMode.COPY
    assert settings.origins["library.movies"] == str(path)
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left


def test_write_config_makes_relative_paths_absolute_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path / "conf" / "c.toml", {"library": {"movies": "Movies"}})
    assert load_settings(tmp_path / "conf" / "c.toml", env={}).movies == tmp_path / "Movies"


def test_write_config_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "# mine\n")
    with pytest.raises(ConfigError, match=r"use --force to overwrite") as caught:
        write_config(path, {"import": {"mode": "move"}})
    assert str(path) in str(caught.value)
    assert path.read_text() == "# mine\n"
    write_config(path, {"import": {"mode": "move"}}, force=True)
    assert load_settings(path, env={}).mode is TransferMode.MOVE


def test_write_config_checks_values_before_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    with pytest.raises(ConfigError, match=r"unknown key \[library\] moves; known keys in "):
        write_config(path, {"library": {"moves": "/m"}})
    with pytest.raises(ConfigError, match=r'\[import\] mode = "fast" is not valid'):
        write_config(path, {"import": {"mode": "fast"}})
    assert not path.exists()


def test_write_config_lays_out_sections_in_keys_order(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    write_config(path, {"naming": {"movie": "{title}"}, "import": {"mode": "copy"},
                        "library": {"tv": "/tv", "movies": "/movies"}})
    text = path.read_text()
    order = ["[library]", "movies =", "tv =", "[import]", "[naming]"]
    assert sorted(order, key=text.index) == order


def test_write_config_makes_a_readable_file_and_keeps_an_overwritten_files_mode(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.toml"
    write_config(path, {"import": {"mode": "copy"}})
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    write_config(path, {"import": {"mode": "move"}}, force=True)
    assert path.stat().st_mode & 0o777 == 0o600


def test_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "conf" / "c.toml", "# mine\n")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(config.os, "replace", full_disk)
    with pytest.raises(ConfigError) as caught:
        write_config(path, {"import": {"mode": "move"}}, force=True)
    assert str(caught.value) == f"cannot write config file {path}: no space left on the device"
    assert path.read_text() == "# mine\n"
    assert [p.name for p in path.parent.iterdir()] == ["c.toml"]


def test_a_naming_template_with_an_unknown_field_is_an_error_naming_the_file_key_and_field(tmp_path):
    path = write(tmp_path / "config.toml", '[naming]\nmovie = "{titel} ({year})"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})

    message = str(caught.value)
    assert str(path) in message
    assert "[naming] movie" in message
    assert "{titel}" in message


def test_an_episode_template_may_not_use_movie_fields(tmp_path):
    with pytest.raises(ConfigError, match=r"environment variable MYDIA_IMPORT_NAMING_EPISODE.*unknown field \{title\}"):
        load_settings(write(tmp_path / "c.toml", ""), env={"MYDIA_IMPORT_NAMING_EPISODE": "{title}"})
