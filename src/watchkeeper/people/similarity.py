"""String similarity for names, in plain Python: Jaro-Winkler, Soundex and short forms."""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_LETTER = re.compile(r"[^A-Z]+")

# Common English diminutives (a naming convention, not data about anyone). A short form maps to
# the formal names it commonly stands for.
_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "BOB": ("ROBERT",),
    "ROB": ("ROBERT",),
    "BOBBY": ("ROBERT",),
    "BILL": ("WILLIAM",),
    "BILLY": ("WILLIAM",),
    "WILL": ("WILLIAM",),
    "LIAM": ("WILLIAM",),
    "JIM": ("JAMES",),
    "JIMMY": ("JAMES",),
    "JACK": ("JOHN",),
    "JOHNNY": ("JOHN",),
    "DICK": ("RICHARD",),
    "RICK": ("RICHARD",),
    "TED": ("EDWARD", "EDMUND"),
    "NED": ("EDWARD",),
    "PEGGY": ("MARGARET",),
    "MAGGIE": ("MARGARET",),
    "MEG": ("MARGARET",),
    "BETTY": ("ELIZABETH",),
    "LIZ": ("ELIZABETH",),
    "BETH": ("ELIZABETH",),
    "KATE": ("KATHERINE", "CATHERINE"),
    "KATIE": ("KATHERINE", "CATHERINE"),
    "SALLY": ("SARAH",),
    "HARRY": ("HENRY", "HAROLD"),
    "CHUCK": ("CHARLES",),
    "CHARLIE": ("CHARLES", "CHARLOTTE"),
    "SANDY": ("ALEXANDER", "ALEXANDRA"),
    "TONY": ("ANTHONY",),
    "PATSY": ("PATRICIA",),
}

SHORT_FORM_SCORE = 0.95  # a recognised short form is strong, not perfect, evidence
PREFIX_SHORT_FORM_MIN = 3  # "Alex" for "Alexander"; two letters are too weak to count


def normalise_name(name: str) -> str:
    """Uppercase letters only: ``O'Neill-Smith`` → ``ONEILLSMITH``."""
    return _NOT_LETTER.sub("", name.upper())


@lru_cache(maxsize=1 << 17)
def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity in [0, 1] (Winkler 1990; common prefix up to 4 characters)."""
    jaro = _jaro(a, b)
    prefix = 0
    for ca, cb in zip(a[:4], b[:4], strict=False):
        if ca != cb:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1.0 - jaro)


def _jaro(a: str, b: str) -> float:
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(0, max(len(a), len(b)) // 2 - 1)
    taken = [False] * len(b)
    matched_a = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not taken[j] and b[j] == ch:
                taken[j] = True
                matched_a.append(ch)
                break
    m = len(matched_a)
    if m == 0:
        return 0.0
    matched_b = [b[j] for j in range(len(b)) if taken[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) // 2
    return (m / len(a) + m / len(b) + (m - transpositions) / m) / 3.0


_SOUNDEX_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}


@lru_cache(maxsize=1 << 16)
def soundex(name: str) -> str:
    """American Soundex (the US National Archives rule: H and W do not separate codes)."""
    letters = normalise_name(name)
    if not letters:
        return ""
    code = [letters[0]]
    last = _SOUNDEX_CODES.get(letters[0], "")
    for ch in letters[1:]:
        digit = _SOUNDEX_CODES.get(ch, "")
        if digit and digit != last:
            code.append(digit)
        if ch not in "HW":
            last = digit
    return "".join(code)[:4].ljust(4, "0")


def formal_forms(given: str) -> tuple[str, ...]:
    """The formal names a given name may stand for, itself included."""
    norm = normalise_name(given)
    return (norm, *_SHORT_FORMS.get(norm, ()))


def is_short_form(a: str, b: str) -> bool:
    """True when one given name is a recognised short form or a clear prefix of the other."""
    if a == b:
        return False
    if b in _SHORT_FORMS.get(a, ()) or a in _SHORT_FORMS.get(b, ()):
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= PREFIX_SHORT_FORM_MIN and long.startswith(short)


def given_similarity(a: str, b: str) -> float:
    """Jaro-Winkler on normalised given names, lifted to ``SHORT_FORM_SCORE`` for short forms."""
    score = jaro_winkler(a, b)
    if score < SHORT_FORM_SCORE and is_short_form(a, b):
        return SHORT_FORM_SCORE
    return score
