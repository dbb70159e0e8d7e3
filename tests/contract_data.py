"""Datasets and helpers shared by the shell-contract tests: a hostile title, a large dataset, a pseudo-terminal."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import select
import subprocess
from pathlib import Path

from conftest import MINI_DATA, bilat_script, copy_dataset

# Brackets that Rich would read as markup, a tab, a newline, quotes, CSV and Markdown separators, two scripts.
HOSTILE_TITLE = (
    'Readmission [energy] pact\twith tab\nand newline, "quoted"; semi | pipe [bold]x[/bold] Беларусь پاکستان'
)
HOSTILE_SUMMARY = "US-UK co-operation on C++ tooling: a 50% quota, don't panic; back\\slash and Беларусь."
HOSTILE_ID = "pk-by-readmission"


def hostile_dataset(dest: Path) -> Path:
    """The mini dataset with one agreement's title and summary full of hostile characters."""
    path = copy_dataset(MINI_DATA, dest)
    text = path.read_text(encoding="utf-8")
    for old, new in (
        ("title: Readmission Agreement\n", f"title: {json.dumps(HOSTILE_TITLE, ensure_ascii=False)}\n"),
        (
            "summary: Signed between the interior ministries.\n",
            f"summary: {json.dumps(HOSTILE_SUMMARY, ensure_ascii=False)}\n",
        ),
    ):
        assert old in text, f"the mini dataset changed: {old!r} is gone"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def large_dataset(dest: Path, count: int = 2500) -> Path:
    """The mini dataset plus `count` generated agreements with long titles (plain `list` output > 1 MB)."""
    path = copy_dataset(MINI_DATA, dest)
    text = path.read_text(encoding="utf-8")
    filler = "a generated agreement with a long title to fill the pipe " * 6
    records = [
        f"""  - id: gen-{i:05d}
    title: "Generated {i:05d}: {filler.strip()}"
    kind: agreement
    parties: ["PK", "BY"]
    sectors: [migration]
    summary: Generated for the broken-pipe tests.
    status_history:
      - status: signed
        date: "2025-04-12"
        evidence:
          - source: beta
            quote: "signed a Readmission Agreement"
    evidence:
      - source: beta
        quote: "signed a Readmission Agreement"
"""
        for i in range(count)
    ]
    marker = "\nfollow_ups:"
    assert marker in text
    text = text.replace(marker, "\n" + "".join(records) + marker, 1)
    path.write_text(text, encoding="utf-8")
    return path


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def on_terminal(
    args: list[str],
    env: dict[str, str],
    columns: int = 200,
    timeout: float = 60,
    *,
    base: dict[str, str] | None = None,
    errors: str = "strict",
) -> tuple[int, str, str]:
    """Run the installed script with stdout on a pseudo-terminal (stderr on a pipe); returns (code, stdout, stderr).

    The terminal is `columns` wide; the environment is `base` (this process's by default) without COLUMNS
    and LINES, then `env` (which may set COLUMNS itself); output is decoded as UTF-8 with `errors`.
    """
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    full_env = {k: v for k, v in (os.environ if base is None else base).items() if k not in ("COLUMNS", "LINES")}
    full_env.update(env)
    proc = subprocess.Popen(
        [bilat_script(), *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=full_env
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            proc.kill()
            raise TimeoutError(f"bilat {' '.join(args)} wrote nothing for {timeout}s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    stderr = proc.stderr.read() if proc.stderr else b""
    code = proc.wait(timeout=timeout)
    return code, b"".join(chunks).decode("utf-8", errors).replace("\r\n", "\n"), stderr.decode("utf-8", errors)
