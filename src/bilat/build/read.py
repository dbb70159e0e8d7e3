"""Reading the data files into rows: one file at a time, in worker processes for a big dataset.

Each file is read by the fast reader (bilat.load.read_plain) and, when it meets
anything unusual, again by the exact loader of `bilat validate`, which has the
last word.  Its records are validated by the model and turned into rows
(bilat.build.rows); a file with any problem of its own comes back with
ok=False, and the validator later says where and why.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bilat.build.rows import FileRows, Rows
from bilat.layout import sources_folder
from bilat.load import NotPlain, read_documents, read_plain
from bilat.model import Dataset

# Read files in worker processes when the dataset is at least this big (bytes of YAML).
PARALLEL_BYTES = 4_000_000


class _OwnProblem(Exception):
    """The file has a problem of its own: the validator will say where and why."""


def read_file(task: tuple[Path, Path, str]) -> FileRows:
    """Read, check and turn into rows one YAML file (data folder, path, name); ok=False when it has any problem.

    The fast reader first; when it meets anything unusual (a tag, an alias, a hex number, a syntax
    error...), the exact loader of `bilat validate` reads the file again and has the last word.
    """
    started = time.perf_counter()
    data, path, name = task
    try:
        out = _rows_of(data, name, read_plain(path))
    except NotPlain:
        out = _rows_of(data, name, _exact_documents(path))
    out.seconds = time.perf_counter() - started
    return out


def _rows_of(data: Path, name: str, documents: Iterator[Any]) -> FileRows:
    rows = Rows(name, sources_folder(data))
    try:
        for doc in documents:
            if doc is None:
                continue
            if not isinstance(doc, dict):
                raise _OwnProblem
            rows.dataset(Dataset.model_validate(doc))
    except (_OwnProblem, ValidationError):
        rows.out.ok = False
    return rows.finish()


def _exact_documents(path: Path) -> Iterator[Any]:
    for doc in read_documents(path):
        if doc.problems:
            raise _OwnProblem
        yield doc.data


def read_files(data: Path, names: list[str], paths: list[Path]) -> Iterator[FileRows]:
    """Every file's rows, in order; in worker processes for a big dataset (a few files in flight at a time)."""
    tasks = [(data, path, name) for path, name in zip(paths, names, strict=True)]
    size = sum(_size(p) for p in paths)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = min(cpus, len(tasks), 8)
    if workers < 2 or size < PARALLEL_BYTES:
        yield from map(read_file, tasks)
        return
    # fork where it is safe (Linux: the workers start at once, with everything imported); spawn elsewhere.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    pool = context.Pool(workers, initializer=_worker_signals)
    try:
        pending: deque[Any] = deque()
        queue = iter(tasks)
        for task in queue:
            pending.append(pool.apply_async(read_file, (task,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            for task in queue:
                pending.append(pool.apply_async(read_file, (task,)))
                break
            yield result
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _worker_signals() -> None:
    """Workers leave signals to the main process: it ends them (pool.terminate) and cleans up.

    Forked workers would otherwise inherit the build's SIGTERM handler (and
    Ctrl-C), print tracebacks, and could leave the pool's shutdown waiting.
    """
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
