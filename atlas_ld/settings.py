"""Every setting declared once: its type, default, environment variable, help text and command-line flag."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from atlas_ld import __version__
from atlas_ld.uris import DEFAULT_BASE_URI

ENV_PREFIX = "ATLAS_LD_"
# What a flag variable (ATLAS_LD_ENABLE_UPDATE=...) may say to be on; anything else, empty included, is off.
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
# The `commands` of a setting whose flag every command takes.
EVERY_COMMAND = ("ingest", "validate", "dump", "stats", "serve", "harvest", "update")
_READERS = tuple(c for c in EVERY_COMMAND if c != "harvest")  # harvest never reads the store
# The commands that write the store or serve it: only they use its update URLs and the data folder.
_WRITERS = ("ingest", "serve", "update")


def _setting(
    default: Any,
    description: str,
    *,
    flag: str | None = None,
    metavar: str = "",
    commands: tuple[str, ...] = (),
    panel: str = "",
    env: str | None = None,
    inverted: bool = False,
    secret: bool = False,
) -> Any:
    """A field whose extras say how the command line offers it, so that the flags are made from this table."""
    extra: dict[str, Any] = {"commands": list(commands)} if flag else {}
    if flag:
        extra.update(flag=flag, metavar=metavar, panel=panel)
    if env:
        extra["env"] = env
    if inverted:
        extra["inverted"] = True
    if secret:
        extra["secret"] = True
    return Field(default, description=description, json_schema_extra=extra or None, repr=not secret)


class _Environment(EnvSettingsSource):
    """The environment as before: ATLAS_LD_<NAME> for each setting, except that a setting read through its
    opposite (`personal_data` from ATLAS_LD_NO_PERSONAL_DATA) takes the inverse of that variable's flag."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        extra = _extras(field)
        if not extra.get("inverted"):
            return super().get_field_value(field, field_name)
        name = str(extra["env"])
        text = self.env_vars.get(name if self.case_sensitive else name.lower())
        return (None if text is None else not _is_on(text)), field_name, False


def _extras(field: FieldInfo) -> dict[str, Any]:
    extra = field.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _is_on(text: str) -> bool:
    return text.strip().lower() in _TRUE_WORDS


class Settings(BaseSettings):
    """Settings shared by the CLI and the web app: keyword arguments beat the environment, which beats the
    defaults; each field's description is what the CLI and the README show."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    store: Path | str = _setting(
        "atlas-data",
        "Data folder (the embedded Oxigraph store, rejected records, dumps), or the query URL of a SPARQL 1.1 "
        "server to use as the store instead.",
        flag="--store",
        metavar="DIR|URL",
        commands=EVERY_COMMAND,
        panel="Store",
    )
    store_update_url: str = _setting(
        "",
        "With a SPARQL server as the store: its update URL (default: the query URL, '/query' made '/update'). "
        "Credentials come from ATLAS_LD_STORE_TOKEN, or ATLAS_LD_STORE_USER and _PASSWORD.",
        flag="--store-update-url",
        metavar="URL",
        commands=_WRITERS,
        panel="Store",
    )
    store_graph_store_url: str = _setting(
        "",
        "With a SPARQL server as the store: its Graph Store Protocol URL; set, ingest replaces each project graph "
        "with a PUT (faster than SPARQL Update on Virtuoso), else with one update per batch.",
        flag="--store-graph-store-url",
        metavar="URL",
        commands=_WRITERS,
        panel="Store",
    )
    store_union_parameters: str = _setting(
        "",
        "With a SPARQL server as the store: query parameters that make its default graph the union of its named "
        "graphs ('union-default-graph' for Oxigraph's server, 'default-graph-uri=urn:x-arq:UnionGraph' for "
        "Fuseki; empty for Virtuoso and QLever, whose default graph is that union).",
        flag="--store-union-parameters",
        metavar="PARAMS",
        commands=_READERS,
        panel="Store",
    )
    data_dir: Path = _setting(
        Path("atlas-data"),
        "With a SPARQL server as the store: the folder for the dumps, the rejected records and the harvest mirror.",
        flag="--data-dir", metavar="DIR", commands=(*_WRITERS, "harvest"), panel="Store",
    )
    base_uri: str = _setting(
        DEFAULT_BASE_URI,
        "Base of every minted URI; ends with '/'.",
        flag="--base-uri",
        metavar="URI",
        commands=EVERY_COMMAND,
        panel="Store",
    )
    catalog_title: str = _setting(
        "Atlas français de la coopération décentralisée (données liées)",
        "Title of the dataset in VoID and DCAT (French).",
    )
    catalog_title_en: str = _setting(
        "French atlas of decentralised cooperation (linked data)", "Title of the dataset in VoID and DCAT (English)."
    )
    publisher_name: str = _setting(
        "Ministère de l'Europe et des Affaires étrangères", "Name of the publisher in VoID and the catalogue."
    )
    publisher_uri: str = _setting(
        "https://www.diplomatie.gouv.fr/", "IRI of the publisher (a foaf:Agent), also its home page."
    )
    license_uri: str = _setting(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "IRI of the data licence (default: Licence Ouverte 2.0).",
    )
    license_name: str = _setting(
        "Licence Ouverte / Open Licence 2.0", "Name of the data licence, shown next to its IRI."
    )
    contact_email: str = _setting("", "E-mail of the catalogue's contact point (none if empty).")
    contact_url: str = _setting("https://www.diplomatie.gouv.fr/", "Web page of the catalogue's contact point.")
    harvest_site: str = _setting(
        "https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/",
        "Site that harvest fetches detail pages from: a project's page is {site}detailProjet.html?criteres.prjId={id}.",
        flag="--site", metavar="URL", commands=("harvest", "update"), panel="Harvest",
    )
    harvest_rate: float = _setting(
        1.0,
        "Most requests per second that harvest sends, one at a time; a robots.txt Crawl-delay can only slow it.",
        flag="--rate", metavar="R", commands=("harvest", "update"), panel="Harvest",
    )
    harvest_contact: str = _setting(
        "",
        "How the site can reach whoever harvests it (URL or mailto:), in the User-Agent; empty: ATLAS_LD_CONTACT_URL.",
        flag="--contact", metavar="URL", commands=("harvest", "update"), panel="Harvest",
    )
    personal_data: bool = _setting(
        True,
        "Set, ingest leaves persons (embassy staff, partner contacts, volunteers: names, e-mails) out of the store, "
        "and withdraws those stored before, so no page, dump or query shows them.",
        flag="--no-personal-data",
        commands=("ingest", "update"),
        env="ATLAS_LD_NO_PERSONAL_DATA",
        inverted=True,
    )
    enable_update: bool = _setting(
        False,
        "Accept SPARQL Update (/sparql, /update) and the Graph Store Protocol (/store) from requests that carry the "
        "update token; off, the server is read-only.",
        flag="--enable-update",
        commands=("serve",),
        panel="Server",
    )
    update_token: str = _setting(
        "",
        "Token that update requests send as 'Authorization: Bearer <token>'; read from the environment only, never "
        "from a flag, so that it stays out of process listings and shell history.",
        secret=True,
    )
    service_allowlist: Annotated[tuple[str, ...], NoDecode] = _setting(
        (),
        "SPARQL endpoints that a query may call with SERVICE, separated by spaces; empty (the default), every "
        "SERVICE is refused and the server makes no request on a query's behalf.",
        flag="--service-allowlist",
        metavar="URLS",
        commands=("serve",),
        panel="Server",
    )
    max_body_bytes: int = _setting(
        1 << 20,
        "Largest request body accepted, in bytes; larger get 413.",
        flag="--max-body-bytes",
        metavar="BYTES",
        commands=("serve",),
        panel="Server",
    )
    max_url_length: int = _setting(
        8192,
        "Longest request target (path and query string) accepted, in bytes; longer get 414, so send long queries "
        "by POST.",
        flag="--max-url-length",
        metavar="BYTES",
        commands=("serve",),
        panel="Server",
    )
    max_header_bytes: int = _setting(
        16 * 1024,
        "Largest total size of a request's header fields (names and values), in bytes; larger get 431.",
        flag="--max-header-bytes",
        metavar="BYTES",
        commands=("serve",),
        panel="Server",
    )
    query_timeout: float = _setting(
        30.0,
        "Seconds a SPARQL query may take, from its arrival to its last byte; at the deadline its work is stopped "
        "(its worker process killed) and the client gets 503, or a cut stream if results had started.",
        flag="--query-timeout",
        metavar="SECONDS",
        commands=("serve",),
        panel="Server",
    )
    max_rows: int = _setting(
        100_000,
        "Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in a query's answer; a longer answer is cut there and "
        "marked with the response header 'Atlas-LD-Truncated: true'. 0: no cap.",
        flag="--max-rows",
        metavar="ROWS",
        commands=("serve",),
        panel="Server",
    )
    query_cache_bytes: int = _setting(
        256 << 20,
        "Memory for answers kept until the store's next write, in bytes (an answer of more than a quarter of it is "
        "not kept); the same query asked by several clients at once runs once. 0: none kept (set it behind a "
        "SPARQL server that other programs write to, other than atlas-ld ingest).",
        flag="--cache-bytes",
        metavar="BYTES",
        commands=("serve",),
        panel="Server",
    )
    page_cache_bytes: int = _setting(
        64 << 20,
        "Memory for descriptions and pages kept until the store's next write, in bytes: a resource asked again is "
        "answered without being described again. 0: none kept.",
        flag="--page-cache-bytes", metavar="BYTES", commands=("serve",), panel="Server",
    )
    page_threads: int = _setting(
        4,
        "Threads of each server process that build pages and descriptions at once; more requests wait their turn. "
        "They share one interpreter lock, so more threads make answers wait longer rather than come faster: under "
        "50 clients, 4 threads answered as many requests as 40, with a p99 of 0.69 s instead of 1.1 s. Raise it "
        "for a SPARQL server as the store, whose answers are waited for rather than computed.",
        flag="--page-threads", metavar="N", commands=("serve",), panel="Server",
    )
    query_workers: int = _setting(
        2,
        "Processes that run SPARQL queries over the embedded store, each with the store open read-only; a query "
        "that overruns its deadline takes one down, and it is replaced.",
        flag="--query-workers", metavar="N", commands=("serve",), panel="Server",
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = _setting(
        ("*",),
        "Origins whose web pages may read the server's answers (CORS), separated by spaces; '*' for any.",
        flag="--cors-origins",
        metavar="ORIGINS",
        commands=("serve",),
        panel="Server",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then the process environment: no .env file or secrets folder is read, so that what
        a worker process gets is exactly what `environment()` hands it."""
        return init_settings, _Environment(settings_cls)

    @field_validator("*", mode="before")
    @classmethod
    def _from_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Text as the environment variables have always been read: a flag is on for 1/true/yes/on and off for
        anything else (empty, the off value `environment()` writes, included); an empty number is its default;
        a list is words separated by spaces."""
        if not isinstance(value, str) or info.field_name is None:
            return value
        field = cls.model_fields[info.field_name]
        if field.annotation is bool:
            return _is_on(value)
        if field.annotation in (int, float) and not value.strip():
            return field.default
        if field.annotation == tuple[str, ...]:
            return tuple(value.split())
        return value

    @property
    def remote_store(self) -> str | None:
        """The query URL of the SPARQL server that is the store, if `store` names one; the one place that tells
        a server from a folder."""
        return str(self.store) if str(self.store).startswith(("http://", "https://")) else None

    @property
    def user_agent(self) -> str:
        """What harvest calls itself to the site: name, version, and how to reach whoever runs it."""
        return f"atlas-ld/{__version__} (+{self.harvest_contact or self.contact_url})"

    @property
    def data_folder(self) -> Path:
        """Where the embedded store (if any), the dumps and the rejected records are."""
        return self.data_dir if self.remote_store else Path(self.store)

    @classmethod
    def variable(cls, name: str) -> str:
        """The environment variable of setting `name`."""
        return str(_extras(cls.model_fields[name]).get("env", ENV_PREFIX + name.upper()))

    @classmethod
    def is_inverted(cls, name: str) -> bool:
        """Whether setting `name` is read through its opposite, as `personal_data` from ATLAS_LD_NO_PERSONAL_DATA."""
        return bool(_extras(cls.model_fields[name]).get("inverted"))

    @classmethod
    def flags(cls, command: str) -> dict[str, dict[str, Any]]:
        """Setting name → how `command` offers it as a flag (flag, metavar, panel), in declaration order; secrets
        have none, so that they stay out of process listings and shell history."""
        return {
            name: _extras(field)
            for name, field in cls.model_fields.items()
            if command in _extras(field).get("commands", ())
        }

    @classmethod
    def flag(cls, name: str) -> str | None:
        """The command-line flag of setting `name`, if it has one."""
        return _extras(cls.model_fields[name]).get("flag")

    def environment(self) -> dict[str, str]:
        """The settings as the environment variables that give them back: `Settings()` in another process
        (a server's worker) then equals this one."""
        variables = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if self.is_inverted(name):
                value = not value
            if isinstance(value, bool):
                text = "1" if value else ""
            elif isinstance(value, tuple):
                text = " ".join(value)
            else:
                text = str(value)
            variables[self.variable(name)] = text
        return variables

    @classmethod
    def documented(cls) -> dict[str, str]:
        """Setting name → help text, for docs and the test that every setting is documented."""
        return {name: field.description or "" for name, field in cls.model_fields.items()}

    @classmethod
    def default_text(cls, name: str) -> str:
        """The default of setting `name` as an operator would write it in its variable or flag."""
        default = cls.model_fields[name].default
        if cls.is_inverted(name):
            return "off"
        if isinstance(default, bool):
            return "on" if default else "off"
        return " ".join(default) if isinstance(default, tuple) else str(default)


def settings_table() -> str:
    """The README's table of settings, made from the fields so that the two cannot drift apart."""
    lines = ["| variable | what it sets | flag | default |", "| --- | --- | --- | --- |"]
    for name, description in Settings.documented().items():
        flag = Settings.flag(name)
        default = Settings.default_text(name)
        lines.append(
            f"| `{Settings.variable(name)}` | {description} | {f'`{flag}`' if flag else ''} | "
            f"{f'`{default}`' if default else ''} |"
        )
    return "\n".join(lines) + "\n"
