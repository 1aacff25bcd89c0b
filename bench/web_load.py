"""Web load: the server under 32 concurrent connections on loopback, search and article pages
of the JSON API over all of SaudiNewsNet, beside a baseline in the same run.

    uv run python bench/web_load.py [--db ARCHIVE] [--seconds 30] [--connections 32] [--workers 2]

The archive is SaudiNewsNet as `marsad ingest` makes it (cached in bench/.cache, the one
search_quality.py and search_speed.py read: `common.ingested_saudinewsnet`), or `--db` to reuse
one. `marsad serve` runs in a subprocess (uvicorn, `--workers` processes); Debian's `wrk`
(`apt-get install wrk`: a C load generator, so the client takes little of the two cores the
server needs) keeps `--connections` connections busy for `--seconds` against each target in
turn (5 s apart, so that what one left queued in the server does not weigh on the next),
cycling through its requests, after a 5 s warm-up (not measured) over the repeated searches and
the articles:

- baseline: a static file (/static/style.css): the server's floor (HTTP, routing, headers);
- stats: /api/stats (counts from the archive, no search);
- search, repeated: /api/search with 2–3 title words of 200 random articles, asked over and
  over (a server process keeps an answer while the archive stays the same: web/cache.py);
- search, never repeated: 12,000 other such searches, more than a run sends: none is kept;
- article: /api/articles/{id} of the articles the repeated searches find first (text, pages,
  copies; never kept).

Printed per target: requests/s, latency p50 and p99, errors (socket errors and non-2xx
answers). Goal (issue 13): no errors, p99 ≤ 200 ms on search and article.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

from common import (
    SAUDINEWSNET,
    SEED,
    ingested_saudinewsnet,
    log,
    print_table,
    saudinewsnet_titles,
    write_json,
)

GOAL_P99_MS = 200.0
WARM_UP = 5  # seconds
DRAIN = 5  # seconds between targets: requests still queued in the server when wrk stops end first
# wrk cycles through a target's paths, one per request
LUA = """paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "marsad", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen([*command, "--workers", str(workers)], stdout=subprocess.DEVNULL)
    for _ in range(600):
        if process.poll() is not None:
            sys.exit(f"marsad serve exited ({process.returncode})")
        try:
            with urlopen(f"http://127.0.0.1:{port}/api/stats", timeout=2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    sys.exit("marsad serve did not answer within a minute")


def get_json(url: str) -> dict[str, object]:
    with urlopen(url, timeout=30) as answer:
        found: dict[str, object] = json.load(answer)
        return found


def search_paths(count: int, seed: int) -> list[str]:
    """Search requests: 2–3 words of `count` random titles (distinct titles; a cut that is no
    query, only stopwords or an open quotation mark, is left out)."""
    from marsad.search.analyzer import default_analyzer
    from marsad.search.query import QueryError, parse_query

    rng = random.Random(seed)
    titles = [t for t in saudinewsnet_titles() if len(t.split()) >= 4]
    analyzer = default_analyzer()
    paths = []
    for title in rng.sample(titles, count):
        words = title.split()
        start = rng.randrange(len(words) - 2)
        query = " ".join(words[start : start + rng.choice((2, 3))])
        try:
            parse_query(query, analyzer)
        except QueryError:
            continue
        paths.append(f"/api/search?q={quote(query)}&limit=10")
    return list(dict.fromkeys(paths))


def article_paths(base: str, searches: list[str]) -> list[str]:
    """The article each search finds first."""
    found = []
    for path in searches:
        hits = get_json(base + path)["hits"]
        if isinstance(hits, list) and hits:
            found.append(f"/api/articles/{hits[0]['id']}")
    return found


def wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    """One wrk run over these paths: requests/s, p50 and p99 (ms), errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(json.dumps(path) for path in paths))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    done = subprocess.run([*command, "-s", script.name, base], capture_output=True, text=True, check=True)
    Path(script.name).unlink()
    out = done.stdout

    def latency(share: str) -> float:
        match = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
        return float(match[1]) * UNITS[match[2]] if match else float("nan")

    requests = re.search(r"Requests/sec:\s+([\d.]+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return {
        "requests": float(total[1]) if total else float("nan"),
        "rps": float(requests[1]) if requests else float("nan"),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": float(errors + (int(non_2xx[1]) if non_2xx else 0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="an existing archive (default: SaudiNewsNet, cached)")
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--seconds", type=int, default=30, help="per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--queries", type=int, default=200, help="distinct searches, asked over and over")
    parser.add_argument(
        "--fresh", type=int, default=12000, help="other searches, each asked once (more than a run can send)"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk (Debian's HTTP load generator)")
    db = args.db or ingested_saudinewsnet(args.data)[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log(f"serving {db} on {base} with {args.workers} worker(s)")
    server = start_server(db, port, args.workers)
    try:
        every = search_paths(args.queries + args.fresh, args.seed)
        repeated, fresh = every[: args.queries], every[args.queries :]
        articles = article_paths(base, repeated)  # (these searches' answers are now kept)
        targets = [
            ("baseline: static file", ["/static/style.css"]),
            ("search, repeated", repeated),
            ("search, never repeated", fresh),
            ("article", articles),
            ("/api/stats", ["/api/stats"]),
        ]
        # warm-up, not measured: both server processes load what they read and keep the
        # repeated searches' answers (the never-repeated ones are none of these)
        log(f"warm-up: {WARM_UP} s over the repeated searches and the articles")
        wrk(base, repeated + articles, WARM_UP, args.connections)
        results = {}
        for name, paths in targets:
            log(f"{name}: {len(paths)} distinct requests, {args.connections} connections, {args.seconds} s")
            time.sleep(DRAIN)  # what the last target left queued in the server is done
            results[name] = wrk(base, paths, args.seconds, args.connections)
    finally:
        server.terminate()
        server.wait(timeout=30)
    shape = f"{args.connections} connections, {args.seconds} s per target, {args.workers} server workers"
    print(f"\nweb load: {shape}")
    print_table(
        [("target", "<24"), ("requests", ">9,.0f"), ("req/s", ">8,.0f"), ("p50 ms", ">7.1f"),
         ("p99 ms", ">7.1f"), ("errors", ">7,.0f")],
        [(n, r["requests"], r["rps"], r["p50_ms"], r["p99_ms"], r["errors"]) for n, r in results.items()],
        rule=True,
    )  # fmt: skip
    for name in ("search, repeated", "search, never repeated", "article"):
        met = results[name]["errors"] == 0 and results[name]["p99_ms"] <= GOAL_P99_MS
        print(f"goal (no errors, p99 ≤ {GOAL_P99_MS:.0f} ms), {name}: {'met' if met else 'NOT met'}")
    write_json(args.json, {"archive": str(db), "workers": args.workers, "results": results})


if __name__ == "__main__":
    main()
