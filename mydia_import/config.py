"""Settings: built-in defaults < TOML file < MYDIA_IMPORT_* environment < flags.

Every value remembers where it came from (`Settings.origins`), so `config show`
can say why a value is what it is. The schema is the KEYS table: a new key is a
row there plus a field on Settings. This is the only module that touches
tomllib, tomli_w and platformdirs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import platformdirs
import tomli_w

from mydia_import import naming
from mydia_import.errors import ConfigError, describe_os_error
from mydia_import.models import ConflictPolicy, TransferMode

APP = "mydia-import"
ENV_PREFIX = "MYDIA_IMPORT_"
ENV_CONFIG = "MYDIA_IMPORT_CONFIG"
INIT_HINT = "create it with `mydia-import init --movies DIR --tv DIR`"


@dataclass(frozen=True)
class Key:
    """One setting: where it lives in the file, its Settings attribute and type."""

    section: str
    name: str
    attr: str
    type: str  # "path" | "str" | "float" | "int" | "bool" | "fraction" | "enum:a,b" | "template:movie|episode"
    default: object  # a value, None, or a function returning one (per-user paths)
    help: str

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def env(self) -> str:
        return f"{ENV_PREFIX}{self.section}_{self.name}".upper()

    def default_value(self) -> object:
        # Called per load, so the default follows HOME/XDG_* as they are now.
        return self.default() if callable(self.default) else self.default


def default_database() -> Path:
    return platformdirs.user_data_path(APP) / "library.db"


KEYS: tuple[Key, ...] = (
    Key("library", "database", "database", "path", default_database,
        "The SQLite library file (Mydia's schema) that records items and imported files."),
    Key("library", "movies", "movies", "path", None, "The folder movies are imported into."),
    Key("library", "tv", "tv", "path", None, "The folder TV episodes are imported into."),
    Key("downloads", "path", "downloads", "path", None, "The folder `scan` reads by default."),
    Key("import", "mode", "mode", "enum:" + ",".join(TransferMode), TransferMode.AUTO,
        "How files get into the library; auto hardlinks where it can and copies otherwise."),
    Key("import", "conflict", "conflict", "enum:" + ",".join(ConflictPolicy), ConflictPolicy.SKIP,
        "What to do when the destination is already taken by a different file."),
    Key("import", "sample_ratio", "sample_ratio", "fraction", 0.1,
        "A video smaller than this fraction of the largest video in its release is a sample."),
    Key("naming", "movie", "movie_template", "template:movie", naming.DEFAULT_MOVIE_TEMPLATE,
        "Where a movie goes under the movies folder, without the extension."),
    Key("naming", "episode", "episode_template", "template:episode", naming.DEFAULT_EPISODE_TEMPLATE,
        "Where an episode goes under the tv folder, without the extension."),
)

_SECTIONS: dict[str, dict[str, Key]] = {}
for _key in KEYS:
    _SECTIONS.setdefault(_key.section, {})[_key.name] = _key


@dataclass(frozen=True)
class Settings:
    database: Path
    movies: Path | None
    tv: Path | None
    downloads: Path | None
    mode: TransferMode
    conflict: ConflictPolicy
    sample_ratio: float
    movie_template: str
    episode_template: str
    config_path: Path  # the file read (it may not exist)
    origins: Mapping[str, str]  # "import.mode" -> "default" | file | "env ..." | "flag ..."


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP) / "config.toml"


def load_settings(
    config_path: Path | None = None, env: Mapping[str, str] | None = None, *, read_file: bool = True
) -> Settings:
    """The merged settings. read_file=False: defaults and environment only (for `init`,
    which is about to write the file)."""
    env = os.environ if env is None else env
    explicit = config_path is not None or bool(env.get(ENV_CONFIG))
    if config_path is None:
        config_path = Path(env[ENV_CONFIG]) if env.get(ENV_CONFIG) else default_config_path()
    path = Path(config_path).expanduser().absolute()

    values = {key.attr: key.default_value() for key in KEYS}
    origins = {key.dotted: "default" for key in KEYS}

    where = f"config file {path}"
    for section, table in (_read_toml(path, explicit) if read_file else {}).items():
        if not isinstance(table, dict):  # `mode = "copy"` above every [section] header
            raise ConfigError(f"{where}: {section} = {_show(table)} must be inside a section; "
                              f"known sections: {', '.join(sorted(_SECTIONS))}")
        for name, raw in table.items():
            key = _lookup(where, section, name)
            # Relative paths in a file mean "next to this file", wherever we run from.
            values[key.attr] = _checked(f"{where}: [{section}] {name}", key, raw, path.parent)
            origins[key.dotted] = str(path)

    for name in sorted(n for n in env if n.startswith(ENV_PREFIX)):
        # Sections have no "_", keys may (sample_ratio): the section is the first word.
        section, _, key_name = name.removeprefix(ENV_PREFIX).lower().partition("_")
        if section in _SECTIONS and key_name:  # else not a key (MYDIA_IMPORT_CONFIG): ignore
            where = f"environment variable {name}"
            key = _lookup(where, section, key_name)
            values[key.attr] = _checked(where, key, env[name], Path.cwd(), from_text=True)
            origins[key.dotted] = f"env {name}"

    return Settings(**values, config_path=path, origins=origins)


def with_overrides(settings: Settings, origin: str, **values: object) -> Settings:
    """Settings with `values` (by attribute name) replaced; None means "not given"."""
    by_attr = {key.attr: key for key in KEYS}
    changes: dict[str, object] = {}
    origins = dict(settings.origins)
    for attr, raw in values.items():
        if attr not in by_attr:
            raise TypeError(f"with_overrides() got an unknown setting {attr!r}")
        if raw is None:
            continue
        key = by_attr[attr]
        changes[attr] = _checked(f"{origin}: [{key.section}] {key.name}", key, raw, Path.cwd(),
                                 from_text=True)
        origins[key.dotted] = origin
    return dataclasses.replace(settings, **changes, origins=origins)


def describe(settings: Settings) -> list[tuple[str, str, object, str]]:
    """(section, key, value, origin) in KEYS order; values as TOML holds them, None if unset."""
    return [(key.section, key.name, _plain(getattr(settings, key.attr)),
             settings.origins.get(key.dotted, "default")) for key in KEYS]


def write_config(
    path: Path, values: Mapping[str, Mapping[str, object]], force: bool = False
) -> None:
    """Write `values` ({section: {key: value}}) as TOML; None values are left out.

    Values come from the command line, so relative paths are taken from the current
    folder and written absolute: the file then means the same wherever it is read.
    """
    path = Path(path).expanduser().absolute()
    where = f"cannot write config file {path}"
    given = {(s, n): raw for s, table in values.items() for n, raw in table.items()}
    keys = [_lookup(where, section, name) for section, name in given]
    document: dict[str, dict[str, object]] = {}
    for key in sorted(keys, key=KEYS.index):  # KEYS order: every file has the same layout
        raw = given[key.section, key.name]
        if raw is not None:
            value = _checked(f"{where}: [{key.section}] {key.name}", key, raw, Path.cwd())
            document.setdefault(key.section, {})[key.name] = _plain(value)

    if path.exists() and not force:
        raise ConfigError(f"config file {path} already exists; use --force to overwrite")
    data = tomli_w.dumps(document).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp makes the file 0600; keep an overwritten file's mode, else the usual 0644.
        mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o644
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temp, mode)
            os.replace(temp, path)  # readers see the old file or the new one, never half
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as error:
        raise ConfigError(f"{where}: {describe_os_error(error)}") from None


class _Invalid(Exception):
    """A value does not fit its key's type."""


_EXPECTED = {"path": "a path", "str": "a string", "template:movie": "a naming template",
             "template:episode": "a naming template", "float": "a number", "int": "a whole number",
             "bool": "true or false", "fraction": "a number between 0 and 1"}
_BOOL_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _read_toml(path: Path, explicit: bool) -> dict[str, object]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        if explicit:  # a named file that is missing is a typo; the default one is optional
            raise ConfigError(f"config file {path} does not exist; {INIT_HINT}") from None
        return {}
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {describe_os_error(error)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not valid TOML: it is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None


def _lookup(where: str, section: str, name: str) -> Key:
    keys = _SECTIONS.get(section)
    if keys is None:
        raise ConfigError(f"{where}: unknown section [{section}]; "
                          f"known sections: {', '.join(sorted(_SECTIONS))}")
    if name not in keys:
        raise ConfigError(f"{where}: unknown key [{section}] {name}; "
                          f"known keys in [{section}]: {', '.join(sorted(keys))}")
    return keys[name]


def _checked(subject: str, key: Key, raw: object, base: Path, from_text: bool = False) -> object:
    try:
        value = _convert(key, raw, base, from_text)
    except _Invalid:
        choices = key.type.removeprefix("enum:").replace(",", ", ")
        expected = _EXPECTED.get(key.type, f"one of {choices}")
        raise ConfigError(f"{subject} = {_show(raw)} is not valid; expected {expected}") from None
    if key.type.startswith("template:"):
        fields = naming.MOVIE_FIELDS if key.type == "template:movie" else naming.EPISODE_FIELDS
        try:
            naming.validate_template(str(value), fields)
        except ConfigError as error:
            raise ConfigError(f"{subject}: {error}") from None
    return value


def _convert(key: Key, raw: object, base: Path, from_text: bool = False) -> object:
    """`raw` as the type of `key`, or _Invalid.

    from_text: raw may be text to parse (environment, flags); TOML values are typed already.
    base: the folder a relative path is relative to.
    """
    kind = key.type
    if kind.startswith("enum:"):
        if isinstance(raw, str) and raw in kind.removeprefix("enum:").split(","):
            return type(key.default)(raw)  # the default is a member of the key's enum
    elif kind == "path":
        if isinstance(raw, str | os.PathLike) and os.fspath(raw):
            # An absolute right side wins; normpath folds "../" so messages show clean paths.
            return Path(os.path.normpath(base / Path(raw).expanduser()))
    elif kind == "str" or kind.startswith("template:"):
        if isinstance(raw, str):
            return raw
    elif kind == "bool":
        if isinstance(raw, bool):
            return raw
        if from_text and isinstance(raw, str) and raw.strip().lower() in _BOOL_WORDS:
            return _BOOL_WORDS[raw.strip().lower()]
    elif kind in ("int", "float", "fraction") and not isinstance(raw, bool):  # bool is an int
        number: object = raw
        if from_text and isinstance(raw, str):
            with contextlib.suppress(ValueError):
                number = int(raw) if kind == "int" else float(raw)
        if kind == "int" and isinstance(number, int):
            return number
        if kind != "int" and isinstance(number, int | float):
            if kind == "float" or 0 < number < 1:
                return float(number)
    raise _Invalid


def _plain(value: object) -> object:
    """A setting as TOML holds it: paths and enums as strings."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, StrEnum):
        return str(value)
    return value


def _show(value: object) -> str:
    """A value about as TOML writes it (quoted strings, true/false), for error messages."""
    return json.dumps(value, ensure_ascii=False, default=str)
