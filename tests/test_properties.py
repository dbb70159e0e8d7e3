"""Property-based crash hunting (hypothesis): the query commands, the loader and the validator on arbitrary input.

What is claimed, whatever the input:

* a query command (list, search, show, summary, timeline, brief) exits 0, 1, 2 or 3, never 70 (a bug); stderr
  carries no traceback, at most a few lines, and no raw control character; on failure stdout is empty and stderr
  says `error: ...`; text for people (table, plain lines, md) holds no ESC or other control character, and JSON
  output parses.  Checked through Typer (`cli()`) and through the fast path (`bilat.fast.run`, in-process), and
  the two must give the same answer whenever the fast path answers;
* `bilat.validate.check_dataset` never raises on any bytes in a data file; each problem is one line
  `FILE:LINE:COLUMN: ...` inside the file, with no raw control character;
* one field of the small dataset replaced by any YAML scalar (`0x10`, `017`, `2:30`, `.inf`, `~`, `yes`, 5,000
  digits, `[[[...]]]` 1,200 deep...): validate never raises, `bilat build` exits 0 or 3 and agrees with validate
  (no problems <=> exit 0), and a dataset that builds can be queried without a crash.

NUL is left out of command-line values: a real argv cannot hold it.  Lone surrogates (what undecodable bytes in
argv become) are in.

Repeatability: by default every test runs a fixed, derandomized set of examples with no example database, so
CI runs are repeatable (the whole file takes ~35 s with -n 2).  To hunt harder, set BILAT_HYPOTHESIS_EXAMPLES:
every test then runs that many random examples (and keeps failures in .hypothesis/ to replay them), e.g.

    BILAT_HYPOTHESIS_EXAMPLES=2000 .venv/bin/pytest -q -n 2 tests/test_properties.py

and add `--hypothesis-seed=N` to replay one run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import MINI_DATA, cli, copy_dataset

OK, NOT_FOUND, USAGE, INVALID, INTERNAL = 0, 1, 2, 3, 70
QUERY_EXIT_CODES = {OK, NOT_FOUND, USAGE, INVALID}
MAX_STDERR_LINES = 3  # an error line, its hint, and one note (e.g. "searched as plain words")

_EXTRA = int(os.environ.get("BILAT_HYPOTHESIS_EXAMPLES", "0") or 0)


def budget(n: int) -> Any:
    """Settings for a test worth `n` examples in CI (derandomized), or BILAT_HYPOTHESIS_EXAMPLES random ones."""
    return settings(
        max_examples=_EXTRA or n,
        deadline=None,
        derandomize=not _EXTRA,
        database=None if not _EXTRA else settings.default.database,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# What may not reach a terminal raw: C0 controls but tab and newline, a CR not ending a line, DEL, C1, bidi
# controls and lone surrogates (the set bilat.visible promises to escape).
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]|\r(?!\n)")
MACHINE_FORMATS = {"json", "jsonl", "csv", "tsv"}

# ---------------------------------------------------------------- strategies: command-line values

SPECIAL_TEXT = [
    "",
    " ",
    "-",
    "--",
    "0",
    "-0",
    "-1",
    "+1",
    "1e309",
    "nan",
    "inf",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "-" + str(2**63 + 1),
    "9" * 40,
    "9" * 5000,
    "٢٠٢٥",  # Arabic-Indic digits
    "２０２５-０４",  # full-width digits
    "𝟮𝟬𝟮𝟱",  # mathematical digits
    "²⁰²⁵",
    "2025-13-45",
    "2025-02-30",
    "2025-00-00",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2025",
    "2025-",
    "2025-04-12T00:00:00",
    " 2025 ",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m",
    "\u202etxt",
    "\r",
    "\t",
    "\n",
    "a\nb",
    "\udcff",
    "\udc80abc",
    "%",
    "_",
    "'",
    '"',
    "\\",
    "*",
    "İ",
    "ß",
    "ǅ",
    "\ufeff",
    "\u200b",
    "🙂" * 50,
    "x" * 10_000,
]
NAMES = [
    "belarus",
    "Belarus",
    "BY",
    "by",
    "pk",
    "PK",
    "pakistan",
    "BE",
    "FR",
    "XX",
    "signed",
    "agreed",
    "under-discussion",
    "mou",
    "agreement",
    "labour-mobility",
    "migration",
    "pk-be-labour-mou",
    "pk-by-readmission",
    "pk-by-skilled-workers",
    "2023-06-12-khar-de-moor",
    "sharif-lukashenko-reported-2025-04-12",
    "khar",
    "de-moor",
    "alpha",
    "beta",
    "interior-ministries",
    "labour-mou-finalised",
    "de-moor-spelling",
]

argv_chars = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
control_chars = st.characters(min_codepoint=1, max_codepoint=0x9F) | st.sampled_from(["\u202e", "\u2066", "\udcfe"])
any_text = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(argv_chars, max_size=30),
    st.text(control_chars, max_size=10),
    st.text(st.sampled_from("0123456789-:+. T"), max_size=20),
)
date_like = st.one_of(
    any_text,
    st.from_regex(r"\A[+-]?\d{1,6}(-\d{1,3}(-\d{1,3})?)?\Z"),
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)
    ),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 99999), st.integers(0, 99)),
    st.sampled_from(["2023", "2025", "2025-04", "2025-04-12", "2023-06-12", "2030", "1900-01"]),
)
named_text = st.one_of(any_text, st.sampled_from(NAMES), st.sampled_from(NAMES).map(str.upper))
limit_text = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 5).map(str),
    st.sampled_from(
        [str(2**63 - 1), str(2**63), str(2**64), "9" * 4300, "9" * 4301, "9" * 5000, "0", "-0", "00", "+5", " 5"]
    ),
    st.sampled_from(["٣", "１", "5.0", "1e3", "0x10", "1_000", "5 ", "³"]),
    any_text,
)
format_text = st.one_of(
    st.sampled_from(["table", "json", "jsonl", "csv", "tsv", "md", "plain"]),
    st.sampled_from(["TABLE", "Json", "MD", "JSONL", "md ", "ｊｓｏｎ", "JSON"]),
    any_text,
)
sort_text = st.one_of(st.sampled_from(["date", "-date", "title", "status", "kind", "id", "-id", "DATE"]), any_text)

FTS_TOKENS = [
    '"',
    "'",
    "(",
    ")",
    "*",
    "^",
    "-",
    "+",
    ":",
    ",",
    "NEAR",
    "NEAR(",
    "NEAR/3",
    "AND",
    "OR",
    "NOT",
    "title:",
    "summary:",
    "nosuch:",
    "{title summary}:",
    "-title:",
    "labour",
    "labor",
    "skilled",
    "readmission",
    "150,000",
    "De Moor",
    "\\",
    "%",
    "_",
    "\x1b",
    "\u202e",
]
search_query = st.one_of(
    any_text,
    st.lists(st.sampled_from(FTS_TOKENS) | st.text(argv_chars, max_size=5), max_size=12).map(" ".join),
    st.lists(st.sampled_from(FTS_TOKENS), max_size=12).map("".join),
    st.integers(1, 3000).map(lambda n: "(" * n),
    st.integers(1, 1500).map(lambda n: "NOT " * n),
)
show_target = st.one_of(named_text, date_like)

FILTERS: dict[str, Any] = {
    "--country": named_text,
    "-c": named_text,
    "--status": named_text,
    "-s": named_text,
    "--kind": named_text,
    "-k": named_text,
    "--sector": named_text,
    "--since": date_like,
    "--until": date_like,
}
LIMIT = {"--limit": limit_text, "-n": limit_text}
FORMAT = {"--format": format_text, "-f": format_text}
LONG = {"-c": "--country", "-s": "--status", "-k": "--kind", "-n": "--limit", "-f": "--format"}
COMMANDS: dict[str, tuple[dict[str, Any], Any]] = {  # command -> (its options, its positional argument or None)
    "list": ({**FILTERS, "--sort": sort_text, **LIMIT, **FORMAT}, None),
    "search": ({**FILTERS, **LIMIT, **FORMAT}, search_query),
    "show": (FORMAT, show_target),
    "summary": ({**FILTERS, **FORMAT}, None),
    "summarise": ({**FILTERS, **FORMAT}, None),
    "timeline": ({**FILTERS, **LIMIT, **FORMAT}, None),
    "brief": (FORMAT, show_target),
}


@st.composite
def command_lines(draw: Any, commands: tuple[str, ...]) -> tuple[list[str], str | None]:
    """A command line for one of `commands` and the --format it asks for (None: the default)."""
    command = draw(st.sampled_from(commands))
    options, positional = COMMANDS[command]
    argv: list[str] = []
    argv += draw(st.lists(st.sampled_from(["--quiet", "-q", "--no-color"]), max_size=2))
    argv.append(command)
    fmt: str | None = None
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=4)):
        value = draw(options[name])
        if name in ("--format", "-f"):
            fmt = value
        if value == "" or value.startswith("-"):  # attached, so it is still this option's value
            argv.append(f"{LONG.get(name, name)}={value}")
        elif draw(st.booleans()):
            argv += [name, value]
        else:
            argv.append(f"{name}={value}" if name.startswith("--") else name + value)
    if positional is not None:
        value = draw(positional)
        if value.startswith("-") or draw(st.integers(0, 9)) == 0:
            argv.append("--")  # everything after is positional
        argv.append(value)
    return argv, fmt


# ---------------------------------------------------------------- the checks


def assert_well_behaved(argv: list[str], code: int, out: str, err: str, fmt: str | None) -> None:
    where = f"bilat {argv!r} exited {code}\nstderr: {err[:2000]!r}\nstdout: {out[:500]!r}"
    assert code in QUERY_EXIT_CODES, where
    assert "Traceback" not in err, where
    assert len(err.splitlines()) <= MAX_STDERR_LINES, where
    assert UNSAFE.search(err) is None, where
    if code != OK:
        assert out == "", where
        assert any(line.startswith("error: ") for line in err.splitlines()), where
        return
    machine = fmt is not None and fmt.lower() in MACHINE_FORMATS
    if machine:
        assert "\x1b" not in out, where
        if fmt.lower() == "json":
            json.loads(out)
        elif fmt.lower() == "jsonl":
            for line in out.splitlines():
                json.loads(line)
    else:
        bad = UNSAFE.search(out)
        assert bad is None, f"{where}\nraw {bad.group()!r} in stdout" if bad else where


def run_fast(argv: list[str]) -> tuple[int | None, str, str]:
    """`bilat.fast.run(argv)` in-process, its stdout and stderr captured (None: it leaves the line to Typer)."""
    from bilat.fast import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    return code, out.getvalue(), err.getvalue()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- one database for the module


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The mini dataset, built once for this module: (data file, database)."""
    root = tmp_path_factory.mktemp("properties-mini")
    data = copy_dataset(MINI_DATA, root / "mini")
    db = root / "bilat.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(root / "cache"))
        mp.setenv("BILAT_DATA", str(data))
        mp.setenv("BILAT_DB", str(db))
        mp.setenv("NO_COLOR", "1")
        mp.setenv("COLUMNS", "100")
        built = cli("build")
        assert built.exit_code == OK, built.stderr
    yield data, db


@pytest.fixture
def on_mini(mini_db: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point this test at the shared database; queries must leave it exactly as it was."""
    data, db = mini_db
    monkeypatch.setenv("BILAT_DATA", str(data))
    monkeypatch.setenv("BILAT_DB", str(db))
    before = _digest(db)
    yield db
    assert _digest(db) == before, "a query changed the database"


SETTINGS_QUERY = budget(120)


@SETTINGS_QUERY
@given(line=command_lines(("list",)))
@example(line=(["list", "--limit", str(2**63)], None))
@example(line=(["list", "-n", "9" * 4301, "--format", "json"], "json"))
@example(line=(["list", "--since", "٢٠٢٥", "--until", "9999-12-31"], None))
@example(line=(["list", "--country", "\x1b]0;pwned\x07", "--format", "md"], "md"))
def test_list_any_options(on_mini: Path, line: tuple[list[str], str | None]) -> None:
    argv, fmt = line
    r = cli(*argv)
    assert_well_behaved(argv, r.exit_code, r.stdout, r.stderr, fmt)


@SETTINGS_QUERY
@given(line=command_lines(("search",)))
@example(line=(["search", "(" * 5000], None))
@example(line=(["search", 'title:"skilled NEAR(x* ^'], None))
@example(line=(["search", "labour", "--limit", str(2**64), "--format", "jsonl"], "jsonl"))
def test_search_any_query_and_options(on_mini: Path, line: tuple[list[str], str | None]) -> None:
    argv, fmt = line
    r = cli(*argv)
    assert_well_behaved(argv, r.exit_code, r.stdout, r.stderr, fmt)


@SETTINGS_QUERY
@given(line=command_lines(("show", "brief")))
@example(line=(["brief", "0000-01-01"], None))
@example(line=(["brief", "9999-12-31", "--format", "json"], "json"))
@example(line=(["show", "\x1b[2J\u202e"], None))
def test_show_and_brief_any_target(on_mini: Path, line: tuple[list[str], str | None]) -> None:
    argv, fmt = line
    r = cli(*argv)
    assert_well_behaved(argv, r.exit_code, r.stdout, r.stderr, fmt)


@SETTINGS_QUERY
@given(line=command_lines(("summary", "summarise", "timeline")))
def test_summary_and_timeline_any_options(on_mini: Path, line: tuple[list[str], str | None]) -> None:
    argv, fmt = line
    r = cli(*argv)
    assert_well_behaved(argv, r.exit_code, r.stdout, r.stderr, fmt)


ALL_QUERIES = tuple(COMMANDS)


@budget(150)
@given(line=command_lines(ALL_QUERIES))
@example(line=(["list", "--limit", "9" * 4301], None))
@example(line=(["search", "labour", "-n", "9" * 5000], None))
@example(line=(["timeline", "--limit=" + "9" * 4301], None))
def test_fast_path_any_command_line(on_mini: Path, line: tuple[list[str], str | None]) -> None:
    """bilat.fast.run answers (well-behaved) or hands over untouched: None with nothing written."""
    argv, fmt = line
    code, out, err = run_fast(argv)
    if code is None:
        assert (out, err) == ("", ""), f"fast.run({argv!r}) wrote output, then handed the line to Typer"
        return
    assert_well_behaved(argv, code, out, err, fmt)


@budget(80)
@given(line=command_lines(ALL_QUERIES))
def test_fast_path_agrees_with_typer(on_mini: Path, line: tuple[list[str], str | None]) -> None:
    """Whenever the fast path answers, Typer gives the same exit code, stdout and stderr."""
    argv, _ = line
    code, out, err = run_fast(argv)
    assume(code is not None)
    r = cli(*argv)
    assert (r.exit_code, r.stdout, r.stderr) == (code, out, err), f"bilat {argv!r}"


# ---------------------------------------------------------------- the loader and the validator

MINI_TEXT = (MINI_DATA / "agreements.yaml").read_text(encoding="utf-8")
LOCATED = re.compile(r"(\d+):(\d+): ")
LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def check(path: Path) -> list[Any]:
    from bilat.validate import check_dataset

    return list(check_dataset(path))


def assert_located(problems: list[Any], yaml_file: Path, content: bytes) -> None:
    """Each problem prints as one line `FILE:LINE:COLUMN: ...`, inside the file, with no raw control character."""
    from bilat.load import display_name

    name = display_name(yaml_file)
    folder = display_name(yaml_file.parent)
    lines = len(LINE_BREAKS.split(content.decode("utf-8", "replace"))) + 1
    for problem in problems:
        text = str(problem)
        assert "\n" not in text and "\r" not in text, f"not one line: {text!r}"
        bad = UNSAFE.search(text)
        assert bad is None, f"raw {bad.group()!r} in {text!r}" if bad else text
        if text.startswith(name + ":"):
            m = LOCATED.match(text, len(name) + 1)
            assert m, f"no LINE:COLUMN after the file name: {text!r}"
            line, column = int(m.group(1)), int(m.group(2))
            assert 1 <= line <= lines and column >= 1, f"outside the file ({lines} lines): {text!r}"
        else:  # a source text, located in its own file
            assert text.startswith(folder + os.sep), f"not located in the dataset: {text!r}"
            assert re.match(r"[^:]+:\d+:\d+: ", text), f"no FILE:LINE:COLUMN: {text!r}"


@st.composite
def mutated_mini(draw: Any) -> bytes:
    """The mini dataset's text with a slice deleted, replaced, duplicated or something inserted."""
    text = MINI_TEXT
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 200)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        piece = draw(
            st.one_of(
                st.text(max_size=20),
                st.sampled_from(["\n", "\t", ": ", "- ", "[", "{", "&a ", "*a", "!!", "? ", "---\n", "...\n", "#"]),
            )
        )
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "replace":
            text = text[:i] + piece + text[j:]
        else:
            text = text[:j] + text[i:j] + text[j:]
    return text.encode("utf-8", "surrogatepass")


whole_files = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    mutated_mini(),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf",
            b"---\n...\n",
            b"agreements:\n",
            b"empty: true\n",
            b"agreements: []\nempty: true\n",
            b"- 1\n",
            b"!!python/object/apply:os.system ['true']\n",
            b"a: &a [*a]\n",
            b"\xff\xfe\x00a",
            b"\x00" * 100,
            b"agreements:\n  - \xc3\x28\n",
        ]
    ),
)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A dataset folder with the mini sources; the test writes agreements.yaml."""
    folder = tmp_path / "data"
    shutil.copytree(MINI_DATA / "sources", folder / "sources")
    return folder


@budget(250)
@given(content=whole_files)
def test_validate_never_raises_on_any_file(scratch: Path, content: bytes) -> None:
    yaml_file = scratch / "agreements.yaml"
    yaml_file.write_bytes(content)
    assert_located(check(yaml_file), yaml_file, content)


# ---------------------------------------------------------------- one field replaced by any YAML scalar

# field -> (the section to look in, or None for the whole file; a line `(prefix)(value)` whose value is replaced).
# Found by pattern, not by exact text, so the test follows edits to the mini dataset.
TARGET_PATTERNS: dict[str, tuple[str | None, str]] = {
    "source id": ("sources", r"^(  - id: )(.+)$"),
    "published": ("sources", r"^(    published: )(.+)$"),
    "file": ("sources", r"^(    file: )(.+)$"),
    "person country": ("people", r"^(    country: )(.+)$"),
    "as_of": ("people", r"^(        as_of: )(.+)$"),
    "aliases": ("people", r"^(    aliases: )(.+)$"),
    "event date": ("events", r"^(    date: )(.+)$"),
    "event countries": ("events", r"^(    countries: )(.+)$"),
    "agreement id": ("agreements", r"^(  - id: )(.+)$"),
    "title": ("agreements", r"^(    title: )(.+)$"),
    "kind": ("agreements", r"^(    kind: )(.+)$"),
    "parties": ("agreements", r"^(    parties: )(.+)$"),
    "sectors": ("agreements", r"^(    sectors: )(.+)$"),
    "summary": ("agreements", r"^(    summary: )(.+)$"),
    "figure value": ("agreements", r"^(      - value: )(.+)$"),
    "figure unit": ("agreements", r"^(        unit: )(.+)$"),
    "status": ("agreements", r"^(      - status: )(.+)$"),
    "status event": ("agreements", r"^(        event: )(.+)$"),
    "quote": ("agreements", r"^(            quote: )(.+)$"),
    "follow-up status": ("follow_ups", r"^(    status: )(.+)$"),
    "reading value": ("discrepancies", r"^(      - value: )(.+)$"),
}


def _locate(section: str | None, pattern: str) -> tuple[int, int] | None:
    start = MINI_TEXT.find(f"\n{section}:\n") if section else 0
    if start < 0:
        return None
    m = re.compile(pattern, re.M).search(MINI_TEXT, start)
    return (m.start(2), m.end(2)) if m else None


TARGETS = {name: span for name, where in TARGET_PATTERNS.items() if (span := _locate(*where)) is not None}
assert len(TARGETS) >= 15, f"the mini dataset changed shape: only {sorted(TARGETS)} found"
RECORD_IDS = re.findall(r"^  - id: (\S+)$", MINI_TEXT, re.M)

YAML_SCALARS = [
    "0x10",
    "0o17",
    "017",
    "0b101",
    "2:30",
    "190:20:30",
    "1_000",
    "+12",
    "-0",
    ".inf",
    "-.inf",
    ".nan",
    ".NaN",
    "1e400",
    "-1e400",
    "1.5e3",
    "0.",
    "~",
    "null",
    "Null",
    "",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "2025-04-12",
    "2025-04-12T10:00:00Z",
    "2025-4-1",
    "0000-01-01",
    "9999-12-31",
    "2025-02-30",
    "!!binary aGVsbG8=",
    "!!str 0x10",
    "!!int '12'",
    "!!float 1e400",
    "!!python/object/apply:os.system ['true']",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!custom x",
    "&a x",
    "*a",
    "*nosuch",
    "{}",
    "[]",
    "{a: 1}",
    "[1, [2, [3]]]",
    "''",
    '""',
    '" "',
    '"\\x1b[31mred"',
    '"\\u202e"',
    '"\\ud800"',
    '"\\0"',
    '"\\N\\_\\L\\P"',
    "'\t'",
    "|\n      literal",
    ">-\n      folded",
    "? complex",
    "- item",
    "@reserved",
    "`reserved",
    "%TAG",
    "#comment",
    "a: b",
    "<<: {a: 1}",
    "=",
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    "9" * 4300,
    "9" * 4301,
    "9" * 20_000,
    "-" + "9" * 5000,
    "1" + "0" * 400 + ".5",
]


def _nested(depth: int, kind: str) -> str:
    if kind == "seq":
        return "[" * depth + "]" * depth
    if kind == "map":
        return "{a: " * depth + "1" + "}" * depth
    if kind == "mixed":
        return "[{a: " * depth + "1" + "}]" * depth
    return "[" * depth  # unbalanced


def _quoted(text: str, style: str) -> str:
    if style == "double":
        return json.dumps(text)  # YAML reads JSON strings, escapes and all
    return "'" + text.replace("'", "''") + "'"


yaml_scalars = st.one_of(
    st.sampled_from(YAML_SCALARS),
    st.integers(-(2**80), 2**80).map(str),
    st.floats().map(repr),
    st.text(st.characters(blacklist_characters="\n\r"), max_size=30),
    st.text(max_size=30),
    st.builds(_quoted, st.text(max_size=40), st.sampled_from(["double", "single"])),
    st.builds(_nested, st.integers(1, 1200), st.sampled_from(["seq", "map", "mixed", "unbalanced"])),
    st.lists(st.sampled_from([*YAML_SCALARS[:40], "labour-mobility", "PK", "BY"]), max_size=4).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
    st.integers(1, 20_000).map(lambda n: "9" * n),
)


_CASES = itertools.count()


def replaced(field: str, scalar: str) -> str:
    start, end = TARGETS[field]
    return MINI_TEXT[:start] + scalar + MINI_TEXT[end:]


QUERIES_AFTER_BUILD = [
    ["list"],
    ["list", "--format", "table"],
    ["list", "--format", "json"],
    ["list", "--format", "csv"],
    ["list", "--sort", "title"],
    ["search", "skilled"],
    ["search", "readmission", "--format", "md"],
    ["summary"],
    ["summary", "--format", "json"],
    ["timeline"],
    ["timeline", "--format", "md"],
    ["brief", "2025-04-12"],
    ["brief", "belarus", "--format", "json"],
]


@budget(200)
@given(field=st.sampled_from(sorted(TARGETS)), scalar=yaml_scalars)
@example(field="as_of", scalar="9" * 4301)
@example(field="agreement id", scalar="9" * 4301)
@example(field="figure value", scalar=str(2**63))
@example(field="sectors", scalar="[" * 1200 + "]" * 1200)
def test_any_scalar_in_a_field_validate_and_build_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, scalar: str
) -> None:
    yaml_file, problems = _write_case(tmp_path, field, scalar)
    r = _build(yaml_file, monkeypatch)
    where = f"{field}: {scalar[:300]!r}\nexit {r.exit_code}\nstderr: {r.stderr[:1000]!r}\nproblems: {problems[:3]}"
    assert r.exit_code in (OK, INVALID), where
    assert "Traceback" not in r.stderr, where
    assert r.exit_code == (OK if not problems else INVALID), "validate and build disagree\n" + where


def _write_case(tmp_path: Path, field: str, scalar: str) -> tuple[Path, list[Any]]:
    """A copy of the mini dataset with `field` set to `scalar`, and what validate says of it (checked)."""
    yaml_file = copy_dataset(MINI_DATA, tmp_path / f"case-{next(_CASES)}")
    yaml_file.write_text(replaced(field, scalar), encoding="utf-8", errors="surrogatepass")
    problems = check(yaml_file)
    assert_located(problems, yaml_file, yaml_file.read_bytes())
    return yaml_file, problems


def _build(yaml_file: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("BILAT_DATA", str(yaml_file))
    monkeypatch.setenv("BILAT_DB", str(yaml_file.parent / "bilat.sqlite"))
    return cli("build")


TEXT_FIELDS = sorted(set(TARGETS) & {"title", "summary", "figure unit", "aliases", "event countries", "parties"})


@budget(60)
@given(
    field=st.sampled_from(sorted(TARGETS)) | st.sampled_from(TEXT_FIELDS),
    scalar=yaml_scalars | st.builds(_quoted, st.text(max_size=60), st.sampled_from(["double", "single"])),
)
@example(field="title", scalar='"\\x1b]0;pwned\\x07 \\u202e \\x9b31m"')
@example(field="summary", scalar='"line one\\nline two\\r\\tend"')
def test_a_dataset_that_validates_builds_and_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, scalar: str
) -> None:
    """Whatever value validate accepts, build succeeds and every query renders it without a crash or a raw escape."""
    yaml_file, problems = _write_case(tmp_path, field, scalar)
    if problems:
        return  # refused: the agreement with build is the test above
    r = _build(yaml_file, monkeypatch)
    assert r.exit_code == OK, f"{field}: {scalar[:300]!r} validates, but build exits {r.exit_code}: {r.stderr[:1000]}"
    for argv in [
        *QUERIES_AFTER_BUILD,
        *(["show", i] for i in RECORD_IDS),
        *(["brief", i, "--format", "md"] for i in RECORD_IDS),
    ]:
        q = cli(*argv)
        fmt = argv[argv.index("--format") + 1] if "--format" in argv else None
        assert_well_behaved([*argv, f"<{field}: {scalar[:100]!r}>"], q.exit_code, q.stdout, q.stderr, fmt)
