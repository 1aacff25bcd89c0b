"""Opening an archive from its address, and the one-writer rule.

An address names an archive: a file path is the embedded SQLite archive (`marsad.db`), a
`postgresql://user@host:port/dbname` URL an archive in PostgreSQL (the database must exist; its
tables are made on first use). What can
go wrong is said in one sentence naming the archive (`ArchiveError`), so every shell (the CLI,
the web app) reports it the same way; `usage` tells a mistake in what was asked (a path that is
a folder, a file that is not an archive) from a failure of the moment (busy, locked).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from marsad.store import is_postgres, open_store
from marsad.store.base import Store
from marsad.store.sqlite import SqliteStore


class ArchiveError(Exception):
    """Something about an archive, in one sentence that names it."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage  # the request was wrong (exit 2), not the moment (exit 1)


class ArchiveBusy(ArchiveError):
    """Another process is writing the archive."""


def shown_address(address: str | Path) -> str:
    """An address as shown to people: a PostgreSQL URL loses its password."""
    if is_postgres(address):
        from marsad.store.postgres import redacted

        return redacted(str(address))
    return str(address)


def _path(address: str | Path) -> Path:
    return Path(str(address))


def check_address(address: str | Path, must_exist: bool = True) -> Path | str:
    """The archive file an address names (or its PostgreSQL URL), or what is wrong with it,
    before anything opens it."""
    if is_postgres(address):
        return str(address)
    path = _path(address)
    if path.is_dir():
        raise ArchiveError(
            f"{path} is a folder, not an archive file (--db names the SQLite file)", usage=True
        )
    if must_exist and not path.exists():
        raise ArchiveError(f"{path} does not exist (run `marsad ingest … --db {path}` first)", usage=True)
    folder = path.parent
    if not folder.is_dir():
        missing = "is not a folder" if folder.exists() else "does not exist"
        raise ArchiveError(f"cannot make the archive {path}: {folder} {missing}", usage=True)
    return path


def sqlite_error(path: Path, error: sqlite3.Error) -> ArchiveError:
    """An SQLite error as one sentence about the archive."""
    reason = str(error)
    if "not a database" in reason:
        return ArchiveError(f"{path} is not a Marsad archive ({reason})", usage=True)
    if "locked" in reason or "busy" in reason:
        return ArchiveBusy(f"{path} is busy: another process has been writing it for too long ({reason})")
    return ArchiveError(f"{path}: {reason}")


@contextmanager
def open_archive(address: str | Path, must_exist: bool = True) -> Iterator[Store]:
    """The archive at an address, closed at the end; its errors as `ArchiveError`s."""
    if is_postgres(address):
        with _open_postgres(str(address)) as store:
            yield store
        return
    path = _path(check_address(address, must_exist))
    try:
        store = SqliteStore(path)
    except sqlite3.Error as error:
        raise sqlite_error(path, error) from None
    try:
        yield store
    except sqlite3.Error as error:
        raise sqlite_error(path, error) from None
    finally:
        store.close()


@contextmanager
def _open_postgres(url: str) -> Iterator[Store]:
    """A PostgreSQL archive (psycopg is imported here only: a file archive never pays for it)."""
    import psycopg

    from marsad.store.postgres import redacted

    try:
        store = open_store(url)
    except (psycopg.Error, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ArchiveError(f"{redacted(url)}: cannot open the PostgreSQL archive ({reason})") from None
    try:
        yield store
    except psycopg.Error as error:
        raise ArchiveError(f"{redacted(url)}: {str(error).strip().splitlines()[0]}") from None
    finally:
        store.close()


@contextmanager
def writing(address: str | Path, wait: float) -> Iterator[None]:
    """One ingest writes an archive file at a time; another waits up to `wait` seconds, then is
    told the archive is busy. The archive itself is safe with several writers (transactions are
    serialized, and consumers read the change log from their cursors), but the search index
    beside the file takes one writer only, and interleaved ingests would each stall the other.

    The lock is an flock on `marsad.db.lock`, not on the SQLite file: closing any descriptor of
    that file would drop SQLite's own locks. The kernel releases it when the holder dies, even
    by kill -9; take it after a runner's workers are forked, so that none of them inherits it.
    A PostgreSQL archive needs no such lock: its writers take turns inside the database, and the
    search index (one per machine) says so itself when another ingest here is writing it."""
    if is_postgres(address):
        yield
        return
    path = _path(address)
    lock = path.with_name(path.name + ".lock")
    with lock.open("a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip()
                    who = f"another ingest (pid {holder})" if holder.isdigit() else "another ingest"
                    raise ArchiveBusy(
                        f"{path} is busy: {who} is writing it (lock {lock}; waited {wait:g} s, see --wait)"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
