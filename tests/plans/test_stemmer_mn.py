"""The Mongolian light stemmer, the folded key, romanised Mongolian and English spellings."""

from __future__ import annotations

import pytest

from plantrack.plans import spelling_en
from plantrack.plans.stemmer_mn import fold, latin_to_cyrillic, stem, strip_suffixes, variants

# (word form, the stem its inflections meet at)
STEMS = [
    # fleeting vowel: the base and the inflected form meet
    ("гэрэлтүүлэг", "гэрэлтүүл"),
    ("гэрэлтүүлгийг", "гэрэлтүүл"),
    ("гэрэлтүүлгийн", "гэрэлтүүл"),
    ("хөгжил", "хөгж"),
    ("хөгжлийн", "хөгж"),
    # genitive -ийн/-ын/-ний, after a long vowel -гийн
    ("мэдээллийн", "мэдээл"),
    ("цагдаагийн", "цагд"),
    ("цагдаа", "цагд"),
    ("хүчний", "хүч"),
    ("улсын", "улс"),
    # accusative -ийг/-ыг/-г
    ("хилийг", "хил"),
    ("цагдааг", "цагд"),
    # dative-locative -д/-т
    ("зэвсэгт", "зэвс"),
    ("байгууллагад", "байгуулл"),
    # ablative -аас/-ээс/-оос/-өөс
    ("хилээс", "хил"),
    ("байгууллагаас", "байгуулл"),
    # instrumental -аар/-ээр/-оор/-өөр
    ("хараагаар", "хараа"),
    ("хуулиар", "хуул"),
    # comitative -тай/-тэй/-той
    ("түймэртэй", "түйм"),
    # directive -руу/-рүү
    ("хотруу", "хот"),
    # plural -ууд/-үүд/-нууд/-чууд
    ("байгууллагууд", "байгуулл"),
    ("байгууллагуудад", "байгуулл"),
    ("иргэдүүд", "ирг"),
    # possessive / reflexive
    ("хамгаалалтаа", "хамгаал"),
    ("эрсдэлээ", "эрсд"),
    # verbs
    ("хамгаалах", "хамгаал"),
    # too short to stem, or not Cyrillic
    ("хил", "хил"),
    ("ДНХ", "днх"),
    ("border", "border"),
]


@pytest.mark.parametrize(("word", "expected"), STEMS)
def test_the_stem_of_a_word_form(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_a_stem_keeps_at_least_three_letters_and_a_vowel() -> None:
    for word in ("аав", "эхээ", "гэрт", "хүнд", "цаг", "ууд"):
        assert len(strip_suffixes(word)) >= 3, word


@pytest.mark.parametrize(
    ("query", "text_word"),
    [
        ("гэрэлтүүлэг", "гэрэлтүүлгийг"),
        ("гэрэлтүүлгийг", "гэрэлтүүлэг"),
        ("хөгжил", "хөгжлийн"),
        ("хүчин", "хүчний"),
        ("газар", "газрын"),
        ("гамшгийн", "гамшиг"),
        ("цагдаа", "цагдаагийн"),
        ("зэвсэгт", "зэвсэг"),
        ("байгууллагуудад", "байгууллага"),
        ("улсын", "улсаас"),
        ("хилийг", "хил"),
        ("Алсын", "алсын"),
        ("төв", "төвүүд"),
    ],
)
def test_a_query_word_meets_other_forms_of_it(query: str, text_word: str) -> None:
    assert any(fold(text_word).startswith(prefix) for prefix in variants(query))


@pytest.mark.parametrize(
    ("query", "text_word"),
    [("хил", "хэл"), ("кибер", "кино"), ("цагдаа", "цаг"), ("хараа", "хар")],
)
def test_a_query_word_does_not_meet_other_words(query: str, text_word: str) -> None:
    assert not any(fold(text_word).startswith(prefix) for prefix in variants(query))


def test_fold_loses_what_romanisations_lose() -> None:
    assert fold("Өргөн Үйлчилгээ ерөнхий ёс алсын хувь") == "оргон уилчилгээ эронхи эс алсин хув"
    assert fold("Төв") == fold("тов") == "тов"


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("tsagdaa", "цагдаа"),
        ("zevsegt", "зэвсэгт"),
        ("alsyn", "алсын"),
        ("kharaa", "хараа"),
        ("haraa", "хараа"),
        ("alsiin", "алсийн"),
        ("khil", "хил"),
        ("chuulgan", "чуулган"),
        ("shuukh", "шуух"),
        ("yavdal", "явдал"),
        ("yoson", "ёсон"),
        ("yum", "юм"),
        ("medeelliin", "мэдээллийн"),
        ("baidal", "байдал"),
        ("ulaanbaatar", "улаанбаатар"),
        ("öndör", "өндөр"),
        ("üildver", "үйлдвэр"),
        ("zhil", "жил"),
        ("jil", "жил"),
        ("7", ""),
        ("код-7", ""),
    ],
)
def test_romanised_mongolian_reads_as_cyrillic(latin: str, cyrillic: str) -> None:
    assert latin_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("latin", "text"),
    [
        ("alsiin", "алсын"),
        ("alsyn", "алсын"),
        ("tov", "төв"),
        ("ondor", "өндөр"),
        ("uildver", "үйлдвэр"),
        ("yeronkhii", "ерөнхий"),
        ("eronhii", "ерөнхий"),
    ],
)
def test_ambiguous_romanised_vowels_meet_through_the_folded_key(latin: str, text: str) -> None:
    assert fold(latin_to_cyrillic(latin)) == fold(text)


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("defence", "defense"),
        ("organisation", "organization"),
        ("organisations", "organizations"),
        ("programme", "program"),
        ("prioritise", "prioritize"),
        ("mobilisation", "mobilization"),
        ("centre", "center"),
        ("labour", "labor"),
        ("neighbouring", "neighboring"),
        ("travellers", "travelers"),
        ("fibre", "fiber"),
    ],
)
def test_british_and_american_spellings_find_each_other(british: str, american: str) -> None:
    assert american in spelling_en.spellings(british)
    assert british in spelling_en.spellings(american)


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [("policies", "polic"), ("policy", "polic"), ("protected", "protect"), ("training", "train"),
     ("borders", "border"), ("process", "process"), ("status", "status"), ("witnesses", "witness")],
)  # fmt: skip
def test_the_light_english_stem(word: str, stemmed: str) -> None:
    assert spelling_en.stem(word) == stemmed
