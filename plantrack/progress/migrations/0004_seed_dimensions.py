"""The standard disaggregation dimensions (PRODUCT.md capability 2), and the submission
time of the updates sent before updates had one."""

from django.db import migrations
from django.db.models import F

DIMENSIONS = [
    ("sex", "Sex", "Хүйс", [("female", "Female", "Эмэгтэй"), ("male", "Male", "Эрэгтэй")]),
    (
        "age-group",
        "Age group",
        "Насны бүлэг",
        [
            ("0-14", "0–14", "0–14"),
            ("15-24", "15–24", "15–24"),
            ("25-64", "25–64", "25–64"),
            ("65-plus", "65 and over", "65 ба түүнээс дээш"),
        ],
    ),
    (
        "disability",
        "Disability",
        "Хөгжлийн бэрхшээл",
        [
            ("with-disability", "With a disability", "Хөгжлийн бэрхшээлтэй"),
            ("without-disability", "Without a disability", "Хөгжлийн бэрхшээлгүй"),
        ],
    ),
    (
        "urban-rural",
        "Urban / rural",
        "Хот / хөдөө",
        [("urban", "Urban", "Хот"), ("rural", "Rural", "Хөдөө")],
    ),
]


def seed(apps, schema_editor):
    Dimension = apps.get_model("progress", "Dimension")
    DimensionValue = apps.get_model("progress", "DimensionValue")
    Region = apps.get_model("organisations", "Region")
    for position, (slug, name_en, name_mn, values) in enumerate(DIMENSIONS):
        dimension, _ = Dimension.objects.get_or_create(
            slug=slug, defaults={"name_en": name_en, "name_mn": name_mn, "position": position}
        )
        for value_position, (value_slug, value_en, value_mn) in enumerate(values):
            DimensionValue.objects.get_or_create(
                dimension=dimension,
                slug=value_slug,
                defaults={"name_en": value_en, "name_mn": value_mn, "position": value_position},
            )
    # Aimags and the capital's districts, from the organisations' region list.
    aimag, _ = Dimension.objects.get_or_create(
        slug="aimag",
        defaults={"name_en": "Aimag", "name_mn": "Аймаг", "position": len(DIMENSIONS)},
    )
    for region in Region.objects.exclude(kind="national").order_by("position", "name_en"):
        DimensionValue.objects.get_or_create(
            dimension=aimag,
            slug=region.slug,
            defaults={
                "name_en": region.name_en,
                "name_mn": region.name_mn,
                "position": region.position,
            },
        )
    ProgressUpdate = apps.get_model("progress", "ProgressUpdate")
    ProgressUpdate.objects.filter(submitted_at__isnull=True).exclude(state="draft").update(
        submitted_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0003_reporting"),
        ("organisations", "0010_registration_decisions"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
