"""Through the real door (sandboxed ``parse_bytes``) into the database: what gets written."""

from __future__ import annotations

import pytest

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import plan_import

from .helpers import FIGURES, RECOMMENDATIONS, ROADMAP, VISION, seed_text
from .pdf import make_pdf, printed_lines
from .test_docx import recommendations_docx, roadmap_docx
from .test_pdf import vision_paragraphs


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages and warnings are checked in English (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _stored(plan: Plan) -> dict[str, int]:
    kinds = Item.objects.filter(plan=plan).values_list("kind", flat=True)
    return {kind: list(kinds).count(kind) for kind in set(kinds)}


def test_a_text_in_the_vision_shape_makes_a_new_plan_and_leaves_vision_alone(db, vision):  # type: ignore[no-untyped-def]
    before = list(Item.objects.filter(plan=vision).order_by("pk").values_list())
    edited = seed_text(VISION).replace("Ensure human", "Ensure  human").encode("utf-8")
    result = plan_import(parsed=parse_bytes(edited), system=True)
    assert result.plan_created
    assert result.plan.pk != vision.pk
    assert result.plan.slug == "safe-and-secure-society"  # from the document's own title
    assert result.plan.issuer == ""  # not in the document: the user gives it
    assert _stored(result.plan) == FIGURES[VISION.name]
    assert list(Item.objects.filter(plan=vision).order_by("pk").values_list()) == before


@pytest.mark.parametrize(
    ("build", "seed"),
    [(recommendations_docx, RECOMMENDATIONS), (roadmap_docx, ROADMAP)],
    ids=["recommendations", "roadmap-table"],
)
def test_a_word_document_is_imported_with_the_seed_figures(db, build, seed):  # type: ignore[no-untyped-def]
    parsed = parse_bytes(build())
    parsed.short_name = f"word-{seed.stem}"
    result = plan_import(parsed=parsed, system=True)
    assert _stored(result.plan) == FIGURES[seed.name]


def test_a_printed_pdf_is_imported_with_the_seed_figures(db):  # type: ignore[no-untyped-def]
    data = make_pdf(printed_lines(vision_paragraphs()), head="Vision 2050 — Goal 7")
    result = plan_import(parsed=parse_bytes(data), system=True)
    assert _stored(result.plan) == FIGURES[VISION.name]
    assert Item.objects.get(plan=result.plan, code="7.3.13").title_en.startswith("Fully equip")


def test_a_scanned_pdf_is_refused_and_nothing_is_written(db):  # type: ignore[no-untyped-def]
    plans = Plan.objects.count()
    with pytest.raises(ImportRefused, match="scanned image with no text"):
        parse_bytes(make_pdf(["x"] * 3, text_layer=False))
    assert Plan.objects.count() == plans
