"""Every setting declared once, with its default, its environment variable and one line of help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from atlas_ld.uris import DEFAULT_BASE_URI


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, "") or default)


def _env_words(name: str, default: str = "") -> tuple[str, ...]:
    return tuple(os.environ.get(name, default).split())


@dataclass(frozen=True)
class Settings:
    """Settings shared by the CLI and the web app; `help` metadata is what the CLI and README show."""

    store: Path | str = field(
        default_factory=lambda: _env("ATLAS_LD_STORE", "atlas-data"),
        metadata={
            "env": "ATLAS_LD_STORE",
            "help": "Data folder (the embedded Oxigraph store, rejected records, dumps), or the query URL of a "
            "SPARQL 1.1 server to use as the store instead.",
        },
    )
    store_update_url: str = field(
        default_factory=lambda: _env("ATLAS_LD_STORE_UPDATE_URL", ""),
        metadata={
            "env": "ATLAS_LD_STORE_UPDATE_URL",
            "help": "With a SPARQL server as the store: its update URL (default: the query URL, '/query' made "
            "'/update'). Credentials come from ATLAS_LD_STORE_TOKEN, or ATLAS_LD_STORE_USER and _PASSWORD.",
        },
    )
    store_graph_store_url: str = field(
        default_factory=lambda: _env("ATLAS_LD_STORE_GRAPH_STORE_URL", ""),
        metadata={
            "env": "ATLAS_LD_STORE_GRAPH_STORE_URL",
            "help": "With a SPARQL server as the store: its Graph Store Protocol URL; set, ingest replaces each "
            "project graph with a PUT (faster than SPARQL Update on Virtuoso), else with one update per batch.",
        },
    )
    store_union_parameters: str = field(
        default_factory=lambda: _env("ATLAS_LD_STORE_UNION_PARAMETERS", ""),
        metadata={
            "env": "ATLAS_LD_STORE_UNION_PARAMETERS",
            "help": "With a SPARQL server as the store: query parameters that make its default graph the union of "
            "its named graphs ('union-default-graph' for Oxigraph's server, 'default-graph-uri=urn:x-arq:UnionGraph' "
            "for Fuseki; empty for Virtuoso and QLever, whose default graph is that union).",
        },
    )
    data_dir: Path = field(
        default_factory=lambda: Path(_env("ATLAS_LD_DATA_DIR", "atlas-data")),
        metadata={
            "env": "ATLAS_LD_DATA_DIR",
            "help": "With a SPARQL server as the store: the folder for the dumps and the rejected records.",
        },
    )
    base_uri: str = field(
        default_factory=lambda: _env("ATLAS_LD_BASE_URI", DEFAULT_BASE_URI),
        metadata={"env": "ATLAS_LD_BASE_URI", "help": "Base of every minted URI; ends with '/'."},
    )
    catalog_title: str = field(
        default_factory=lambda: _env(
            "ATLAS_LD_CATALOG_TITLE", "Atlas français de la coopération décentralisée (données liées)"
        ),
        metadata={"env": "ATLAS_LD_CATALOG_TITLE", "help": "Title of the dataset in VoID and DCAT (French)."},
    )
    catalog_title_en: str = field(
        default_factory=lambda: _env(
            "ATLAS_LD_CATALOG_TITLE_EN", "French atlas of decentralised cooperation (linked data)"
        ),
        metadata={"env": "ATLAS_LD_CATALOG_TITLE_EN", "help": "Title of the dataset in VoID and DCAT (English)."},
    )
    publisher_name: str = field(
        default_factory=lambda: _env("ATLAS_LD_PUBLISHER_NAME", "Ministère de l'Europe et des Affaires étrangères"),
        metadata={"env": "ATLAS_LD_PUBLISHER_NAME", "help": "Name of the publisher in VoID and the catalogue."},
    )
    publisher_uri: str = field(
        default_factory=lambda: _env("ATLAS_LD_PUBLISHER_URI", "https://www.diplomatie.gouv.fr/"),
        metadata={"env": "ATLAS_LD_PUBLISHER_URI", "help": "IRI of the publisher (a foaf:Agent), also its home page."},
    )
    license_uri: str = field(
        default_factory=lambda: _env("ATLAS_LD_LICENSE_URI", "https://www.etalab.gouv.fr/licence-ouverte-open-licence"),
        metadata={"env": "ATLAS_LD_LICENSE_URI", "help": "IRI of the data licence (default: Licence Ouverte 2.0)."},
    )
    license_name: str = field(
        default_factory=lambda: _env("ATLAS_LD_LICENSE_NAME", "Licence Ouverte / Open Licence 2.0"),
        metadata={"env": "ATLAS_LD_LICENSE_NAME", "help": "Name of the data licence, shown next to its IRI."},
    )
    contact_email: str = field(
        default_factory=lambda: _env("ATLAS_LD_CONTACT_EMAIL", ""),
        metadata={"env": "ATLAS_LD_CONTACT_EMAIL", "help": "E-mail of the catalogue's contact point (none if empty)."},
    )
    contact_url: str = field(
        default_factory=lambda: _env("ATLAS_LD_CONTACT_URL", "https://www.diplomatie.gouv.fr/"),
        metadata={"env": "ATLAS_LD_CONTACT_URL", "help": "Web page of the catalogue's contact point."},
    )
    personal_data: bool = field(
        default_factory=lambda: not _env_flag("ATLAS_LD_NO_PERSONAL_DATA"),
        metadata={
            "env": "ATLAS_LD_NO_PERSONAL_DATA",
            "inverted": True,
            "help": "Set, ingest leaves persons (embassy staff, partner contacts, volunteers: names, e-mails) out of "
            "the store, and withdraws those stored before, so no page, dump or query shows them.",
        },
    )

    enable_update: bool = field(
        default_factory=lambda: _env_flag("ATLAS_LD_ENABLE_UPDATE"),
        metadata={
            "env": "ATLAS_LD_ENABLE_UPDATE",
            "help": "Accept SPARQL Update (/sparql, /update) and the Graph Store Protocol (/store) from requests "
            "that carry the update token; off, the server is read-only.",
        },
    )
    update_token: str = field(
        default_factory=lambda: _env("ATLAS_LD_UPDATE_TOKEN", ""),
        repr=False,
        metadata={
            "env": "ATLAS_LD_UPDATE_TOKEN",
            "help": "Token that update requests send as 'Authorization: Bearer <token>'; read from the environment "
            "only, never from a flag, so that it stays out of process listings and shell history.",
            "secret": True,
        },
    )
    service_allowlist: tuple[str, ...] = field(
        default_factory=lambda: _env_words("ATLAS_LD_SERVICE_ALLOWLIST"),
        metadata={
            "env": "ATLAS_LD_SERVICE_ALLOWLIST",
            "help": "SPARQL endpoints that a query may call with SERVICE, separated by spaces; empty (the default), "
            "every SERVICE is refused and the server makes no request on a query's behalf.",
        },
    )
    max_body_bytes: int = field(
        default_factory=lambda: _env_int("ATLAS_LD_MAX_BODY_BYTES", 1 << 20),
        metadata={"env": "ATLAS_LD_MAX_BODY_BYTES", "help": "Largest request body accepted, in bytes; larger get 413."},
    )
    max_url_length: int = field(
        default_factory=lambda: _env_int("ATLAS_LD_MAX_URL_LENGTH", 8192),
        metadata={
            "env": "ATLAS_LD_MAX_URL_LENGTH",
            "help": "Longest request target (path and query string) accepted, in bytes; longer get 414, so send "
            "long queries by POST.",
        },
    )
    max_header_bytes: int = field(
        default_factory=lambda: _env_int("ATLAS_LD_MAX_HEADER_BYTES", 16 * 1024),
        metadata={
            "env": "ATLAS_LD_MAX_HEADER_BYTES",
            "help": "Largest total size of a request's header fields (names and values), in bytes; larger get 431.",
        },
    )
    query_timeout: float = field(
        default_factory=lambda: _env_float("ATLAS_LD_QUERY_TIMEOUT", 30.0),
        metadata={
            "env": "ATLAS_LD_QUERY_TIMEOUT",
            "help": "Seconds a SPARQL query may take, from its arrival to its last byte; at the deadline its work is "
            "stopped (its worker process killed) and the client gets 503, or a cut stream if results had started.",
        },
    )
    max_rows: int = field(
        default_factory=lambda: _env_int("ATLAS_LD_MAX_ROWS", 100_000),
        metadata={
            "env": "ATLAS_LD_MAX_ROWS",
            "help": "Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in a query's answer; a longer answer is cut "
            "there and marked with the response header 'Atlas-LD-Truncated: true'. 0: no cap.",
        },
    )
    query_cache_bytes: int = field(
        default_factory=lambda: _env_int("ATLAS_LD_QUERY_CACHE_BYTES", 256 << 20),
        metadata={
            "env": "ATLAS_LD_QUERY_CACHE_BYTES",
            "help": "Memory for answers kept until the store's next write, in bytes (an answer of more than a "
            "quarter of it is not kept); the same query asked by several clients at once runs once. 0: none kept "
            "(set it behind a SPARQL server that other programs write to, other than atlas-ld ingest).",
        },
    )
    query_workers: int = field(
        default_factory=lambda: _env_int("ATLAS_LD_QUERY_WORKERS", 2),
        metadata={
            "env": "ATLAS_LD_QUERY_WORKERS",
            "help": "Processes that run SPARQL queries over the embedded store, each with the store open read-only; "
            "a query that overruns its deadline takes one down, and it is replaced.",
        },
    )
    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: _env_words("ATLAS_LD_CORS_ORIGINS", "*"),
        metadata={
            "env": "ATLAS_LD_CORS_ORIGINS",
            "help": "Origins whose web pages may read the server's answers (CORS), separated by spaces; '*' for any.",
        },
    )

    @property
    def remote_store(self) -> str | None:
        """The query URL of the SPARQL server that is the store, if `store` names one."""
        return str(self.store) if str(self.store).startswith(("http://", "https://")) else None

    @property
    def data_folder(self) -> Path:
        """Where the embedded store (if any), the dumps and the rejected records are."""
        return self.data_dir if self.remote_store else Path(self.store)

    def environment(self) -> dict[str, str]:
        """The settings as the environment variables that give them back: `Settings()` in another process
        (a server's worker) then equals this one."""
        variables = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("inverted"):
                value = not value
            if isinstance(value, bool):
                text = "1" if value else ""
            elif isinstance(value, tuple):
                text = " ".join(value)
            else:
                text = str(value)
            variables[f.metadata["env"]] = text
        return variables

    @classmethod
    def documented(cls) -> dict[str, str]:
        """Setting name → help text, for docs and the test that every setting is documented."""
        return {f.name: f.metadata["help"] for f in fields(cls)}
