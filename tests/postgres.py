"""PostgreSQL for the tests: one throwaway server per pytest session, one fresh database per test.

`postgres_server` (session) runs Debian's PostgreSQL (the newest /usr/lib/postgresql/*/bin) on a data
directory in a temp dir, listening on 127.0.0.1 only, on a free port, with its socket in that temp dir;
the session's end stops it (immediate mode: nothing in it is worth a clean shutdown) and deletes the
directory. As root the cluster belongs to the `postgres` user (initdb and the server refuse to run as
root); as anyone else it runs as that user. Without PostgreSQL installed the tests that ask for it are
skipped with the reason: `.ci/run` installs it on a fresh machine.

`postgres_url` (function) creates a database with a unique name on that server and yields its URL,
`postgresql://postgres@127.0.0.1:PORT/NAME`; the test's end drops it, closing whatever connection the
test left open.

tests/conftest.py imports both fixtures, so every test can ask for them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

DEBIAN_BINS = "/usr/lib/postgresql/*/bin"
SUPERUSER = "postgres"
HOST = "127.0.0.1"
# A throwaway test cluster: nothing in it must survive a crash, so skip every flush to disk; and room
# for a few connection pools (PostgreSQL's default is 100).
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=50")
NOT_INSTALLED = (
    "PostgreSQL not installed: .ci/run installs Debian's postgresql; on another machine run "
    "`apt-get install postgresql postgresql-contrib` (or put a PostgreSQL bin/ holding initdb and "
    "pg_ctl on PATH) to run the tests that need a database server"
)


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway server: connect over TCP to host:port as `user`, no password (trust)."""

    host: str
    port: int
    user: str
    bin_dir: Path
    data_dir: Path
    socket_dir: Path
    startup_seconds: float

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    """/usr/lib/postgresql/15/bin → (15,); 9.6 → (9, 6); a name that is not a version sorts first."""
    name = bin_dir.parent.name
    return tuple(int(part) for part in name.split(".")) if re.fullmatch(r"\d+(\.\d+)*", name) else (-1,)


def find_bin_dir() -> Path | None:
    """The bin/ of the newest Debian PostgreSQL that has initdb and pg_ctl, else the one on PATH."""
    debian = [
        path
        for path in Path("/").glob(DEBIAN_BINS.lstrip("/"))
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file()
    ]
    if debian:
        return max(debian, key=_version_key)
    initdb = shutil.which("initdb")
    if initdb and (Path(initdb).parent / "pg_ctl").is_file():
        return Path(initdb).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _world_searchable(path: Path) -> bool:
    """Whether a user other than the owner can reach `path` (the `postgres` user must reach the
    cluster's directory when root makes it)."""
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


def _temp_root(as_root: bool) -> Path:
    """Where the cluster's temp dir goes: the usual temp dir, unless `postgres` could not enter it or
    its path is too long for the server's socket (a Unix socket path holds 107 bytes at most)."""
    base = Path(tempfile.gettempdir()).resolve()
    if (as_root and not _world_searchable(base)) or len(str(base)) > 64:
        base = Path("/tmp")
    return Path(tempfile.mkdtemp(prefix="marsad-pg-", dir=base))


def _run(args: list[str], *, cwd: Path, as_postgres: bool, env: dict[str, str]) -> None:
    """Run a PostgreSQL program; as root, as the `postgres` user. Failure raises with its output."""
    done = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        user=SUPERUSER if as_postgres else None,
        group=pwd.getpwnam(SUPERUSER).pw_gid if as_postgres else None,
        extra_groups=[] if as_postgres else None,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _log_tail(log: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return "(no server log)"


class PostgresMissing(RuntimeError):
    """PostgreSQL cannot be started here (not installed, or no user to run it as root)."""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        with throwaway_server() as server:
            yield server
    except PostgresMissing as missing:
        pytest.skip(str(missing))


@contextlib.contextmanager
def throwaway_server(durable: bool = False) -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own on loopback, in a temporary folder deleted at the end.
    `durable`: the server's default fsync settings (benchmarks), else the fast test settings."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresMissing(NOT_INSTALLED)
    as_root = os.geteuid() == 0
    if as_root:
        try:
            owner = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresMissing(
                f"running as root and there is no `{SUPERUSER}` user to own the test cluster"
            ) from None
    # The programs read PGDATA, PGPORT, PGHOST...: none of the caller's may leak into the cluster.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C.UTF-8"
    root = _temp_root(as_root)
    data_dir, log = root / "data", root / "server.log"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data_dir)]

    def run(*args: str) -> None:
        _run(list(args), cwd=root, as_postgres=as_root, env=env)

    try:
        if as_root:
            os.chown(root, owner.pw_uid, owner.pw_gid)
        initdb = [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER, "--auth=trust"]
        # UTF-8 with code point collation; --no-sync: a throwaway cluster, no need to flush it to disk.
        run(*initdb, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        for attempt in range(5):  # another process may take the free port before the server does
            port = _free_port()
            options = [f"-c listen_addresses={HOST}", f"-p {port}", f"-k {root}"]
            options += [f"-c {setting}" for setting in (FAST_SETTINGS[-1:] if durable else FAST_SETTINGS)]
            clock = time.perf_counter()
            try:
                # -l: the server's output goes to a file, not to our pipes (which it would hold open).
                run(*pg_ctl, "-l", str(log), "-o", " ".join(options), "-w", "start")
                break
            except RuntimeError as error:
                if attempt == 4:
                    raise RuntimeError(f"{error}\nserver log:\n{_log_tail(log)}") from None
        yield PostgresServer(
            host=HOST,
            port=port,
            user=SUPERUSER,
            bin_dir=bin_dir,
            data_dir=data_dir,
            socket_dir=root,
            startup_seconds=time.perf_counter() - clock,
        )
    finally:
        if (data_dir / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                run(*pg_ctl, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server: PostgresServer) -> Iterator[str]:
    """A new empty database on `server` (a unique name), as a URL; dropped at the end even while
    connections to it are open. `postgres_url` is this for one test; call it for a second database."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.url(name)
    finally:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    with fresh_database(postgres_server) as url:
        yield url
