"""Stores: the archive behind its ports, on one SQLite file or on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from marsad.store.base import Store

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(address: str | Path) -> bool:
    return str(address).lower().startswith(POSTGRES_SCHEMES)


def open_store(address: str | Path) -> Store:
    """The store an address names: a PostgreSQL URL, or else an SQLite file (psycopg is
    imported only for the first, so a file archive never pays for it)."""
    if is_postgres(address):
        from marsad.store.postgres import PostgresStore

        return PostgresStore(str(address))
    from marsad.store.sqlite import SqliteStore

    return SqliteStore(address)
