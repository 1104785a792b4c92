"""A light stemmer for Mongolian Cyrillic, a folded key, and Latin-letter transliteration.

No Snowball stemmer exists for Mongolian. This one strips the common suffixes
(case endings, plurals, possessive and reflexive endings, a few verb endings), keeps a
minimum stem, and handles the fleeting vowel of stems such as гэрэлтүүлэг / гэрэлтүүлгийг
(the vowel before the last consonant drops when a suffix follows).

Search uses :func:`variants`: prefixes, each matched against whole indexed words, so that a
query in any form meets the words of the text in any form (the index holds folded whole
words, see :func:`fold`). :func:`stem` gives the one form where the inflections meet
(гэрэлтүүлэг, гэрэлтүүлгийг → гэрэлтүүл) and is what the unit tests tabulate.

:func:`fold` is the key both the index and the query go through: lower case, ө→о, ү→у,
е/ё→э, ы/й/ий→и, soft and hard signs dropped. It loses distinctions romanisations lose
too, so that "tov", "tuv" and "төв" meet. The same folding is written in SQL in
:data:`plantrack.plans.search.SQLITE_FOLD` and ``PG_FOLD``; keep them in step.
"""

from __future__ import annotations

import re

VOWELS = set("аэиоуөүыяеёю")
SHORT_VOWELS = set("аэоөуүи")
CYRILLIC_RE = re.compile(r"[а-яёөү]", re.IGNORECASE)
MIN_STEM = 3

# Longest first within each group; every form spelled out (vowel harmony gives the
# variants). Two-letter and longer suffixes leave at least MIN_STEM letters, one-letter
# ones and the reflexive/possessive long vowels at least MIN_STEM + 1.
_SUFFIXES = sorted(
    {
        # genitive (with reflexive possessive)
        "ынхаа",
        "ийнхээ",
        "ынхоо",
        "ийнхаа",
        "гийнхаа",
        "гийнхээ",
        "гийн",
        "ийн",
        "ын",
        "ний",
        "ны",
        "ий",
        # accusative
        "гийг",
        "ийг",
        "ыг",
        "г",
        # dative-locative
        "ад",
        "эд",
        "од",
        "өд",
        "нд",
        "д",
        "т",
        # ablative
        "гаас",
        "гээс",
        "гоос",
        "гөөс",
        "наас",
        "нээс",
        "ноос",
        "нөөс",
        "иас",
        "иос",
        "аас",
        "ээс",
        "оос",
        "өөс",
        # instrumental
        "гаар",
        "гээр",
        "гоор",
        "гөөр",
        "иар",
        "иор",
        "аар",
        "ээр",
        "оор",
        "өөр",
        # comitative
        "тай",
        "тэй",
        "той",
        # directive
        "руу",
        "рүү",
        "луу",
        "лүү",
        # plural
        "нууд",
        "нүүд",
        "чууд",
        "чүүд",
        "ууд",
        "үүд",
        "нар",
        # reflexive / possessive
        "гаа",
        "гээ",
        "гоо",
        "гөө",
        "аа",
        "ээ",
        "оо",
        "өө",
        # verbs: infinitive and a few participles
        "ах",
        "эх",
        "ох",
        "өх",
        "сан",
        "сэн",
        "сон",
        "сөн",
    },
    key=len,
    reverse=True,
)
_LOOSE = {"г", "д", "т", "аа", "ээ", "оо", "өө"}


def is_cyrillic(word: str) -> bool:
    return bool(CYRILLIC_RE.search(word))


def fold(text: str) -> str:
    """The folded key of ``text`` (see the module's doc); the SQL versions do the same."""
    text = text.lower().replace("ий", "и")
    return text.translate(_FOLD_TABLE)


_FOLD_TABLE = str.maketrans(
    {"ө": "о", "ү": "у", "ё": "э", "е": "э", "ы": "и", "й": "и", "ь": None, "ъ": None}
)


def _has_vowel(text: str) -> bool:
    return any(ch in VOWELS for ch in text)


def _long_vowel_end(text: str) -> bool:
    return len(text) >= 2 and text[-1] in VOWELS | {"й"} and text[-2] in VOWELS


def strip_suffixes(word: str) -> str:
    """``word`` without up to three suffixes, never shorter than a stem may be."""
    word = word.lower().replace("ь", "")
    for _ in range(3):
        for suffix in _SUFFIXES:
            if not word.endswith(suffix):
                continue
            rest = word[: -len(suffix)]
            least = MIN_STEM + 1 if suffix in _LOOSE else MIN_STEM
            if suffix[0] == "г" and not _long_vowel_end(rest):
                continue  # -г, -гийн, -гаас … follow a long vowel or diphthong only
            if len(rest) >= least and _has_vowel(rest):
                word = rest
                break
        else:
            return word
    return word


def _harmony_vowel(stem: str) -> str:
    """The short vowel a suffix or a fleeting vowel takes after ``stem``."""
    if stem and stem[-1] in "жчш":
        return "и"  # гамшгийн → гамшиг
    for ch in reversed(stem):
        if ch in "ао" or ch == "у" or ch == "я":
            return "о" if ch == "о" else "а"
        if ch in "эөүе":
            return "ө" if ch == "ө" else "э"
    return "э"


def _consonant(ch: str) -> bool:
    return ch.isalpha() and ch not in VOWELS


def stem(word: str) -> str:
    """The form where a word's inflections meet: suffixes stripped, then a final short vowel
    and the fleeting vowel with its consonant (гэрэлтүүлэг → гэрэлтүүл), or the last
    consonant of a cluster (гэрэлтүүлг → гэрэлтүүл), given up while MIN_STEM + 1 letters
    remain."""
    word = word.lower()
    if not is_cyrillic(word) or len(word) <= MIN_STEM:
        return word
    base = strip_suffixes(word)
    if len(base) > MIN_STEM + 1 and base[-1] in SHORT_VOWELS and _consonant(base[-2]):
        base = base[:-1]  # байгууллага → байгууллаг (the vowel drops before a suffix)
    if len(base) >= MIN_STEM + 2 and _consonant(base[-1]):
        if len(base) >= MIN_STEM + 3 and base[-2] in SHORT_VOWELS and _consonant(base[-3]):
            return base[:-2]  # гэрэлтүүлэг → гэрэлтүүл
        if _consonant(base[-2]) and _has_vowel(base[:-1]):
            return base[:-1]  # гэрэлтүүлг → гэрэлтүүл
    return base


def variants(word: str) -> list[str]:
    """Folded prefixes that find ``word`` in any form: the word, its suffixes stripped, the
    fleeting vowel dropped (хөгжил → хөгжл-, matching хөгжлийн) or put back in vowel
    harmony (гэрэлтүүлг → гэрэлтүүлэг), and the meeting stem when it is long enough."""
    word = word.lower()
    found = [word]
    if is_cyrillic(word) and len(word) > MIN_STEM:
        base = strip_suffixes(word)
        found.append(base)
        if len(base) > MIN_STEM + 1 and base[-1] in SHORT_VOWELS and _consonant(base[-2]):
            base = base[:-1]
            found.append(base)
        if len(base) >= MIN_STEM + 1 and _consonant(base[-1]):
            if base[-2] in SHORT_VOWELS and _consonant(base[-3]):
                found.append(base[:-2] + base[-1])  # хөгжил → хөгжл
            elif _consonant(base[-2]) and _has_vowel(base[:-1]):
                found.append(base[:-1] + _harmony_vowel(base[:-1]) + base[-1])
        meeting = stem(word)
        if len(meeting) >= MIN_STEM + 2:
            found.append(meeting)
    return minimal_prefixes(fold(f) for f in found if f)


def minimal_prefixes(prefixes: object) -> list[str]:
    """The prefixes with any that another one already covers left out, in a stable order."""
    unique = sorted({p for p in prefixes if p}, key=lambda p: (len(p), p))  # type: ignore[attr-defined]
    kept: list[str] = []
    for prefix in unique:
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return kept


# Latin letters to Cyrillic, longest spelling first: the common romanisations of Mongolian
# (MNS 5217, the 2012 national standard, and informal spellings: kh or h for х, ts and c for
# ц, ii for ий, y for ы). Ambiguous vowels (o/ө, u/ү, e/э/е, i/ы) meet through fold().
_LATIN = {
    "shch": "щ",
    "kh": "х",
    "ts": "ц",
    "ch": "ч",
    "sh": "ш",
    "zh": "ж",
    "ya": "я",
    "ia": "я",
    "yo": "ё",
    "io": "ё",
    "yu": "ю",
    "iu": "ю",
    "ye": "е",
    "yi": "ы",
    "ii": "ий",
    "ai": "ай",
    "ei": "эй",
    "oi": "ой",
    "ui": "уй",
    "üi": "үй",
    "öi": "өй",
    "a": "а",
    "b": "б",
    "c": "ц",
    "d": "д",
    "e": "э",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "к",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "в",
    "x": "кс",
    "y": "ы",
    "z": "з",
    "ö": "ө",
    "ü": "ү",
    "ő": "ө",
    "ű": "ү",
}
_LATIN_KEYS = sorted(_LATIN, key=len, reverse=True)
LATIN_WORD_RE = re.compile(r"^[a-zöüőű]+$")


def latin_to_cyrillic(word: str) -> str:
    """A Latin-letter spelling of a Mongolian word in Cyrillic ("" when it is not one)."""
    word = word.lower()
    if not LATIN_WORD_RE.match(word):
        return ""
    out: list[str] = []
    i = 0
    while i < len(word):
        for key in _LATIN_KEYS:
            if word.startswith(key, i):
                out.append(_LATIN[key])
                i += len(key)
                break
        else:  # pragma: no cover - every letter of LATIN_WORD_RE has a spelling
            return ""
    return "".join(out)
