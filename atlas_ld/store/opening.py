"""The store a command works on, chosen once from the settings: the data folder's embedded Oxigraph store, or the
SPARQL 1.1 server that `--store` names by its URL."""

from __future__ import annotations

from atlas_ld.settings import Settings
from atlas_ld.store.base import GraphStore
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.first_load import UNFINISHED
from atlas_ld.store.remote import RemoteEndpoint, RemoteStore
from atlas_ld.store.stamp import WriteStamp
from atlas_ld.uris import UriScheme


def open_store(settings: Settings, *, read_only: bool) -> GraphStore:
    """The store of `settings`. Raises FileNotFoundError when an embedded store to read has not been made yet,
    OSError when it cannot be opened (another process writing it), or to write when its first load is unfinished
    (`atlas-ld ingest` starts it again)."""
    if settings.remote_store:
        endpoint = RemoteEndpoint.of(
            settings.remote_store,
            update_url=settings.store_update_url or None,
            union_parameters=settings.store_union_parameters,
            graph_store_url=settings.store_graph_store_url or None,
        )
        return RemoteStore(
            endpoint,
            timeout=settings.query_timeout,
            graphs_under=UriScheme(settings.base_uri).graph(""),
            stamp=WriteStamp(settings.data_folder),
        )
    data = DataDir(settings.data_folder)
    if read_only and not data.has_store():
        raise FileNotFoundError(f"no store in {data.root}: run `atlas-ld ingest` first, or give --store DIR|URL")
    if not read_only and data.first_load.unfinished():
        raise OSError(UNFINISHED.format(store=data.oxigraph) + ": run `atlas-ld ingest` again, which starts it over")
    return data.open_store(read_only=read_only)
