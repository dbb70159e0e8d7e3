"""A realistic synthetic bilat dataset of N records, in the project's own YAML format.

    python bench/generate.py 25000 bench/.work/data-25000

writes a FOLDER: ``part-00000.yaml``, ``part-00001.yaml``... (``--per-file``
records each, split into several ``---`` documents) and ``sources/`` with the
source texts every evidence quote is taken from, so the dataset is valid under
``bilat validate``.  A "record" is any top-level record; per 1,000 records:

    10 sources, 60 people, 20 organisations, 300 events, 500 agreements,
    90 follow-ups, 20 discrepancies

spread over ~120 countries (a few of them in most agreements, as in a real
treaty database), 1950-2025, every status, kind and sector, 1-3 quotes each.
Most references stay inside a file; about one in five points into the previous
file (people, organisations, events), as in a hand-split dataset.

Search terms with a known frequency (see ``TERMS``): a rare word (one record
per file), a medium one (~2% of records) and a very common one (most records).

The output is deterministic for a given N and seed; every file is generated on
its own (two processes), so 250,000 records take about a minute.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = "3"  # bump when the output changes: cached datasets are regenerated

# Shares per 1,000 records (sum = 1,000).
SHARES: dict[str, int] = {
    "sources": 10,
    "people": 60,
    "organisations": 20,
    "events": 300,
    "agreements": 500,
    "follow_ups": 90,
    "discrepancies": 20,
}
TERMS = {"rare": "zeolite", "medium": "desalination", "common": "cooperation"}

COUNTRIES: list[tuple[str, str]] = [
    ("US", "the United States"),
    ("CN", "China"),
    ("RU", "Russia"),
    ("GB", "the United Kingdom"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("IN", "India"),
    ("JP", "Japan"),
    ("PK", "Pakistan"),
    ("TR", "Türkiye"),
    ("BR", "Brazil"),
    ("IT", "Italy"),
    ("ES", "Spain"),
    ("CA", "Canada"),
    ("AU", "Australia"),
    ("KR", "South Korea"),
    ("SA", "Saudi Arabia"),
    ("AE", "the UAE"),
    ("EG", "Egypt"),
    ("ZA", "South Africa"),
    ("NG", "Nigeria"),
    ("MX", "Mexico"),
    ("AR", "Argentina"),
    ("ID", "Indonesia"),
    ("MY", "Malaysia"),
    ("TH", "Thailand"),
    ("VN", "Viet Nam"),
    ("PH", "the Philippines"),
    ("BD", "Bangladesh"),
    ("LK", "Sri Lanka"),
    ("NP", "Nepal"),
    ("AF", "Afghanistan"),
    ("IR", "Iran"),
    ("IQ", "Iraq"),
    ("SY", "Syria"),
    ("JO", "Jordan"),
    ("IL", "Israel"),
    ("LB", "Lebanon"),
    ("QA", "Qatar"),
    ("KW", "Kuwait"),
    ("OM", "Oman"),
    ("BH", "Bahrain"),
    ("YE", "Yemen"),
    ("KZ", "Kazakhstan"),
    ("UZ", "Uzbekistan"),
    ("TM", "Turkmenistan"),
    ("KG", "Kyrgyzstan"),
    ("TJ", "Tajikistan"),
    ("AZ", "Azerbaijan"),
    ("GE", "Georgia"),
    ("AM", "Armenia"),
    ("BY", "Belarus"),
    ("UA", "Ukraine"),
    ("PL", "Poland"),
    ("CZ", "Czechia"),
    ("SK", "Slovakia"),
    ("HU", "Hungary"),
    ("RO", "Romania"),
    ("BG", "Bulgaria"),
    ("RS", "Serbia"),
    ("HR", "Croatia"),
    ("SI", "Slovenia"),
    ("GR", "Greece"),
    ("CY", "Cyprus"),
    ("MT", "Malta"),
    ("PT", "Portugal"),
    ("BE", "Belgium"),
    ("NL", "the Netherlands"),
    ("LU", "Luxembourg"),
    ("CH", "Switzerland"),
    ("AT", "Austria"),
    ("DK", "Denmark"),
    ("NO", "Norway"),
    ("SE", "Sweden"),
    ("FI", "Finland"),
    ("IS", "Iceland"),
    ("IE", "Ireland"),
    ("EE", "Estonia"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("MA", "Morocco"),
    ("DZ", "Algeria"),
    ("TN", "Tunisia"),
    ("LY", "Libya"),
    ("SD", "Sudan"),
    ("ET", "Ethiopia"),
    ("KE", "Kenya"),
    ("TZ", "Tanzania"),
    ("UG", "Uganda"),
    ("GH", "Ghana"),
    ("SN", "Senegal"),
    ("CI", "Côte d'Ivoire"),
    ("CM", "Cameroon"),
    ("AO", "Angola"),
    ("MZ", "Mozambique"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
    ("CL", "Chile"),
    ("PE", "Peru"),
    ("CO", "Colombia"),
    ("VE", "Venezuela"),
    ("EC", "Ecuador"),
    ("BO", "Bolivia"),
    ("PY", "Paraguay"),
    ("UY", "Uruguay"),
    ("CU", "Cuba"),
    ("NZ", "New Zealand"),
    ("SG", "Singapore"),
    ("MM", "Myanmar"),
    ("KH", "Cambodia"),
    ("LA", "Laos"),
    ("MN", "Mongolia"),
    ("KP", "North Korea"),
    ("BN", "Brunei"),
    ("MV", "Maldives"),
    ("BT", "Bhutan"),
    ("FJ", "Fiji"),
    ("PG", "Papua New Guinea"),
    ("JM", "Jamaica"),
    ("TT", "Trinidad and Tobago"),
]
# Zipf-like: the first countries take part in many agreements, the last in few.
COUNTRY_WEIGHTS = [1 / (rank + 1) ** 0.9 for rank in range(len(COUNTRIES))]

STATUSES = ["under-discussion", "talks-agreed", "planned", "agreed", "signed", "to-be-renewed", "existing"]
SECTORS = [
    "labour-mobility",
    "migration",
    "defence",
    "security",
    "trade",
    "investment",
    "finance",
    "industry",
    "mining",
    "energy",
    "agriculture",
    "food-security",
    "health",
    "education",
    "science-technology",
    "standards",
    "environment",
    "disaster-management",
    "media",
    "tourism",
    "sports",
    "parliamentary",
    "political",
    "people-to-people",
    "transport",
]
SECTOR_WORDS = {s: s.replace("-", " ") for s in SECTORS}
KINDS = ["mou", "memorandum-of-cooperation", "agreement", "protocol", "roadmap", "action-plan", "commitment"]
KIND_WORDS = {
    "mou": "Memorandum of Understanding",
    "memorandum-of-cooperation": "Memorandum of Cooperation",
    "agreement": "Agreement",
    "protocol": "Protocol",
    "roadmap": "Roadmap",
    "action-plan": "Action Plan",
    "commitment": "Commitment",
}
EVENT_KINDS = ["meeting", "talks", "visit", "commission-session", "engagement"]
SOURCE_KINDS = ["news-report", "press-release", "social-media-post"]
OUTLETS = ["Daily Ledger", "Capital Times", "Wire Service", "Foreign Office", "Morning Post", "The Observer", None]
FIRST = [
    "Amina",
    "Boris",
    "Chen",
    "Dara",
    "Elena",
    "Farid",
    "Greta",
    "Hassan",
    "Ines",
    "Jonas",
    "Kaveh",
    "Lena",
    "Marek",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rania",
    "Sergei",
    "Tariq",
    "Ulla",
    "Viktor",
    "Wen",
    "Yusuf",
]
LAST = [
    "Ahmed",
    "Baranov",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gupta",
    "Haddad",
    "Ivanova",
    "Jansen",
    "Khan",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Qureshi",
    "Rossi",
    "Sato",
    "Tanaka",
    "Usmanov",
    "Varga",
    "Wójcik",
    "Yilmaz",
    "Zhou",
]
TITLES = [
    "Minister of Foreign Affairs",
    "Minister of Commerce",
    "Ambassador",
    "Secretary of State",
    "Deputy Minister",
    "Prime Minister",
    "President",
    "Director General",
    "Senator",
]
CITIES = [
    "Capital City",
    "Port Harbour",
    "Old Town",
    "Riverside",
    "the Presidential Palace",
    "the Foreign Ministry",
    "the Convention Centre",
    "Hilltop",
    "Lakeside",
]
TOPIC_WORDS = [
    "skilled workers",
    "vocational training",
    "customs procedures",
    "double taxation",
    "visa facilitation",
    "air services",
    "cultural exchange",
    "fisheries",
    "renewable energy",
    "railway links",
    "halal trade",
    "pharmaceuticals",
    "seed certification",
    "port operations",
    "satellite data",
    "water management",
]
UNITS = ["skilled workers", "scholarships", "million dollars", "megawatts", "tonnes", "students", "hectares"]


@dataclass
class _File:
    """Records and source sentences of one generated file."""

    index: int
    rng: random.Random
    counts: dict[str, int]
    full: dict[str, int]  # the counts of a full file (the previous file is always full)
    sentences: dict[int, list[str]] = field(default_factory=dict)  # source number -> its sentences

    def rid(self, section: str, k: int, file: int | None = None) -> str:
        prefix = {
            "sources": "s",
            "people": "p",
            "organisations": "o",
            "events": "e",
            "agreements": "a",
            "follow_ups": "f",
            "discrepancies": "d",
        }[section]
        return f"{prefix}-{self.index if file is None else file:05d}-{k:04d}"

    def ref(self, section: str) -> str:
        """An id in this file (4 in 5) or in the previous full file."""
        if self.index > 0 and self.rng.random() < 0.2:
            return self.rid(section, self.rng.randrange(self.full[section]), self.index - 1)
        return self.rid(section, self.rng.randrange(max(1, self.counts[section])))

    def quote(self, sentence: str, source: int | None = None) -> tuple[str, str]:
        """Put `sentence` into a source text of this file; return (source id, a verbatim quote from it)."""
        n = self.rng.randrange(self.counts["sources"]) if source is None else source
        self.sentences.setdefault(n, []).append(sentence)
        words = sentence.rstrip(".").split(" ")
        if len(words) > 8 and self.rng.random() < 0.5:  # often a quote is part of a sentence
            start = self.rng.randrange(0, len(words) - 6)
            words = words[start : start + self.rng.randrange(6, len(words) - start + 1)]
        return self.rid("sources", n), " ".join(words)


def _q(value: str | None) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def _counts(records: int) -> dict[str, int]:
    counts = {s: records * share // 1000 for s, share in SHARES.items()}
    counts["sources"] = max(1, counts["sources"])
    counts["people"] = max(1, counts["people"])
    counts["organisations"] = max(1, counts["organisations"])
    counts["events"] = max(1, counts["events"])
    counts["agreements"] += records - sum(counts.values())  # the rest are agreements
    return counts


def _date(rng: random.Random, precision: str = "day") -> str:
    year = int(2025 - (rng.random() ** 1.6) * 75)  # more recent years are busier
    if precision == "year":
        return f"{year}"
    month = rng.randrange(1, 13)
    if precision == "month":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{rng.randrange(1, 29):02d}"


def _pair(rng: random.Random) -> list[tuple[str, str]]:
    first = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    while True:
        second = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        if second != first:
            return [first, second]


def _evidence(f: _File, lines: list[str], indent: str, sentences: list[str]) -> None:
    lines.append(f"{indent}evidence:")
    for sentence in sentences:
        source, quote = f.quote(sentence)
        lines.append(f"{indent}  - source: {source}")
        lines.append(f"{indent}    quote: {_q(quote)}")


def _flavour(f: _File, k: int, section: str) -> str:
    """Words that give the search terms their frequencies."""
    words = ""
    if section == "agreements" and k == 7:
        words += f" It covers {TERMS['rare']} processing."  # one record per file
    if f.rng.random() < 0.02:
        words += f" It includes {TERMS['medium']} plants."
    return words


def _source(f: _File, k: int, lines: list[str]) -> None:
    rng = f.rng
    lines += [
        f"  - id: {f.rid('sources', k)}",
        f"    outlet: {_q(rng.choice(OUTLETS))}",
        f'    published: "{_date(rng)}"',
        f"    dateline: {_q(rng.choice(CITIES))}",
        f"    kind: {rng.choice(SOURCE_KINDS)}",
        f"    file: {f.rid('sources', k)}.txt",
    ]


def _person(f: _File, k: int, lines: list[str]) -> None:
    rng = f.rng
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    code, country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    lines += [f"  - id: {f.rid('people', k)}", f"    name: {_q(name)}"]
    if rng.random() < 0.5:
        lines += ["    aliases:", f"      - {_q(last)}", f"      - {_q('@' + first.lower() + last.lower())}"]
    lines.append(f'    country: "{code}"')
    roles = rng.randrange(0, 3)
    if roles:
        lines.append("    roles:")
    for _ in range(roles):
        title = rng.choice(TITLES)
        lines.append(f"      - title: {_q(title)}")
        if rng.random() < 0.6:
            lines.append(f"        organisation: {f.ref('organisations')}")
        lines.append(f'        as_of: "{_date(rng, "month")}"')
        _evidence(f, lines, "        ", [f"{title} {name} of {country} spoke to reporters."])
    _evidence(f, lines, "    ", [f"{name} attended the session on behalf of {country}."])


def _organisation(f: _File, k: int, lines: list[str]) -> None:
    rng = f.rng
    code, country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    sector = SECTOR_WORDS[rng.choice(SECTORS)]
    name = f"Ministry of {sector.title()} of {country}"
    lines += [
        f"  - id: {f.rid('organisations', k)}",
        f"    name: {_q(name)}",
        f"    aliases:\n      - {_q('MO' + sector[:3].upper() + '-' + code)}",
        f'    country: "{code}"',
    ]
    _evidence(f, lines, "    ", [f"The {name} issued a statement on {sector} cooperation."])


def _event(f: _File, k: int, lines: list[str]) -> None:
    rng = f.rng
    (a, a_name), (b, b_name) = _pair(rng)
    kind = rng.choice(EVENT_KINDS)
    precision = rng.choices(["day", "month", "year", "reported"], [70, 15, 5, 10])[0]
    date = _date(rng, "day" if precision == "reported" else precision)
    topic = rng.choice(TOPIC_WORDS)
    title = f"{kind.replace('-', ' ').capitalize()} between {a_name} and {b_name} on {topic}"
    place = rng.choice(CITIES)
    lines += [
        f"  - id: {f.rid('events', k)}",
        f"    title: {_q(title)}",
        f"    kind: {kind}",
        f'    date: "{date}"',
        f"    date_precision: {precision}",
    ]
    if precision == "reported":
        lines.append('    date_derivation: "the day the report was published"')
    lines += [f"    place: {_q(place)}", f'    countries: ["{a}", "{b}"]']
    people = rng.randrange(0, 4)
    if people:
        lines.append("    participants:")
        for _ in range(people):
            lines.append(f"      - person: {f.ref('people')}")
            if rng.random() < 0.5:
                lines.append(f"        role: {_q(rng.choice(TITLES))}")
    if rng.random() < 0.4:
        lines += ["    organisations:", f"      - {f.ref('organisations')}"]
    summary = (
        f"Officials of {a_name} and {b_name} discussed {topic} and wider {TERMS['common']} "
        f"at {place}.{_flavour(f, k, 'events')}"
    )
    lines.append(f"    summary: {_q(summary)}")
    if k % 10 and rng.random() < 0.1:
        lines.append(f"    part_of: {f.rid('events', k - 1)}")
    sentences = [f"Delegations of {a_name} and {b_name} met at {place} to discuss {topic} on {date}."]
    if rng.random() < 0.5:
        sentences.append(f"The {kind.replace('-', ' ')} on {topic} was described as productive by both sides.")
    _evidence(f, lines, "    ", sentences)


_PROGRESSIONS = [
    ["under-discussion"],
    ["under-discussion", "agreed"],
    ["talks-agreed", "under-discussion", "signed"],
    ["planned", "signed"],
    ["signed"],
    ["signed", "to-be-renewed"],
    ["existing"],
    ["agreed"],
]


def _agreement(f: _File, k: int, lines: list[str]) -> None:
    rng = f.rng
    parties = _pair(rng)
    if rng.random() < 0.05:
        third = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        if third not in parties:
            parties.append(third)
    names = " and ".join(n for _, n in parties)
    kind = rng.choice(KINDS)
    sectors = rng.sample(SECTORS, rng.choices([1, 2, 3], [60, 30, 10])[0])
    topic = rng.choice(TOPIC_WORDS)
    title = f"{KIND_WORDS[kind]} on {SECTOR_WORDS[sectors[0]]} {TERMS['common']} between {names}"
    lines += [
        f"  - id: {f.rid('agreements', k)}",
        f"    title: {_q(title)}",
        f"    kind: {kind}",
        "    parties: [" + ", ".join(f'"{c}"' for c, _ in parties) + "]",
    ]
    if rng.random() < 0.3:
        lines += ["    institutions:", f"      - {f.ref('organisations')}"]
    lines.append("    sectors: [" + ", ".join(sectors) + "]")
    summary = (
        f"The {KIND_WORDS[kind]} sets out {TERMS['common']} between {names} on {topic} "
        f"and {SECTOR_WORDS[sectors[-1]]}.{_flavour(f, k, 'agreements')}"
    )
    lines.append(f"    summary: {_q(summary)}")
    if rng.random() < 0.25:
        value, unit = rng.randrange(10, 200) * 1000, rng.choice(UNITS)
        lines += ["    figures:", f"      - value: {value}", f"        unit: {_q(unit)}"]
        _evidence(f, lines, "        ", [f"The {KIND_WORDS[kind]} provides for {value:,} {unit} over five years."])
    lines.append("    status_history:")
    year = int(_date(rng, "year"))
    for step in rng.choice(_PROGRESSIONS):
        lines.append(f"      - status: {step}")
        if rng.random() < 0.5:
            lines.append(f"        event: {f.ref('events')}")
        else:
            year = min(2025, year + rng.randrange(0, 3))
            lines.append(f'        date: "{year}-{rng.randrange(1, 13):02d}"')
        verb = {"signed": "signed", "existing": "already have", "planned": "plan to sign"}.get(step, "discussed")
        _evidence(f, lines, "        ", [f"{names} {verb} the {title} in {year}."])
    sentences = [f"Under the {KIND_WORDS[kind]}, {names} will expand {TERMS['common']} on {topic}."]
    if rng.random() < 0.5:
        sentences.append(f"Officials said the {topic} arrangement would be reviewed every two years.")
    _evidence(f, lines, "    ", sentences)


def _follow_up(f: _File, k: int, lines: list[str]) -> None:
    rng = f.rng
    topic = rng.choice(TOPIC_WORDS)
    description = f"The sides agreed to hold a further round on {topic} within a year."
    lines += [
        f"  - id: {f.rid('follow_ups', k)}",
        f"    description: {_q(description)}",
        f'    due: "{_date(rng, "year")}"' if rng.random() < 0.5 else "    due: null",
        f"    place: {_q(rng.choice(CITIES))}",
        f"    event: {f.ref('events')}",
    ]
    if rng.random() < 0.5:
        lines += ["    agreements:", f"      - {f.rid('agreements', rng.randrange(f.counts['agreements']))}"]
    status = rng.choice(["open", "fulfilled", "unclear"])
    lines.append(f"    status: {status}")
    if status == "fulfilled":
        lines += ["    outcome:", f"      note: {_q('The round on ' + topic + ' was held.')}"]
        _evidence(f, lines, "      ", [f"The follow-up round on {topic} took place as promised."])
    _evidence(f, lines, "    ", [f"Both sides promised another round of talks on {topic} next year."])


def _discrepancy(f: _File, k: int, lines: list[str]) -> None:
    rng = f.rng
    subject = f.rid("agreements", rng.randrange(f.counts["agreements"]))
    first, second = _date(rng, "year"), _date(rng, "year")
    lines += [
        f"  - id: {f.rid('discrepancies', k)}",
        f"    subject: {_q('agreement:' + subject)}",
        "    field: date",
        "    note: The reports give different years.",
        "    readings:",
    ]
    for value in (first, second):
        source, quote = f.quote(f"According to officials, the instrument {subject} dates from {value}.")
        lines += [f"      - value: {_q(value)}", f"        source: {source}", f"        quote: {_q(quote)}"]


_WRITERS = {
    "sources": _source,
    "people": _person,
    "organisations": _organisation,
    "events": _event,
    "agreements": _agreement,
    "follow_ups": _follow_up,
    "discrepancies": _discrepancy,
}


def generate_file(out: Path, index: int, records: int, per_file: int, docs: int, seed: int) -> dict[str, int]:
    """Write part-INDEX.yaml (with `records` records in `docs` documents) and its source texts."""
    f = _File(index, random.Random(f"{seed}-{index}"), _counts(records), _counts(per_file))
    parts = [f"# bilat synthetic benchmark data, file {index} (bench/generate.py v{GENERATOR_VERSION})"]
    for d in range(docs):
        lines = ["---"]
        for section, count in f.counts.items():
            if section == "sources":
                if d == 0:  # every source first: texts are written once the sentences are known
                    lines.append("sources:")
                    for k in range(count):
                        _source(f, k, lines)
                continue
            lo, hi = count * d // docs, count * (d + 1) // docs
            if hi > lo:
                lines.append(f"{section}:")
                for k in range(lo, hi):
                    _WRITERS[section](f, k, lines)
        parts.append("\n".join(lines))
    (out / f"part-{index:05d}.yaml").write_text("\n".join(parts) + "\n", encoding="utf-8")
    folder = out / "sources"
    for n in range(f.counts["sources"]):
        sentences = f.sentences.get(n, [])
        body = "\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
        header = f"Report {f.rid('sources', n)}\n\n"
        (folder / f"{f.rid('sources', n)}.txt").write_text(header + body + "\n", encoding="utf-8")
    return f.counts


def generate(n: int, out: Path, *, per_file: int = 1000, docs: int = 4, seed: int = 7, jobs: int = 2) -> dict[str, int]:
    """Write a dataset of `n` records to the folder `out` (replaced); return the record counts."""
    if out.exists():
        shutil.rmtree(out)
    (out / "sources").mkdir(parents=True)
    sizes = [per_file] * (n // per_file) + ([n % per_file] if n % per_file else [])
    totals: dict[str, int] = dict.fromkeys(SHARES, 0)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(generate_file, out, i, size, per_file, docs, seed) for i, size in enumerate(sizes)]
        for future in futures:
            for section, count in future.result().items():
                totals[section] += count
    stamp = {"generator": GENERATOR_VERSION, "n": n, "per_file": per_file, "docs": docs, "seed": seed, **totals}
    (out.parent / f"{out.name}.json").write_text(json.dumps(stamp, indent=1) + "\n")
    return totals


def cached(n: int, work: Path, *, per_file: int = 1000, seed: int = 7) -> Path:
    """The dataset of `n` records under `work`, generated only when missing or from another generator version."""
    out = work / f"data-{n}"
    stamp = work / f"data-{n}.json"
    try:
        meta = json.loads(stamp.read_text())
        if meta["generator"] == GENERATOR_VERSION and meta["per_file"] == per_file and meta["seed"] == seed:
            return out
    except (OSError, ValueError, KeyError):
        pass
    started = time.perf_counter()
    stamp.unlink(missing_ok=True)
    generate(n, out, per_file=per_file, seed=seed)
    print(f"generated {n:,} records in {out} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out", type=Path, help="output folder (replaced)")
    parser.add_argument("--per-file", type=int, default=1000, help="records per YAML file [1000]")
    parser.add_argument("--docs", type=int, default=4, help="--- documents per file [4]")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    totals = generate(args.n, args.out, per_file=args.per_file, docs=args.docs, seed=args.seed)
    print(f"{sum(totals.values()):,} records in {time.perf_counter() - started:.1f}s: {totals}", file=sys.stderr)


if __name__ == "__main__":
    main()
