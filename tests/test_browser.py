"""What a person sees of `bilat serve` in a real browser: headless Chromium loads the home page, the agreements
table with its facets, a search and a row's evidence, and the rendered page (after its scripts ran) is checked.

Chromium comes from Debian's packages: the set-up installs it where it can (as root, with apt-get); where it
cannot, these tests are skipped and say why."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from bilat.publish.datasette_metadata import metadata
from conftest import bilat_script, cli

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=3000",
)


def _install_chromium() -> str | None:
    """The path of Chromium, installed from Debian's packages if it is not there and this may install it."""
    found = shutil.which("chromium")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    with open("/tmp/bilat-chromium-install.lock", "w") as lock:  # one xdist worker installs, the others wait
        fcntl.flock(lock, fcntl.LOCK_EX)
        for steps in ([], [["apt-get", "update", "-q"]]):
            if shutil.which("chromium"):
                break
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            for step in [*steps, ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]]:
                subprocess.run(step, capture_output=True, env=env, timeout=900, check=False)
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium() -> str:
    path = _install_chromium()
    if path is None:
        pytest.skip("headless Chromium is not installed and cannot be here (apt-get install chromium, as root)")
    return path


@pytest.fixture
def served(real_readonly: Path) -> Iterator[str]:
    process = subprocess.Popen([bilat_script(), "-q", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def _page(chromium: str, url: str, profile: Path) -> str:
    """The page as the browser rendered it (the DOM after its scripts ran), as HTML."""
    done = subprocess.run(
        [chromium, *_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return unescape(done.stdout)


def test_a_person_sees_the_title_facets_a_search_and_a_rows_evidence(
    chromium: str, served: str, tmp_path: Path
) -> None:
    title = metadata(version="")["title"]
    home = _page(chromium, served, tmp_path)
    assert re.search(rf"<h1[^>]*>\s*{re.escape(title)}\s*</h1>", home)
    assert "_memory" not in home and ">agreements</a>" in home

    table = _page(chromium, f"{served}agreements/agreements", tmp_path)
    assert "38 rows" in table
    for facet in ("status", "kind", "parties", "sectors", "year"):
        assert f'data-column="{facet}"' in table, facet
    assert "Instruments and commitments" in table  # the table's description

    search = _page(chromium, f"{served}agreements/agreements?_search=workers", tmp_path)
    assert "where search matches" in search and "150,000 skilled Pakistani workers" in search

    record = "pk-by-150000-skilled-workers"
    quote = (
        sqlite3.connect(cli("db").stdout.strip())
        .execute("select quote from evidence where record_id = ? order by part, seq limit 1", (record,))
        .fetchone()[0]
    )
    evidence = _page(chromium, f"{served}agreements/evidence_with_source?record_id={record}", tmp_path)
    assert quote in evidence and "2025-04-12" in evidence
