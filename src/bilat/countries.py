"""Country names and codes: rows for the compiled database, and resolving what a user types.

The database holds a `countries` row for every country the dataset uses, so the
query path resolves `--country belarus` with one indexed lookup.  pycountry
(~50-100 ms to import) is loaded only at build time or when a name is not in
the database (a real country the dataset does not cover, or a typo).
"""

from __future__ import annotations

import sqlite3

from bilat.problems import UsageError

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Iterable

# pycountry has no demonyms; these are the ones users type most.  Extend as the dataset grows.
DEMONYMS: dict[str, str] = {
    "PK": "Pakistani",
    "BE": "Belgian",
    "BY": "Belarusian",
    "CN": "Chinese",
    "US": "American",
    "GB": "British",
    "DE": "German",
    "FR": "French",
    "TR": "Turkish",
    "RU": "Russian",
    "IN": "Indian",
    "AF": "Afghan",
    "IR": "Iranian",
    "SA": "Saudi",
    "AE": "Emirati",
    "QA": "Qatari",
    "JP": "Japanese",
    "IT": "Italian",
    "ES": "Spanish",
    "NL": "Dutch",
    "PL": "Polish",
    "UA": "Ukrainian",
    "KZ": "Kazakh",
    "UZ": "Uzbek",
    "BD": "Bangladeshi",
    "LK": "Sri Lankan",
    "NP": "Nepalese",
    "MY": "Malaysian",
    "ID": "Indonesian",
    "EG": "Egyptian",
    "NO": "Norwegian",
    "SE": "Swedish",
    "CH": "Swiss",
    "AT": "Austrian",
    "CA": "Canadian",
    "AU": "Australian",
    "KR": "South Korean",
    "AZ": "Azerbaijani",
    "VN": "Vietnamese",
    "TH": "Thai",
    "PH": "Filipino",
    "KP": "North Korean",
    "SY": "Syrian",
    "IQ": "Iraqi",
    "IL": "Israeli",
    "JO": "Jordanian",
    "LB": "Lebanese",
    "KW": "Kuwaiti",
    "OM": "Omani",
    "BH": "Bahraini",
    "YE": "Yemeni",
    "TM": "Turkmen",
    "TJ": "Tajik",
    "KG": "Kyrgyz",
    "MN": "Mongolian",
    "MM": "Burmese",
    "NG": "Nigerian",
    "KE": "Kenyan",
    "ZA": "South African",
    "ET": "Ethiopian",
    "MA": "Moroccan",
    "DZ": "Algerian",
    "TN": "Tunisian",
    "BR": "Brazilian",
    "MX": "Mexican",
    "AR": "Argentine",
    "PT": "Portuguese",
    "GR": "Greek",
    "IE": "Irish",
    "DK": "Danish",
    "FI": "Finnish",
    "CZ": "Czech",
    "HU": "Hungarian",
    "RO": "Romanian",
    "BG": "Bulgarian",
    "RS": "Serbian",
    "HR": "Croatian",
    "GE": "Georgian",
    "AM": "Armenian",
    "NZ": "New Zealander",
    "SG": "Singaporean",
}
# Names pycountry does not know under the name people use.
ALIASES: dict[str, str] = {
    "turkey": "TR",
    "uk": "GB",
    "usa": "US",
    "russia": "RU",
    "iran": "IR",
    "south korea": "KR",
    "north korea": "KP",
    "byelorussia": "BY",
    "belorussia": "BY",
    "white russia": "BY",
    "kosovo": "XK",
    "ivory coast": "CI",
    "burma": "MM",
    "holland": "NL",
    "the netherlands": "NL",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "u.s.": "US",
    "u.k.": "GB",
    "uae": "AE",
    "ksa": "SA",
    "czech republic": "CZ",
    "czechia": "CZ",
    "republic of korea": "KR",
    "korea": "KR",
    "dprk": "KP",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "moldova": "MD",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "palestine": "PS",
    "taiwan": "TW",
    "macedonia": "MK",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "drc": "CD",
    "dr congo": "CD",
    "congo-kinshasa": "CD",
    "congo-brazzaville": "CG",
    "vatican": "VA",
    "persia": "IR",
    "ceylon": "LK",
    "siam": "TH",
}


def country_rows(codes: list[str]) -> list[dict[str, str | None]]:
    """One row per alpha-2 code for the database's `countries` table."""
    import pycountry

    rows = []
    for code in codes:
        country = pycountry.countries.get(alpha_2=code)
        rows.append(
            {
                "code": code,
                "alpha3": country.alpha_3 if country else None,
                "name": (getattr(country, "common_name", None) or country.name) if country else code,
                "official_name": getattr(country, "official_name", None) if country else None,
                "demonym": DEMONYMS.get(code),
            }
        )
    return rows


def _folded(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def resolve_country(conn: sqlite3.Connection, text: str) -> str:
    """The alpha-2 code for what the user typed: a code, a name or a demonym, any case.

    A real country the dataset does not cover resolves too (the result is then
    simply empty); anything else is a usage error with a "did you mean".
    """
    wanted = text.strip().casefold()
    if not wanted:
        raise UsageError("--country: empty country name")
    row = conn.execute(
        """select code from countries where lower(code) = ?1 or lower(alpha3) = ?1 or lower(name) = ?1
           or lower(official_name) = ?1 or lower(demonym) = ?1 limit 1""",
        (wanted,),
    ).fetchone()
    if row:
        return str(row[0])
    code = country_code(text)
    if code:
        return code
    known = {str(r[0]): str(r[1]) for r in conn.execute("select code, name from countries")}
    near = nearest_country(text, known.values())
    raise UsageError(f"--country: unknown country {text!r}" + (f" (did you mean {near!r}?)" if near else ""))


def country_code(text: str) -> str | None:
    """The alpha-2 code `text` names, without the database: an alias (uk, Byelorussia), a demonym (Belarusian),
    a code or a name pycountry knows (by, BLR, Belarus), any case, accents aside; None when it names none."""
    wanted = text.strip().casefold()
    if not wanted:
        return None
    if wanted in ALIASES:
        return ALIASES[wanted]
    by_demonym = {d.casefold(): code for code, d in DEMONYMS.items()}
    if wanted in by_demonym:  # a country the dataset does not cover, named as its people are
        return by_demonym[wanted]
    import pycountry

    try:
        return str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        pass
    folded = _folded(wanted)  # Turkiye, Cote d'Ivoire: the name without its accents
    for country in pycountry.countries:
        spellings = (country.name, getattr(country, "common_name", ""), getattr(country, "official_name", ""))
        if any(name and _folded(name.casefold()) == folded for name in spellings):
            return str(country.alpha_2)
    return None


def country_name(code: str) -> str | None:
    """The common name of an alpha-2 code (Belarus for BY), or None for a code pycountry does not have (XK)."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else None


def nearest_country(text: str, extra: Iterable[str] = ()) -> str | None:
    """The country name (or alias, or demonym) closest to a misspelt one (Belrus -> Belarus), or None."""
    import pycountry

    from bilat.suggest import closest

    names = sorted({*extra, *(c.name for c in pycountry.countries), *ALIASES, *DEMONYMS.values()})
    found = closest(text.strip().title(), names)
    return found[0] if found else None
