"""`bilat serve`: Datasette on the compiled database, with bilat's metadata. A real server is started on a free
loopback port through the installed `bilat`, asked through Datasette's JSON API, checked against `bilat list`,
`summary` and `search`, and stopped; no process or port is left behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from bilat.build.descriptions import INTERNAL, TABLES, VIEWS
from bilat.publish import serve as serve_module
from bilat.publish.datasette_metadata import QUERIES, metadata
from conftest import bilat_script, cli


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.loads(response.read())


@pytest.fixture
def server(real_readonly: Path) -> Iterator[str]:
    """`bilat serve --port 0` from the installed script; its address (read from its first line on stdout)."""
    process = subprocess.Popen(
        [bilat_script(), "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), process.stderr.read() if process.stderr else ""
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0
    port = urlparse(url).port
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port or 0))  # the port is free again


def test_datasette_answers_what_bilat_answers(server: str) -> None:
    listed = json.loads(cli("list", "--format", "json").stdout)
    rows = _get(f"{server}agreements/agreements.json?_shape=array&_size=max")
    assert sorted(r["id"] for r in rows) == sorted(a["id"] for a in listed)

    faceted = _get(f"{server}agreements/agreements.json?_size=0")
    by_status = {f["value"]: f["count"] for f in faceted["facet_results"]["status"]["results"]}
    summary = json.loads(cli("summary", "--format", "json").stdout)
    assert by_status == {s["key"]: s["count"] for s in summary["status"]}
    assert {"status", "kind", "parties", "sectors", "year"} <= set(faceted["facet_results"])

    found = _get(f"{server}agreements/agreements.json?_search=workers&_shape=array")
    searched = json.loads(cli("search", "workers", "--format", "json").stdout)
    assert found and {r["id"] for r in found} <= {hit["id"] for hit in searched if hit["type"] == "agreement"}


def test_the_canned_queries_and_descriptions_are_served(server: str) -> None:
    database = _get(f"{server}agreements.json")
    served = {t["name"]: t for t in database["tables"]}
    assert {"agreements", "evidence", "sources"} <= set(served)
    assert not any(name in served and not served[name]["hidden"] for name in INTERNAL)
    signed = _get(f"{server}agreements/signed_by_country.json?country=belarus&_shape=array")
    assert signed and {r["country"] for r in signed} == {"Belarus"}
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(f"{server}agreements/_meta.json")  # bilat's bookkeeping (this machine's paths) is not served
    assert refused.value.code == 403
    info = _get(f"{server}-/metadata.json")
    assert info["databases"]["agreements"]["tables"]["agreements"]["description"] == TABLES["agreements"][0]


def test_every_canned_query_runs_on_the_real_database(real_readonly: Path) -> None:
    conn = sqlite3.connect(cli("db").stdout.strip())
    for name, query in QUERIES.items():
        rows = conn.execute(query["sql"], {"country": ""}).fetchall()
        assert rows, f"the canned query {name} finds nothing in the shipped data"


def test_the_metadata_describes_every_table_and_view_and_facets_real_columns(real_readonly: Path) -> None:
    conn = sqlite3.connect(cli("db").stdout.strip())
    tables = metadata(version="test")["databases"]["agreements"]["tables"]
    for name in (*TABLES, *VIEWS):
        assert tables[name]["description"], name
        columns = {row[1] for row in conn.execute(f"pragma table_info([{name}])")}
        for facet in tables[name].get("facets", []):
            column = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert column in columns, (name, facet)
    assert tables["agreements"]["fts_table"] in {r[0] for r in conn.execute("select name from sqlite_master")}


def test_without_datasette_one_line_says_how_to_install_it(
    real_readonly: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real_find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real_find(name))
    result = cli("serve")
    assert result.exit_code == 2
    assert result.stderr == f"error: {serve_module.INSTALL_HINT}\n"


def test_a_port_in_use_or_out_of_range_is_one_line_exit_2(real_readonly: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert result.stderr.count("\n") == 1
    result = cli("serve", "--port", "70000")
    assert result.exit_code == 2 and "is not a port" in result.stderr


def test_serve_rebuilds_a_stale_database_first(real: Path) -> None:
    before = os.environ["BILAT_DB"]
    assert not Path(before).exists()
    process = subprocess.Popen([bilat_script(), "-q", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("http://")
        assert Path(before).is_file()  # built before serving
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    time.sleep(0)
