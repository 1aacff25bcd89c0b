"""The archive on PostgreSQL: for archives that outgrow one file or are shared by many writers.

The same statements as SQLite (`marsad.store.sql.SqlStore`), through psycopg 3 and a small
connection pool: one connection writes, one reads, and the pool's others serve presence
checks. Writing transactions take one advisory lock (`WRITE_LOCK`), so writers from any number
of processes or machines run one at a time and change-log positions commit in order (a consumer
reading after its cursor never skips a later-committed lower position). Segmentation, the costly
part of ingest, runs in parallel before it.

The search index derived from the archive lives on the machine that builds it: under
`$MARSAD_HOME` (default `~/.local/share/marsad`), in a folder named by the archive's id.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool

from marsad.store.sql import CHUNK, SqlStore, migrations, pages_present

WRITE_LOCK = 0x6D61727361640001  # "marsad" + 1: the advisory lock every writing transaction holds
MIGRATE_LOCK = 0x6D61727361640002
CONNECT_TIMEOUT = 5  # seconds


def redacted(url: str) -> str:
    """A PostgreSQL URL without its password, to show in messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _placeholders(sql: str) -> str:
    """Marsad's statements are written with `?`; psycopg takes `%s`."""
    return sql.replace("?", "%s")


def index_home() -> Path:
    return Path(os.environ.get("MARSAD_HOME", "~/.local/share/marsad")).expanduser()


class PostgresPresence:
    """`PostgresStore.present_pages` for any process: opens its own connection on first use."""

    _connections: ClassVar[dict[tuple[str, int], psycopg.Connection[Any]]] = {}

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, page_ids: Sequence[str]) -> set[str]:
        key = (self.url, os.getpid())
        connection = self._connections.get(key)
        if connection is None or connection.closed:
            connection = self._connections[key] = psycopg.connect(self.url, autocommit=True)
        return pages_present(lambda sql, params: connection.execute(_placeholders(sql), params), page_ids)


class PostgresStore(SqlStore):
    """Store on a PostgreSQL database (`postgresql://user@host:port/dbname`), which must exist;
    its tables are made and migrated on first use."""

    _db: psycopg.Connection[Any]
    _reader: psycopg.Connection[Any]

    def __init__(self, url: str) -> None:
        self.url = url
        # one plain connection first: a server that cannot be reached fails in seconds, with
        # its reason, instead of the pool retrying in the background
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url, min_size=2, max_size=4, kwargs={"autocommit": True}, open=True, name="marsad"
        )
        try:
            self._db = self._pool.getconn()
            self._reader = self._pool.getconn()
            self._migrate()
        except BaseException:
            self._pool.close()
            raise

    def _q(self, sql: str) -> str:
        return _placeholders(sql)

    def _migrate(self) -> None:
        """Apply the bundled PostgreSQL migrations not applied yet, each in a transaction, under
        a lock so that processes opening a new archive together migrate it once."""
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATE_LOCK])
            self._db.execute("CREATE TABLE IF NOT EXISTS marsad_schema (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT MAX(version) FROM marsad_schema").fetchone()
            current = int(row[0]) if row and row[0] is not None else 0
            for version, sql in migrations("postgresql"):
                if version > current:
                    self._db.execute(sql.encode())  # a script: several statements, no parameters
                    self._db.execute("INSERT INTO marsad_schema (version) VALUES (%s)", [version])

    @property
    def schema_version(self) -> int:
        row = self._reader.execute("SELECT MAX(version) FROM marsad_schema").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    @property
    def address(self) -> str:
        return redacted(self.url)

    def presence(self) -> PostgresPresence:
        return PostgresPresence(self.url)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work, holding the archive's write lock until it commits."""
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            yield

    def _stream(self, sql: str) -> Iterator[list[tuple[Any, ...]]]:
        """A server-side cursor: a large table is never held whole in memory."""
        with self._reader.transaction(), self._reader.cursor(name="marsad_stream") as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(CHUNK):
                yield [tuple(row) for row in rows]

    def imported(self) -> None:
        """Rows copied in kept their change-log positions: the log's counter goes on after them."""
        self._run(
            "SELECT setval(pg_get_serial_sequence('article_changes', 'pos'),"
            " COALESCE((SELECT MAX(pos) FROM article_changes), 0) + 1, false)"
        )

    def derived_dir(self, name: str) -> Path:
        return index_home() / f"{self.archive_id}.{name}"

    def close(self) -> None:
        if not self._pool.closed:
            self._pool.putconn(self._reader)
            self._pool.putconn(self._db)
            self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
