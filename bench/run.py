"""bilat's benchmark: build, rebuild, freshness and whole-process query times for N = 1,000 ... 250,000 records.

    .venv/bin/python bench/run.py                 # N = 1,000 and 25,000, 15 runs of each command
    .venv/bin/python bench/run.py --full          # and 250,000 (generated once, ~5 s; built ~40 s)
    .venv/bin/python bench/run.py -n 1000 -r 31   # choose N and the number of runs

Every command is a whole process (the installed `bilat` script, as a user runs it),
timed beside `python -c "import sqlite3"` (the floor: the interpreter and SQLite)
and `sqlite-utils query` on the same database (a peer), in rounds so that every
command sees the same machine.  Medians; each bilat figure also as a ratio to
the floor.  Results go to bench/results/ as Markdown (and JSON, to compare a
run with the last one).  See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from generate import TERMS, cached  # noqa: E402 - bench/ is not a package

BIN = Path(sys.executable).parent
BILAT = str(BIN / "bilat")
SQLITE_UTILS = str(BIN / "sqlite-utils")
COUNTRY = "sri lanka"  # ~1.5% of agreements: a filter with a realistic result size
COUNTRY_CODE = "LK"
TABLE_ROWS = 20  # the table is drawn for a screenful of rows (Rich's cost grows with the rows drawn)


@dataclass
class Target:
    text: str
    ok: bool | None = None


@dataclass
class Result:
    n: int
    facts: dict[str, str] = field(default_factory=dict)  # label -> value
    times: dict[str, float] = field(default_factory=dict)  # label -> median seconds (whole process)
    ratios: dict[str, float] = field(default_factory=dict)  # label -> median / floor
    peak_mb: float = 0.0  # the full build's peak resident memory, whole process tree


# ---------------------------------------------------------------- processes


def _env(data: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILAT_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # time bilat as installed: with its bytecode cache
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        env.pop(name, None)
    env.update(BILAT_DATA=str(data), BILAT_DB=str(db), NO_COLOR="1")
    return env


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants (from /proc), 0 where /proc is missing."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def measured(command: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """Run `command`: wall seconds, peak RSS of its largest process (KB), peak RSS of its whole tree (KB), stderr."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}\n{stderr}")
    return seconds, usage.ru_maxrss, max(peak_tree, usage.ru_maxrss), stderr


def _once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}\n{proc.stderr}")
    return seconds


def medians(commands: dict[str, list[str]], env: dict[str, str], repeats: int) -> dict[str, float]:
    """Each command once to warm up, then `repeats` rounds of all of them; the median of each."""
    runs: dict[str, list[float]] = {label: [] for label in commands}
    for command in commands.values():
        _once(command, env)
    for _ in range(repeats):
        for label, command in commands.items():
            runs[label].append(_once(command, env))
    return {label: statistics.median(times) for label, times in runs.items()}


def in_process(data: Path, db: Path, env: dict[str, str]) -> float:
    """The freshness check, in-process: median of is_fresh() over many calls (ms)."""
    code = f"""
import statistics, time
from pathlib import Path
from bilat.store import Store, is_fresh
store = Store(Path({str(data)!r}), Path({str(db)!r}), True)
assert is_fresh(store), "the database should be fresh"
runs = []
for _ in range(200):
    started = time.perf_counter()
    is_fresh(store)
    runs.append(time.perf_counter() - started)
print(statistics.median(runs) * 1000)
"""
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout)


# ---------------------------------------------------------------- one N


def _edit(path: Path) -> bytes:
    """Change one agreement's title in `path`; return the original bytes."""
    original = path.read_bytes()
    text = original.decode("utf-8")
    at = text.index("\nagreements:\n")
    at = text.index('    title: "', at) + len('    title: "')
    path.write_text(text[:at] + "Edited " + text[at:], encoding="utf-8")
    return original


def bench_n(n: int, repeats: int, quick_build: bool) -> Result:
    data = cached(n, WORK)
    db = WORK / f"db-{n}.sqlite"
    env = _env(data, db)
    meta = json.loads((WORK / f"data-{n}.json").read_text())
    result = Result(n)
    files = sorted(data.glob("*.yaml"))
    size = sum(p.stat().st_size for p in files) + sum(p.stat().st_size for p in (data / "sources").iterdir())
    result.facts["records (agreements)"] = f"{n:,} ({meta['agreements']:,})"
    result.facts["YAML files / source texts (MB)"] = (
        f"{len(files)} / {len(list((data / 'sources').iterdir()))} ({size / 1e6:.0f})"
    )

    # Full build, from nothing.
    if not (quick_build and db.exists()):
        db.unlink(missing_ok=True)
        seconds, rss, tree, _ = measured([BILAT, "build"], env)
        result.times["full build"] = seconds
        result.peak_mb = tree / 1024
        result.facts["full build peak RSS, largest process / whole tree (MB)"] = f"{rss / 1024:.0f} / {tree / 1024:.0f}"
    result.facts["database (MB)"] = f"{db.stat().st_size / 1e6:.0f}"

    # One record edited: rebuild (incremental), then a query after another edit, rebuild included.
    middle = files[len(files) // 2]
    original = _edit(middle)
    try:
        seconds, rss, tree, _ = measured([BILAT, "build"], env)
        result.times["rebuild after one record changed"] = seconds
        result.facts["rebuild peak RSS, largest process / whole tree (MB)"] = f"{rss / 1024:.0f} / {tree / 1024:.0f}"
        middle.write_bytes(original)  # the edit undone: stale again
        result.times["query after an edit, rebuild included"] = _once(
            [BILAT, "list", "--country", COUNTRY, "--format", "json"], env
        )
    finally:
        middle.write_bytes(original)
    subprocess.run([BILAT, "build"], env=env, check=True, capture_output=True)  # fresh for what follows

    result.facts["freshness check in-process, this folder (ms)"] = f"{in_process(data, db, env):.2f}"
    single = REPO / "data" / "agreements.yaml"
    single_db = WORK / "db-real.sqlite"
    single_env = _env(single, single_db)
    subprocess.run([BILAT, "build"], env=single_env, check=True, capture_output=True)
    result.facts["freshness check in-process, data/agreements.yaml (ms)"] = (
        f"{in_process(single, single_db, single_env):.2f}"
    )

    conn_db = str(db)
    date = _a_date(db)
    commands = {
        "floor: python -c 'import sqlite3'": [sys.executable, "-c", "import sqlite3"],
        "peer: sqlite-utils query (agreements of one country)": [
            SQLITE_UTILS,
            "query",
            conn_db,
            "select a.id, a.title, a.status, a.date from agreements a where a.id in "
            f"(select agreement_id from agreement_parties where country = '{COUNTRY_CODE}') order by a.date_start",
        ],
        "bilat --help": [BILAT, "--help"],
        "list --limit 1 --format json (freshness check + 1 row)": [BILAT, "list", "--limit", "1", "--format", "json"],
        f"list --country '{COUNTRY}' --format json": [BILAT, "list", "--country", COUNTRY, "--format", "json"],
        f"list --country '{COUNTRY}' --format table --limit {TABLE_ROWS}": [
            BILAT,
            "list",
            "--country",
            COUNTRY,
            "--format",
            "table",
            "--limit",
            str(TABLE_ROWS),
        ],
        f"search {TERMS['rare']} (rare) --format json": [BILAT, "search", TERMS["rare"], "--format", "json"],
        f"search {TERMS['medium']} (medium) --format json": [BILAT, "search", TERMS["medium"], "--format", "json"],
        f"search {TERMS['common']} (very common) --format json": [BILAT, "search", TERMS["common"], "--format", "json"],
        "show a-00000-0007 --format json": [BILAT, "show", "a-00000-0007", "--format", "json"],
        BRIEF: [BILAT, "brief", date, "--format", "md"],
        "summary --format json": [BILAT, "summary", "--format", "json"],
        AS_OF: [BILAT, "list", "--country", COUNTRY, "--as-of", AS_OF_DAY, "--format", "json"],
        CHANGES: [BILAT, "changes", "--since", CHANGES_SINCE, "--format", "json"],
    }
    if not _has_brief(env):
        commands = {k: v for k, v in commands.items() if not k.startswith("brief")}
    print(f"  N={n:,}: timing {len(commands)} commands x {repeats} runs", file=sys.stderr)
    times = medians(commands, env, repeats)
    floor = times["floor: python -c 'import sqlite3'"]
    for label, seconds in times.items():
        result.times[label] = seconds
        result.ratios[label] = seconds / floor
    return result


def _a_date(db: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("select date from events where date_precision = 'day' order by rowid limit 1").fetchone()
        return str(row[0])
    finally:
        conn.close()


def _has_brief(env: dict[str, str]) -> bool:
    return subprocess.run([BILAT, "brief", "--help"], env=env, capture_output=True).returncode == 0


# ---------------------------------------------------------------- report

# Targets from issues #7 and #11, each checked where it applies (None: not judged at this N).
# Start-up ratios are judged up to 25,000 records: at 250,000 the answer itself (1,845 records for one
# country) is the cost, and the absolute targets apply instead.
Check = Callable[[Result, float], "bool | None"]
JSON_LIST = f"list --country '{COUNTRY}' --format json"
TABLE_LIST = f"list --country '{COUNTRY}' --format table --limit {TABLE_ROWS}"
BIG = 250_000
START_UP = "list --limit 1 --format json (freshness check + 1 row)"  # what a shell loop feels, call after call
SUMMARY = "summary --format json"
BRIEF = "brief DAY --format md (the first day with an engagement)"
AS_OF_DAY, CHANGES_SINCE = "2015-06-30", "2024-12-01"  # a past day; the last month of the reports (~2,000 changes)
AS_OF = f"list --country '{COUNTRY}' --as-of {AS_OF_DAY} --format json"
CHANGES = f"changes --since {CHANGES_SINCE} --format json"


def _ratio_up_to_25k(label: str, limit: float) -> Check:
    return lambda r, s: r.ratios[label] <= limit if r.n <= 25_000 else None


TARGETS: dict[str, tuple[str, Check]] = {
    "full build": ("< 75 s at 250k", lambda r, s: s < 75 if r.n >= BIG else None),
    "query after an edit, rebuild included": ("< 10 s at 250k", lambda r, s: s < 10 if r.n >= BIG else None),
    "bilat --help": ("<= 10x floor", lambda r, s: r.ratios["bilat --help"] <= 10),
    JSON_LIST: (
        "<= 4.5x floor (N <= 25k); < 0.3 s at 250k",
        lambda r, s: r.ratios[JSON_LIST] <= 4.5 if r.n <= 25_000 else s < 0.3,
    ),
    TABLE_LIST: ("<= 6.5x floor (N <= 25k)", _ratio_up_to_25k(TABLE_LIST, 6.5)),
    START_UP: ("<= 3x floor (N <= 25k)", _ratio_up_to_25k(START_UP, 3.0)),
    BRIEF: ("< 0.3 s at 250k", lambda r, s: s < 0.3 if r.n >= BIG else None),
    SUMMARY: ("< 0.3 s at 250k", lambda r, s: s < 0.3 if r.n >= BIG else None),
    AS_OF: ("< 0.5 s at 250k", lambda r, s: s < 0.5 if r.n >= BIG else None),
    CHANGES: ("< 0.5 s at 250k", lambda r, s: s < 0.5 if r.n >= BIG else None),
    f"search {TERMS['rare']} (rare) --format json": ("< 0.3 s", lambda r, s: s < 0.3),
    f"search {TERMS['medium']} (medium) --format json": ("< 0.3 s", lambda r, s: s < 0.3),
}
FACT_TARGETS: dict[str, tuple[str, Callable[[Result], bool | None]]] = {
    "full build peak RSS, largest process / whole tree (MB)": (
        "< 500 MB at 250k",
        lambda r: r.peak_mb < 500 if r.n >= BIG else None,
    ),
    "freshness check in-process, data/agreements.yaml (ms)": (
        "< 1 ms",
        lambda r: float(r.facts["freshness check in-process, data/agreements.yaml (ms)"]) < 1,
    ),
}


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def _cell(r: Result, label: str) -> str:
    if label in r.facts:
        fact = FACT_TARGETS.get(label)
        return r.facts[label] + (_mark(fact[1](r)) if fact else "")
    if label not in r.times:
        return "-"
    s = r.times[label]
    text = f"{s:.2f} s" if s >= 1 else f"{s * 1000:.0f} ms"
    if label in r.ratios and not label.startswith("floor"):
        text += f" ({r.ratios[label]:.1f}x)"
    target = TARGETS.get(label)
    return text + (_mark(target[1](r, s)) if target else "")


def machine() -> str:
    return (
        f"{os.cpu_count()} CPUs (nproc), {platform.machine()}, Linux {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {_sqlite_version()}"
    )


def markdown(results: list[Result], repeats: int, started: str, where: str | None = None) -> str:
    labels: list[str] = []
    for r in results:
        for label in [*r.facts, *r.times]:
            if label not in labels:
                labels.append(label)
    head = "| | " + " | ".join(f"N = {r.n:,}" for r in results) + " | target |"
    lines = [
        f"# bilat benchmark, {started}",
        "",
        f"Machine: {where or machine()}. "
        f'Whole-process medians of {repeats} runs; (Nx) = times `python -c "import sqlite3"` measured in the '
        "same rounds. ✓/✗: the target of issue #7 or #11.",
        "",
        head,
        "|" + " --- |" * (len(results) + 2),
    ]
    for label in labels:
        target = (TARGETS.get(label) or FACT_TARGETS.get(label) or ("",))[0]
        lines.append(f"| {label} | " + " | ".join(_cell(r, label) for r in results) + f" | {target} |")
    return "\n".join(lines) + "\n"


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def compare(results: list[Result], previous: Path) -> None:
    """Print how this run differs from the last one, for the N both have."""
    try:
        last = {r["n"]: r for r in json.loads(previous.read_text())["results"]}
    except (OSError, ValueError, KeyError):
        return
    print(f"\nchange since {previous.name}:", file=sys.stderr)
    for r in results:
        old = last.get(r.n)
        if not old:
            continue
        for label, seconds in r.times.items():
            before = old["times"].get(label)
            if before:
                print(
                    f"  N={r.n:>7,}  {label:<60} {before * 1000:9.1f} -> {seconds * 1000:9.1f} ms "
                    f"({(seconds / before - 1) * 100:+.0f}%)",
                    file=sys.stderr,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--sizes", default=None, help="comma-separated N values [1000,25000]")
    parser.add_argument("--full", action="store_true", help="also N=250,000")
    parser.add_argument("-r", "--repeat", type=int, default=15, help="runs of each command [15]")
    parser.add_argument("--keep-db", action="store_true", help="skip the full build when a database exists")
    parser.add_argument("--no-save", action="store_true", help="print the table, write nothing to bench/results/")
    parser.add_argument("--render", type=Path, metavar="JSON", help="only redraw the table of a saved run")
    args = parser.parse_args()
    if args.render:
        payload = json.loads(args.render.read_text())
        saved = [Result(**r) for r in payload["results"]]
        table = markdown(saved, payload["repeats"], payload["started"], payload.get("machine"))
        args.render.with_suffix(".md").write_text(table)
        print(table)
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")] if args.sizes else [1000, 25_000]
    if args.full and 250_000 not in sizes:
        sizes.append(250_000)
    if not Path(BILAT).exists() or not Path(SQLITE_UTILS).exists():
        raise SystemExit(f"run with the project's venv python: {BILAT} or {SQLITE_UTILS} is missing")
    started = time.strftime("%Y-%m-%d %H:%M")
    WORK.mkdir(exist_ok=True)
    results = []
    for n in sizes:
        print(f"N={n:,}", file=sys.stderr)
        results.append(bench_n(n, args.repeat, args.keep_db))
    table = markdown(results, args.repeat, started)
    print(table)
    if args.no_save:
        return
    RESULTS.mkdir(exist_ok=True)
    previous = sorted(RESULTS.glob("*.json"))
    stem = time.strftime("%Y-%m-%d-%H%M") + "-" + "-".join(f"{n // 1000}k" for n in sizes)
    (RESULTS / f"{stem}.md").write_text(table)
    payload = {
        "started": started,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "machine": machine(),
        "repeats": args.repeat,
        "results": [r.__dict__ for r in results],
    }
    (RESULTS / f"{stem}.json").write_text(json.dumps(payload, indent=1) + "\n")
    shutil.copyfile(RESULTS / f"{stem}.md", RESULTS / "latest.md")
    print(f"wrote bench/results/{stem}.md (and latest.md)", file=sys.stderr)
    if previous:
        compare(results, previous[-1])


if __name__ == "__main__":
    main()
