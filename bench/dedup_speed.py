"""Near-duplicate detection, side by side: Marsad against the MinHash anchors, speed and quality.

On all of SaudiNewsNet (`common.saudinewsnet_texts`: every article with content), each detector runs
as its own process: the anchors (datatrove, text-dedup, datasketch) in their own virtual
environments under bench/anchors/.venvs/ (made by bench/anchors/setup.sh; never Marsad
dependencies), through their runners bench/anchors/run_<anchor>.py; Marsad's
`find_near_duplicates` in this project's environment, through this script's `--marsad-worker`
mode. Every process reads the same JSONL input ({"id": index, "text": content}) and writes the
pairs of indices it calls duplicates. Measured for each:

- wall: the whole process, interpreter start and imports included (what a user waits for);
- inner: the runner's own time from reading the input to its answer (no interpreter start, no
  imports);
- peak RSS and peak PSS of the process tree, sampled every 50 ms with psutil. Forked workers
  share pages with their parent, so summed RSS counts those twice; PSS divides shared pages.
- precision / recall / F1 against the exact truth (`dedup_truth.cached_truth`): pairs
  with Jaccard ≥ 0.8 on word 5-gram shingles ("near"); and recall on "contained" pairs
  (containment ≥ 0.9, Jaccard < 0.8). An anchor's pairs carry no kind: all of them are scored as
  near. Marsad's links do: its "near" links are scored as near, and contained recall counts any
  of its links.

The goal (issue, section 7): Marsad at least 3× faster (wall) than the fastest anchor, at F1 ≥ 0.97.

    uv run python bench/dedup_speed.py [--setup] [--anchors datatrove,textdedup,datasketch]
        [--no-marsad] [--limit N] [--workers 2] [--repeat N] [--data DIR] [--json results.json]

Other processes on the machine skew the times (every detector uses both cores): the
"others" column says how much CPU they took during each run; "cpu s" (user + system of the
process tree) is the figure least affected by them. `--repeat N` keeps each detector's fastest run.

Anchors whose environment is missing are skipped with a message (`--setup` runs setup.sh first).
Logs and per-detector outputs go to bench/.cache/dedup_speed/<run>/ (one folder per run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from common import (  # bench/'s shared module (a sibling script, not a package)
    BENCH,
    CACHE,
    SAUDINEWSNET,
    Pair,
    PeakMemory,
    best_of,
    log,
    prf,
    print_table,
    saudinewsnet_texts,
    write_json,
)

ANCHORS_DIR = BENCH / "anchors"
VENVS = ANCHORS_DIR / ".venvs"
WORK = CACHE / "dedup_speed"
ANCHORS = ("datatrove", "textdedup", "datasketch")
GOAL_SPEEDUP = 3.0
GOAL_F1 = 0.97
ANCHOR_ENV = {  # no hub access, no progress bars in the logs
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
    "TQDM_DISABLE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


# ----------------------------------------------------------------------------------- measuring


def _cpu_clocks() -> tuple[float, float, float]:
    """Busy CPU seconds of the machine, of this script's reaped descendants, and of itself.

    The descendants' figure grows when a child ends and has been waited for (its own children
    included, once it waited for them), so around one `wait()` it is that process tree's CPU time,
    unless some worker was never waited for; the machine's minus the tree's and this script's is
    what other processes used meanwhile."""
    times = psutil.cpu_times()
    machine = sum(times) - times.idle - getattr(times, "iowait", 0.0)
    machine -= getattr(times, "guest", 0.0) + getattr(times, "guest_nice", 0.0)  # already in user/nice
    machine -= getattr(times, "steal", 0.0)  # the hypervisor's, not this machine's processes'
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    return machine, children.ru_utime + children.ru_stime, me.ru_utime + me.ru_stime


@dataclass
class Run:
    name: str
    ok: bool = False
    wall: float = 0.0
    inner: float = 0.0
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    cpu: float = 0.0  # user + system seconds of the whole process tree
    others: float = 0.0  # share of the machine's CPU time that other processes used meanwhile
    near: set[Pair] = field(default_factory=set)  # pairs scored against the truth's near pairs
    linked: set[Pair] = field(default_factory=set)  # every pair the detector links (contained recall)
    info: dict[str, object] = field(default_factory=dict)
    error: str = ""


def run_process(name: str, command: list[str], output: Path, log: Path) -> Run:
    """Run one detector process to completion, measuring its wall time and memory."""
    run = Run(name)
    output.unlink(missing_ok=True)
    env = os.environ | ANCHOR_ENV
    with log.open("w", encoding="utf-8") as log_file:
        before = _cpu_clocks()
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=BENCH)
        memory = PeakMemory(proc.pid)
        code = proc.wait()
        run.wall = time.perf_counter() - started
        memory.stop()
        after = _cpu_clocks()
    run.peak_rss_mb, run.peak_pss_mb = memory.rss_mb, memory.pss_mb
    machine, reaped, me = (b - a for a, b in zip(before, after, strict=True))
    # Reaped descendants' CPU misses workers whose parent never waited for them (datatrove's
    # forkserver workers); the samples miss each process's last 50 ms: take the larger.
    tree = max(reaped, sum(memory.cpu.values()))
    run.cpu = tree
    run.others = max(0.0, machine - tree - me) / (run.wall * (psutil.cpu_count() or 1))
    if code != 0 or not output.exists():
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        run.error = f"exit code {code}; last lines of {log}:\n    " + "\n    ".join(tail)
        return run
    result = json.loads(output.read_text(encoding="utf-8"))
    run.ok = True
    run.inner = float(sum(v for k, v in result.get("seconds", {}).items() if k != "import"))
    run.info = {k: v for k, v in result.items() if k not in ("pairs", "near", "contained")}
    if "pairs" in result:  # an anchor: pairs without a kind
        run.near = {(min(a, b), max(a, b)) for a, b in result["pairs"] if a != b}
        run.linked = run.near
    else:  # Marsad: links with a kind
        run.near = {tuple(p) for p in result["near"]}  # type: ignore[misc]
        run.linked = run.near | {tuple(p) for p in result["contained"]}  # type: ignore[misc]
    return run


# ------------------------------------------------------------------------------- marsad worker


def marsad_worker(input_path: Path, output_path: Path, workers: int) -> None:
    """Runs in its own process (this project's environment): Marsad's detector on the input.

    With the anchors' process budget and the runner `marsad ingest` uses: `workers` processes
    prepare the batches (tokenize, shingle, sample) while this one links them, as the datasketch
    runner's pool computes MinHashes while its main process queries the LSH index.
    """
    t0 = time.perf_counter()
    from marsad.dedup.near import find_near_duplicates
    from marsad.runner import make_runner

    seconds = {"import": time.perf_counter() - t0}
    t0 = time.perf_counter()
    sys.path.insert(0, str(ANCHORS_DIR))
    from anchor_input import read_input

    ids, texts = read_input(input_path)
    seconds["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    runner = make_runner(workers)
    links = find_near_duplicates(texts, threshold=0.8, containment=0.9, runner=runner)
    runner.close()
    seconds["detect"] = time.perf_counter() - t0
    pairs: dict[str, list[Pair]] = {"near": [], "contained": []}
    for link in links:
        a, b = ids[link.a], ids[link.b]
        pairs.setdefault(link.kind, []).append((min(a, b), max(a, b)))
    result = {"anchor": "marsad", "docs": len(texts), "links": len(links), "seconds": seconds, **pairs}
    output_path.write_text(json.dumps(result), encoding="utf-8")


# ------------------------------------------------------------------------------------- report


def report(runs: list[Run], truth: dict[str, set[Pair]], docs: int) -> dict[str, object]:
    print(
        f"\n{docs:,} articles; truth: {len(truth['near']):,} near pairs (Jaccard ≥ 0.8), "
        f"{len(truth['contained']):,} contained pairs (containment ≥ 0.9, Jaccard < 0.8)\n"
    )
    rows: dict[str, object] = {}
    table = []
    for run in runs:
        if not run.ok:
            rows[run.name] = {"ok": False, "error": run.error, "wall": run.wall}
            continue
        p, r, f1 = prf(run.near, truth["near"])
        contained_recall = prf(run.linked, truth["contained"])[1]
        sizes = (run.wall, run.inner, run.peak_rss_mb, run.peak_pss_mb, len(run.near))
        table.append((run.name, *sizes, p, r, f1, contained_recall, run.cpu, run.others))
        rows[run.name] = {
            "ok": True,
            "wall": run.wall,
            "inner": run.inner,
            "peak_rss_mb": run.peak_rss_mb,
            "peak_pss_mb": run.peak_pss_mb,
            "pairs": len(run.near),
            "precision": p,
            "recall": r,
            "f1": f1,
            "contained_recall": contained_recall,
            "cpu": run.cpu,
            "others": run.others,
            "info": run.info,
        }
    columns = [("detector", "<12"), ("wall s", ">8.1f"), ("inner s", ">8.1f"), ("RSS MB", ">8.0f")]
    columns += [("PSS MB", ">8.0f"), ("pairs", ">7,"), ("P", ">6.3f"), ("R", ">6.3f"), ("F1", ">6.3f")]
    columns += [("R cont", ">7.3f"), ("cpu s", ">7.1f"), ("others", ">6.0%")]
    print_table(columns, table, rule=True)
    for run in runs:
        if not run.ok:
            print(f"{run.name:12} FAILED after {run.wall:.1f} s: {run.error}")
    print(
        "\nwall: whole process; inner: the detector's own time (no interpreter start, no imports);"
        "\nRSS/PSS: peak, summed over the process tree; P/R/F1: against near pairs; R cont: recall on"
        "\ncontained pairs; cpu s: user + system CPU of the process tree; others: share of the machine's"
        "\nCPU that other processes took during the run (well above 0%: the times are not comparable)."
    )
    anchors = [run for run in runs if run.ok and run.name != "marsad"]
    marsad = next((run for run in runs if run.ok and run.name == "marsad"), None)
    if anchors and marsad:
        fastest = min(anchors, key=lambda run: run.wall)
        ratio = fastest.wall / marsad.wall
        f1 = prf(marsad.near, truth["near"])[2]
        met = ratio >= GOAL_SPEEDUP and f1 >= GOAL_F1
        print(
            f"\nMarsad vs the fastest anchor ({fastest.name}, {fastest.wall:.1f} s): {ratio:.2f}× faster "
            f"(wall; inner {fastest.inner / marsad.inner:.2f}×), F1 {f1:.3f} — goal ≥ {GOAL_SPEEDUP:.0f}× at "
            f"F1 ≥ {GOAL_F1}: {'MET' if met else 'NOT MET'}"
        )
        rows["goal"] = {"fastest_anchor": fastest.name, "speedup": ratio, "marsad_f1": f1, "met": met}
    return rows


# ---------------------------------------------------------------------------------------- main


def prepare_input(texts: list[str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for index, text in enumerate(texts):
            f.write(json.dumps({"id": index, "text": text}, ensure_ascii=False) + "\n")
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--setup", action="store_true", help="run bench/anchors/setup.sh first")
    parser.add_argument("--anchors", default=",".join(ANCHORS), help="comma-separated; empty for none")
    parser.add_argument("--no-marsad", action="store_true", help="run the anchors only")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (quick runs)")
    parser.add_argument("--workers", type=int, default=2, help="processes each anchor may use (2 cores here)")
    parser.add_argument("--repeat", type=int, default=1, help="run each detector N times, keep the fastest")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--marsad-worker", nargs=2, type=Path, metavar=("INPUT", "OUTPUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()

    if args.marsad_worker:
        marsad_worker(*args.marsad_worker, args.workers)
        return

    from dedup_truth import cached_truth

    anchors = [a for a in args.anchors.split(",") if a]
    unknown = sorted(set(anchors) - set(ANCHORS))
    if unknown:
        sys.exit(f"unknown anchors: {', '.join(unknown)} (known: {', '.join(ANCHORS)})")
    if args.setup and anchors:
        log(f"running bench/anchors/setup.sh {' '.join(anchors)}")
        done = subprocess.run(["bash", str(ANCHORS_DIR / "setup.sh"), *anchors], check=False)
        if done.returncode != 0:
            log("setup.sh failed for some anchor (above); those whose environment is missing are skipped")

    started = time.perf_counter()
    corpus = saudinewsnet_texts(args.data)
    if args.limit:
        corpus = corpus[: args.limit]
    texts = [text for _, text in corpus]
    # a folder per run: two runs at once must not read each other's outputs
    run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}" + (f"-limit{args.limit}" if args.limit else "")
    work = WORK / run_id
    input_path = work / "input.jsonl"
    prepare_input(texts, input_path)
    elapsed = time.perf_counter() - started
    log(f"input: {len(texts):,} articles → {input_path} ({elapsed:.1f} s)")
    truth = cached_truth(texts)
    log(f"truth: {truth.seconds:.1f} s")

    runs: list[Run] = []

    def measure(name: str, command: list[str]) -> None:
        def attempt() -> Run:
            log(f"running {name} …")
            run = run_process(name, command, work / f"{name}.json", work / f"{name}.log")
            log(f"  {run.wall:.1f} s, others {run.others:.0%}{'' if run.ok else ' (failed)'}")
            return run

        runs.append(best_of(args.repeat, attempt, lambda run: run.wall if run.ok else None)[0])

    for anchor in anchors:
        python = VENVS / anchor / "bin" / "python"
        if not python.exists():
            log(f"skip {anchor}: no {python} (run bench/anchors/setup.sh, or pass --setup)")
            continue
        runner = ANCHORS_DIR / f"run_{anchor}.py"
        output = work / f"{anchor}.json"
        measure(
            anchor, [str(python), str(runner), str(input_path), str(output), "--workers", str(args.workers)]
        )
    if not args.no_marsad:
        output = work / "marsad.json"
        measure(
            "marsad",
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--marsad-worker",
                str(input_path),
                str(output),
                "--workers",
                str(args.workers),
            ],
        )

    input_path.unlink()  # ~100 MB; the outputs and logs stay
    rows = report(runs, truth.pairs, len(texts))
    print(f"\noutputs and logs: {work}")
    write_json(args.json, {"docs": len(texts), "runs": rows})


if __name__ == "__main__":
    main()
