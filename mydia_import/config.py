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

from mydia_import.errors import ConfigError, describe_os_error
from mydia_import.execute import tidy
from mydia_import.integrations.clients import Cleanup
from mydia_import.integrations.notify import NotifyWhen
from mydia_import.models import ConflictPolicy, TransferMode, Verify
from mydia_import.plan import naming

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


def default_metadata_cache() -> Path:
    return platformdirs.user_cache_path(APP) / "metadata"


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
    # -- unattended runs, download clients, notifications (issue 6) --
    Key("log", "file", "log_file", "path", None,
        "A log file every scan, import and hook run appends plain lines to (rotated)."),
    Key("log", "max_bytes", "log_max_bytes", "int", 1_000_000, "Rotate the log file when it reaches this size."),
    Key("log", "backups", "log_backups", "int", 3, "How many rotated log files to keep (file.1, file.2, ...)."),
    *(key for client in ("qbittorrent", "transmission", "sabnzbd", "nzbget") for key in (
        Key(client, "categories", f"{client}_categories", "list", (),
            "Import only downloads in one of these categories (labels, tags); empty: all."),
        Key(client, "ignore", f"{client}_ignore", "list", (),
            "Never import downloads in one of these categories (labels, tags)."),
    )),
    *(key for client, url in (("qbittorrent", "http://127.0.0.1:8080"),
                              ("transmission", "http://127.0.0.1:9091/transmission/rpc"))
      for key in (
        Key(client, "url", f"{client}_url", "str", url, "Where the client's web API answers (for clean-up)."),
        Key(client, "username", f"{client}_username", "str", None, "The web API user name."),
        Key(client, "password", f"{client}_password", "secret", None,
            "The web API password (better: password_file or the environment)."),
        Key(client, "password_file", f"{client}_password_file", "path", None,
            "A file whose first line is the web API password."),
        Key(client, "cleanup", f"{client}_cleanup", "enum:" + ",".join(Cleanup), Cleanup.NEVER,
            "When to clean up a torrent in the client after its import."),
        Key(client, "delete_data", f"{client}_delete_data", "bool", False,
            "Clean-up removes the torrent's downloaded files too, not just the torrent."),
        Key(client, "imported_tag", f"{client}_imported_tag", "str", None,
            "Clean-up tags (labels) the torrent with this instead of removing it."),
    )),
    Key("qbittorrent", "imported_category", "qbittorrent_imported_category", "str", None,
        "Clean-up moves the torrent to this category instead of removing it."),
    Key("notify", "urls", "notify_urls", "urls", (), "Apprise URLs that get a summary of each run."),
    Key("notify", "when", "notify_when", "enum:" + ",".join(NotifyWhen), NotifyWhen.CHANGES,
        "Which runs send a summary."),
    # -- never lose a file (issue 5) --
    Key("import", "verify", "verify", "enum:" + ",".join(Verify), Verify.SIZE,
        "How a copy is checked before it gets its name: size, or hash (SHA-256 of source and copy)."),
    Key("import", "min_age", "min_age", "count", 60,
        "Seconds a file must be unchanged before a scan imports it (0: no wait)."),
    Key("import", "min_free_mb", "min_free_mb", "count", 100,
        "Megabytes that must stay free on the library's disk after a copy."),
    Key("import", "lock_wait", "lock_wait", "count", 60,
        "Seconds a scan waits for another run on the same library before it gives up (exit 0)."),
    Key("library", "busy_timeout", "busy_timeout", "count", 60,
        "Seconds a run waits while another program (Mydia) writes to the database, before it fails (exit 1)."),
    Key("permissions", "file_mode", "file_mode", "mode", None,
        "Mode of the files the tool creates, in octal (\"0664\"); unset: the umask decides."),
    Key("permissions", "folder_mode", "folder_mode", "mode", None,
        "Mode of the folders the tool creates, in octal (\"2775\"); unset: the umask decides."),
    Key("permissions", "group", "group", "str", None,
        "Group (name or gid) given to the files and folders the tool creates."),
    Key("recycle", "path", "recycle_path", "path", None,
        "Where replaced files go (default: .mydia-recycle in their library folder)."),
    Key("recycle", "days", "recycle_days", "count", 30,
        "Days a replaced file is kept in the recycle folder before a run deletes it (0: for ever)."),
    # -- history that stays small --
    Key("history", "keep_days", "history_keep_days", "count", 90,
        "Days import jobs stay in the history before a run prunes them (0: for ever)."),
    Key("history", "keep_jobs", "history_keep_jobs", "count", 0,
        "How many of the newest import jobs the history keeps at most (0: no limit)."),
    # -- identification (issue 4) --
    Key("import", "extras", "extras", "enum:skip,import", "skip",
        "Extras (Featurettes/, -trailer, ...): skip them, or import them into the Plex/Jellyfin "
        "extras folders of their movie or show."),
    Key("import", "nfo", "nfo", "bool", False, "Carry a release's .nfo along beside its video."),
    Key("import", "ffprobe", "ffprobe", "str", "auto",
        "Tell samples by their runtime with ffprobe: auto (if on PATH), off, or the program's path."),
    # -- one file per movie and episode (issue 13) --
    Key("import", "upgrade_until", "upgrade_until", "quality", None,
        'Stop upgrading once a library file reaches this quality ("1080p BluRay", "2160p", "WEB-DL"); '
        "a PROPER of the same quality still replaces it. Unset: upgrade to the best there is."),
    # -- tidy folders, small truths --
    Key("import", "keep_mtime", "keep_mtime", "bool", True,
        "A copy (and a move across filesystems) keeps the source's modification and access times."),
    Key("downloads", "remove_emptied_folders", "remove_emptied_folders", "bool", True,
        "After --mode move, remove a release folder left holding nothing but junk and samples."),
    Key("metadata", "lookup", "metadata_lookup", "bool", True,
        "`library add` looks titles up at TVmaze and TMDB, and a scan refreshes a known show "
        "with an unknown episode (`--offline` / `--lookup` decide per command)."),
    Key("metadata", "add_unknown", "metadata_add_unknown", "enum:never,confident,ask", "never",
        "A scan meeting a title the library lacks: never look it up, add it when one candidate "
        "is certain, or ask in a terminal."),
    Key("metadata", "tmdb_api_key", "tmdb_api_key", "secret", None,
        "TMDB API key (v3) or read-access token (better: tmdb_api_key_file or the environment)."),
    Key("metadata", "tmdb_api_key_file", "tmdb_api_key_file", "path", None,
        "A file whose first line is the TMDB API key or read-access token."),
    Key("metadata", "tvmaze_url", "tvmaze_url", "str", "https://api.tvmaze.com", "TVmaze's API."),
    Key("metadata", "tmdb_url", "tmdb_url", "str", "https://api.themoviedb.org/3", "TMDB's API (v3)."),
    Key("metadata", "cache", "metadata_cache", "path", default_metadata_cache,
        "Where provider answers are kept between runs."),
    Key("metadata", "cache_days", "metadata_cache_days", "count", 7,
        "How long a provider answer is reused before it is asked again (0: never reused)."),
    Key("metadata", "timeout", "metadata_timeout", "count", 10,
        "Seconds to wait for a provider's answer."),
    Key("downloads", "junk_extensions", "junk_extensions", "list", tidy.DEFAULT_JUNK_EXTENSIONS,
        "Extensions of the files a release folder may hold and still count as emptied by a move."),
    Key("archives", "extract", "archives_extract", "bool", True,
        "Extract releases that hold only archives (RAR, ZIP, 7z) and import what they hold."),
    Key("archives", "work_folder", "archives_work_folder", "path", None,
        "Where sets are extracted; by default a hidden .mydia-extract folder beside the release."),
    Key("archives", "max_size_gb", "archives_max_size_gb", "count", 500,
        "The most a set may extract, in GB: a set announcing more (a zip bomb) is refused."),
)


@dataclass(frozen=True)
class TableList:
    """An array of tables ([[path_map]]): each entry's fields and their types."""

    name: str
    attr: str
    fields: Mapping[str, str]  # field -> type as for Key, or "pairs:a,b" (a list of {a, b} tables)
    required: tuple[str, ...]
    help: str


TABLE_LISTS: tuple[TableList, ...] = (
    TableList("path_map", "path_maps", {"remote": "str", "local": "path"}, ("remote", "local"),
              "A download client's path prefix and where the same folder is here."),
    TableList("media_servers", "media_servers",
              {"kind": "enum:plex,jellyfin,emby", "url": "str", "token": "secret", "token_file": "path",
               "section": "str", "name": "str", "path_map": "pairs:local,server"},
              ("kind", "url"), "A Plex, Jellyfin or Emby server to refresh after an import."),
)
_TABLE_LISTS = {table.name: table for table in TABLE_LISTS}

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
    # Unattended runs, download clients, media servers and notifications (issue 6): the
    # defaults here only serve code that builds Settings by hand; load_settings fills all.
    log_file: Path | None = None
    log_max_bytes: int = 1_000_000
    log_backups: int = 3
    qbittorrent_categories: tuple[str, ...] = ()
    qbittorrent_ignore: tuple[str, ...] = ()
    qbittorrent_url: str = "http://127.0.0.1:8080"
    qbittorrent_username: str | None = None
    qbittorrent_password: str | None = None
    qbittorrent_password_file: Path | None = None
    qbittorrent_cleanup: Cleanup = Cleanup.NEVER
    qbittorrent_delete_data: bool = False
    qbittorrent_imported_tag: str | None = None
    qbittorrent_imported_category: str | None = None
    transmission_categories: tuple[str, ...] = ()
    transmission_ignore: tuple[str, ...] = ()
    transmission_url: str = "http://127.0.0.1:9091/transmission/rpc"
    transmission_username: str | None = None
    transmission_password: str | None = None
    transmission_password_file: Path | None = None
    transmission_cleanup: Cleanup = Cleanup.NEVER
    transmission_delete_data: bool = False
    transmission_imported_tag: str | None = None
    sabnzbd_categories: tuple[str, ...] = ()
    sabnzbd_ignore: tuple[str, ...] = ()
    nzbget_categories: tuple[str, ...] = ()
    nzbget_ignore: tuple[str, ...] = ()
    notify_urls: tuple[str, ...] = ()
    notify_when: NotifyWhen = NotifyWhen.CHANGES
    path_maps: tuple[Mapping[str, object], ...] = ()  # [[path_map]] entries
    media_servers: tuple[Mapping[str, object], ...] = ()  # [[media_servers]] entries
    # Never lose a file (issue 5); defaults as in KEYS, for code that builds Settings by hand.
    verify: Verify = Verify.SIZE
    min_age: int = 60
    min_free_mb: int = 100
    lock_wait: int = 60
    busy_timeout: int = 60
    file_mode: str | None = None
    folder_mode: str | None = None
    group: str | None = None
    recycle_path: Path | None = None
    recycle_days: int = 30
    # History retention; defaults as in KEYS.
    history_keep_days: int = 90
    history_keep_jobs: int = 0
    # Identification (issue 4); defaults as in KEYS.
    extras: str = "skip"
    nfo: bool = False
    ffprobe: str = "auto"
    # One file per movie and episode (issue 13); defaults as in KEYS.
    upgrade_until: str | None = None
    # Tidy folders, small truths; defaults as in KEYS.
    keep_mtime: bool = True
    remove_emptied_folders: bool = True
    junk_extensions: tuple[str, ...] = tidy.DEFAULT_JUNK_EXTENSIONS
    # Archives (issue 17); defaults as in KEYS.
    archives_extract: bool = True
    archives_work_folder: Path | None = None
    archives_max_size_gb: int = 500
    # Metadata providers (issue 16); defaults as in KEYS. Network only when asked.
    metadata_lookup: bool = True
    metadata_add_unknown: str = "never"
    tmdb_api_key: str | None = None
    tmdb_api_key_file: Path | None = None
    tvmaze_url: str = "https://api.tvmaze.com"
    tmdb_url: str = "https://api.themoviedb.org/3"
    metadata_cache: Path | None = None
    metadata_cache_days: int = 7
    metadata_timeout: int = 10


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
        if section in _TABLE_LISTS:  # [[path_map]], [[media_servers]]: arrays of tables
            table_list = _TABLE_LISTS[section]
            values[table_list.attr] = _checked_tables(where, table_list, table, path.parent)
            continue
        if not isinstance(table, dict):  # `mode = "copy"` above every [section] header
            raise ConfigError(f"{where}: {section} = {_show(table)} must be inside a section; "
                              f"known sections: {', '.join(sorted([*_SECTIONS, *_TABLE_LISTS]))}")
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

    values.setdefault("path_maps", ())
    values.setdefault("media_servers", ())
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
    return [(key.section, key.name, _masked(key, _plain(getattr(settings, key.attr))),
             settings.origins.get(key.dotted, "default")) for key in KEYS]


def describe_tables(settings: Settings) -> list[tuple[str, int, dict[str, object]]]:
    """([[table]] name, 1-based position, entry) for each array-of-tables entry, secrets masked."""
    return [(table.name, n, {field: _masked(Key(table.name, field, field, table.fields[field], None, ""),
                                            _plain(value)) for field, value in entry.items()})
            for table in TABLE_LISTS for n, entry in enumerate(getattr(settings, table.attr), 1)]


def _masked(key: Key, value: object) -> object:
    """A value fit to print: passwords and tokens hidden, notification URLs reduced to their scheme."""
    if value is None or value == () or value == "":
        return value
    if key.type == "secret":
        return "********"
    if key.type == "urls":
        return [url.split("://", 1)[0] + "://********" for url in value]
    return value


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
        if any(key.type == "secret" and given[key.section, key.name] is not None for key in keys):
            mode &= 0o700  # a password or token: for the owner's eyes only
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


_EXPECTED = {"path": "a path", "str": "a string", "secret": "a string", "list": "a list of strings",
             "urls": "a list of URLs", "template:movie": "a naming template",
             "template:episode": "a naming template", "quality": 'a quality such as "1080p BluRay"',
             "float": "a number", "int": "a whole number",
             "bool": "true or false", "fraction": "a number between 0 and 1",
             "count": "a whole number, 0 or more", "mode": 'an octal mode such as "0664" or "2775"'}
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
                          f"known sections: {', '.join(sorted([*_SECTIONS, *_TABLE_LISTS]))}")
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
    if key.type == "quality":
        # Loaded only for a quality key that is set: the ranking table brings the library's
        # modules with it, which no other setting needs.
        from mydia_import.plan import quality

        try:
            quality.parse_cutoff(str(value))
        except ValueError as error:
            raise ConfigError(f"{subject} = {_show(raw)} is not a quality: {error}") from None
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
    elif kind in ("str", "secret", "quality") or kind.startswith("template:"):
        if isinstance(raw, str):
            return raw
    elif kind in ("list", "urls"):
        if from_text and isinstance(raw, str):  # env: "movies, tv"; URLs apart by spaces
            raw = raw.split() if kind == "urls" else raw.split(",")
        if isinstance(raw, str) and kind == "urls":
            raw = [raw]
        if isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
            return tuple(item.strip() for item in raw if item.strip())
    elif kind == "mode":  # "0664", "664" or TOML's 0o664; kept as 4 octal digits
        text = raw if isinstance(raw, str) else f"{raw:o}" if isinstance(raw, int) and not isinstance(raw, bool) else ""
        if 3 <= len(text.strip()) <= 4 and all(c in "01234567" for c in text.strip()):
            return text.strip().rjust(4, "0")
    elif kind == "count":
        if from_text and isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
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
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _checked_tables(where: str, table: TableList, raw: object, base: Path) -> tuple[dict[str, object], ...]:
    """The entries of one [[table]] array, each field converted to its type."""
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise ConfigError(f"{where}: {table.name} must be written as [[{table.name}]] tables")
    entries = []
    for n, entry in enumerate(raw, 1):
        subject = f"{where}: [[{table.name}]] entry {n}"
        unknown = sorted(set(entry) - set(table.fields))
        if unknown:
            raise ConfigError(f"{subject}: unknown key {unknown[0]}; known keys: {', '.join(table.fields)}")
        missing = [name for name in table.required if name not in entry]
        if missing:
            raise ConfigError(f"{subject} lacks {' and '.join(missing)}")
        converted: dict[str, object] = {}
        for name, value in entry.items():
            kind = table.fields[name]
            if kind.startswith("pairs:"):
                converted[name] = _checked_pairs(f"{subject}: {name}", kind, value)
                continue
            try:
                if kind.startswith("enum:"):  # plain text: these enums have no StrEnum
                    if value not in kind.removeprefix("enum:").split(","):
                        raise _Invalid
                    converted[name] = value
                else:
                    converted[name] = _convert(Key(table.name, name, name, kind, None, ""), value, base)
            except _Invalid:
                expected = _EXPECTED.get(kind) or "one of " + kind.removeprefix("enum:").replace(",", ", ")
                raise ConfigError(f"{subject}: {name} = {_show(value)} is not valid; expected {expected}") from None
        entries.append(converted)
    return tuple(entries)


def _checked_pairs(subject: str, kind: str, raw: object) -> tuple[tuple[str, str], ...]:
    """path_map = [{local = "/a", server = "/b"}, ...] as ((local, server), ...)."""
    first, second = kind.removeprefix("pairs:").split(",")
    pairs = []
    for item in raw if isinstance(raw, list) else [None]:
        if not (isinstance(item, dict) and set(item) == {first, second}
                and all(isinstance(v, str) and v for v in item.values())):
            raise ConfigError(f"{subject} = {_show(raw)} is not valid; expected a list of "
                              f'{{{first} = "...", {second} = "..."}} tables')
        pairs.append((item[first], item[second]))
    return tuple(pairs)



def _show(value: object) -> str:
    """A value about as TOML writes it (quoted strings, true/false), for error messages."""
    return json.dumps(value, ensure_ascii=False, default=str)
