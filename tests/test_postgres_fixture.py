"""The PostgreSQL fixtures: a server that keeps Arabic text byte for byte, one database per test."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg_pool import ConnectionPool

from tests.postgres import PostgresServer, fresh_database

# Normalization-sensitive: hamza forms (أ إ آ ؤ ئ ء), tashkeel (fatha, shadda, kasra, sukun, tanween),
# alef maqsura against yeh, teh marbuta, tatweel, and a decomposed form NFC would recompose (ا + U+0653).
ARABIC = [
    "أَحْمَدُ إِبْرَاهِيمَ",
    "آمَنَ الْمُؤْمِنُونَ",
    "سُئِلَ عَنِ الشَّيْءِ",
    "مُسْتَشْفَى الْمَدِينَةِ",
    "مستشفى المدينة",
    "جـــديد",
    "\u0627\u0653\u0645\u0646",
    "«مرصد» 2026 — ١٢٣",
]


def test_server_listens_on_loopback_only(postgres_server: PostgresServer) -> None:
    assert postgres_server.host == "127.0.0.1"
    with psycopg.connect(postgres_server.url()) as conn:
        settings: dict[str, str] = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('listen_addresses', 'fsync', 'server_encoding', 'max_connections', 'port')"
            ).fetchall()
        )
    assert settings == {
        "listen_addresses": "127.0.0.1",
        "fsync": "off",
        "server_encoding": "UTF8",
        "max_connections": "50",
        "port": str(postgres_server.port),
    }


def test_arabic_text_round_trips_unchanged(postgres_url: str) -> None:
    assert unicodedata.normalize("NFC", ARABIC[6]) != ARABIC[6]  # the decomposed one really is
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE page (id int PRIMARY KEY, body text NOT NULL)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO page VALUES (%s, %s)", list(enumerate(ARABIC)))
        conn.commit()
        rows = conn.execute("SELECT body FROM page ORDER BY id").fetchall()
        assert [body for (body,) in rows] == ARABIC
        # Found by exact match, and the server counts code points as Python does.
        (found,) = conn.execute("SELECT id FROM page WHERE body = %s", (ARABIC[0],)).fetchone() or (None,)
        assert found == 0
        lengths = [n for (n,) in conn.execute("SELECT char_length(body) FROM page ORDER BY id")]
        assert lengths == [len(text) for text in ARABIC]


def test_each_test_database_is_its_own(postgres_server: PostgresServer, postgres_url: str) -> None:
    with fresh_database(postgres_server) as other_url:
        assert other_url != postgres_url
        with psycopg.connect(postgres_url) as conn:
            conn.execute("CREATE TABLE page (body text)")
            conn.execute("INSERT INTO page VALUES ('مرصد')")
        with psycopg.connect(other_url) as conn:
            assert conn.execute("SELECT to_regclass('page')").fetchone() == (None,)
            left_open = psycopg.connect(other_url)  # dropping the database must not wait for it
    with psycopg.connect(postgres_server.url()) as conn:
        names = {name for (name,) in conn.execute("SELECT datname FROM pg_database")}
    left_open.close()
    assert postgres_url.rsplit("/", 1)[1] in names
    assert other_url.rsplit("/", 1)[1] not in names


def test_connection_pool(postgres_url: str) -> None:
    words = ["اسلام", "إسلام", "أسلم", "سلام"]
    with ConnectionPool(postgres_url, min_size=1, max_size=4, open=True) as pool:
        with pool.connection() as conn:
            conn.execute("CREATE TABLE word (w text)")
            conn.cursor().executemany("INSERT INTO word VALUES (%s)", [(w,) for w in words])

        def count(word: str) -> int:
            with pool.connection() as conn:
                row = conn.execute("SELECT count(*) FROM word WHERE w = %s", (word,)).fetchone()
                return int(row[0]) if row else -1

        with ThreadPoolExecutor(max_workers=4) as workers:
            assert list(workers.map(count, words * 5)) == [1] * 20
        with pool.connection() as conn:
            rows = [w for (w,) in conn.execute("SELECT w FROM word ORDER BY w")]
        assert rows == sorted(words)  # C.UTF-8 collation: code point order, as Python sorts
        assert pool.get_stats()["pool_max"] == 4
