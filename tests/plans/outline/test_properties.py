"""Property tests: random outlines read back to the same tree; random input only ever refuses."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.document import read_text
from plantrack.plans.importers.docx_reader import read_docx
from plantrack.plans.importers.limits import DEFAULT_LIMITS
from plantrack.plans.importers.mapping import parse_document
from plantrack.plans.importers.reader import read_outline

from .word import WordDocument

WORDS = st.text(alphabet="abcdefghijklmnoprstuvwyz", min_size=2, max_size=9)
TITLES = st.lists(WORDS, min_size=1, max_size=6).map(lambda w: " ".join(w).capitalize() + ".")

Tree = list[tuple[str, list]]  # type: ignore[type-arg]


def trees(depth: int) -> st.SearchStrategy[Tree]:
    if depth == 0:
        return st.lists(st.tuples(TITLES, st.just([])), min_size=1, max_size=4)
    return st.lists(st.tuples(TITLES, trees(depth - 1)), min_size=1, max_size=4)


OUTLINES = st.integers(min_value=0, max_value=2).flatmap(trees)
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def flatten(
    tree: Tree, prefix: str = "", parent: str | None = None
) -> list[tuple[str, str | None, str]]:
    rows: list[tuple[str, str | None, str]] = []
    for number, (title, children) in enumerate(tree, 1):
        code = f"{prefix}{number}"
        rows.append((code, parent, title))
        rows.extend(flatten(children, f"{code}.", code))
    return rows


def as_text(tree: Tree) -> str:
    return "\n".join(f"{code}. {title}" for code, _parent, title in flatten(tree))


def as_markdown(tree: Tree) -> str:
    lines = []
    for code, _parent, title in flatten(tree):
        depth = code.count(".")
        lines.append(f"{'#' * (depth + 2)} {code} {title}" if depth < 2 else f"- {code}. {title}")
        lines.append("")
    return "\n".join(lines)


def as_docx(tree: Tree) -> bytes:
    """Word's automatic multi-level numbering: the codes are not in the text."""
    word = WordDocument()
    abstract = word.abstract_list(
        [("decimal", "%1.", 1), ("decimal", "%1.%2.", 1), ("decimal", "%1.%2.%3.", 1)]
    )
    num = word.list_instance(abstract)
    word.heading("Plan", 1)
    for code, _parent, title in flatten(tree):
        word.numbered(title, num, code.count("."))
    return word.bytes()


def read_back(plan) -> list[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    return [(i.code, i.parent_code, i.title) for i in plan.items]


@FAST
@given(OUTLINES)
def test_a_random_outline_as_text_reads_back_to_the_same_tree(tree: Tree) -> None:
    assert read_back(parse_document(read_text(as_text(tree)))) == flatten(tree)


@FAST
@given(OUTLINES)
def test_a_random_outline_as_markdown_reads_back_to_the_same_tree(tree: Tree) -> None:
    assert read_back(parse_document(read_text(as_markdown(tree)))) == flatten(tree)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OUTLINES)
def test_a_random_outline_as_word_numbering_reads_back_to_the_same_tree(tree: Tree) -> None:
    assert read_back(parse_document(read_docx(as_docx(tree), DEFAULT_LIMITS))) == flatten(tree)


def _only_refuses(data: bytes) -> None:
    try:
        plan = read_outline(data, DEFAULT_LIMITS)
    except ImportRefused:
        return
    codes = [item.code for item in plan.items]
    assert len(codes) == len(set(codes))  # a plan that is read is a valid plan


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_only_ever_give_a_plan_or_a_refusal(data: bytes) -> None:
    _only_refuses(data)


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=300).map(lambda b: b"%PDF-1.4\n" + b)
    | st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b)
)
def test_random_pdf_and_zip_lookalikes_only_refuse(data: bytes) -> None:
    _only_refuses(data)


@settings(max_examples=80, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("1.2)(aiIvX -–•*#|\t\n\u00a0:ABCfirstFIRSTGoal7<b>**")),
        max_size=300,
    )
)
def test_random_outline_like_text_only_ever_gives_a_plan_or_a_refusal(text: str) -> None:
    _only_refuses(text.encode("utf-8"))


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\x00\x01\x02", "Привет".encode("cp1251")])
def test_empty_binary_and_legacy_encoded_files_are_refused(data: bytes) -> None:
    with pytest.raises(ImportRefused):
        read_outline(data, DEFAULT_LIMITS)


def as_odt(tree: Tree) -> bytes:
    """LibreOffice list-style numbering (1., 1.1., a)): the codes are not in the text."""
    from .odt import OdtDocument

    odt = OdtDocument()
    odt.heading("Plan", 1)
    odt.numbered(tree)
    return odt.bytes()


def odt_codes(tree: Tree) -> list[tuple[str, str | None, str]]:
    """The third level is lettered by the list style: 1.1.a rather than 1.1.1."""
    rows = []
    for code, parent, title in flatten(tree):
        parts = code.split(".")
        if len(parts) == 3:
            parts[2] = chr(96 + int(parts[2]))
            code = ".".join(parts)
        rows.append((code, parent, title))
    return rows


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OUTLINES)
def test_a_random_outline_as_odt_numbering_reads_back_to_the_same_tree(tree: Tree) -> None:
    assert read_back(read_outline(as_odt(tree), DEFAULT_LIMITS)) == odt_codes(tree)
