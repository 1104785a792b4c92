"""Seed the managed lists: target groups and fields from the DICE roadmap, and regions."""

from django.db import migrations

TARGET_GROUPS = [
    ("children", "Children and adolescents", "Хүүхэд, өсвөр насныхан"),
    ("youth", "Youth, including unemployed and unskilled youth", "Залуучууд, ажилгүй болон мэргэжилгүй залуус"),
    ("women", "Girls and women", "Охид, эмэгтэйчүүд"),
    ("older-people", "Older people", "Ахмад настан"),
    ("disability", "People with disabilities", "Хөгжлийн бэрхшээлтэй хүмүүс"),
    ("herders", "Herders and poor rural people", "Малчид, хөдөөгийн ядуу иргэд"),
    ("unemployed", "Unemployed people", "Ажилгүй иргэд"),
    ("ethnic-minorities", "Ethnic minorities", "Үндэстний цөөнх"),
    ("migrants", "Domestic migrants and urban poor", "Дотоодын шилжин суурьшигчид, хотын ядуу иргэд"),
    ("sexual-minorities", "Sexual minorities", "Бэлгийн цөөнх"),
    ("trafficking-victims", "Victims of human trafficking", "Хүний наймааны хохирогчид"),
]
FIELDS = [
    ("digital-inclusion", "Digital inclusion and skills", "Цахим оролцоо, ур чадвар"),
    ("human-rights", "Human rights", "Хүний эрх"),
    ("legal-aid", "Legal aid and access to justice", "Хууль зүйн туслалцаа, шударга ёсны хүртээмж"),
    ("education", "Education", "Боловсрол"),
    ("health", "Health", "Эрүүл мэнд"),
    ("social-protection", "Social protection and welfare", "Нийгмийн хамгаалал, халамж"),
    ("gender-equality", "Gender equality", "Жендэрийн тэгш байдал"),
    ("child-protection", "Child protection", "Хүүхэд хамгаалал"),
    ("disability-rights", "Disability rights", "Хөгжлийн бэрхшээлтэй хүмүүсийн эрх"),
    ("rural-development", "Rural and herder development", "Хөдөө орон нутаг, малчдын хөгжил"),
    ("environment", "Environment and disaster risk", "Байгаль орчин, гамшгийн эрсдэл"),
    ("anti-corruption", "Anti-corruption and integrity", "Авлигын эсрэг, шударга байдал"),
    ("security-oversight", "Security-sector oversight", "Аюулгүй байдлын салбарын хяналт"),
    ("media", "Media and access to information", "Хэвлэл мэдээлэл, мэдээлэл авах эрх"),
    ("civic-participation", "Civic participation and policy advocacy", "Иргэний оролцоо, бодлогын нөлөөлөл"),
]
AIMAGS = [
    ("arkhangai", "Arkhangai", "Архангай"), ("bayan-olgii", "Bayan-Ölgii", "Баян-Өлгий"),
    ("bayankhongor", "Bayankhongor", "Баянхонгор"), ("bulgan", "Bulgan", "Булган"),
    ("darkhan-uul", "Darkhan-Uul", "Дархан-Уул"), ("dornod", "Dornod", "Дорнод"),
    ("dornogovi", "Dornogovi", "Дорноговь"), ("dundgovi", "Dundgovi", "Дундговь"),
    ("govi-altai", "Govi-Altai", "Говь-Алтай"), ("govisumber", "Govisümber", "Говьсүмбэр"),
    ("khentii", "Khentii", "Хэнтий"), ("khovd", "Khovd", "Ховд"), ("khovsgol", "Khövsgöl", "Хөвсгөл"),
    ("omnogovi", "Ömnögovi", "Өмнөговь"), ("orkhon", "Orkhon", "Орхон"),
    ("ovorkhangai", "Övörkhangai", "Өвөрхангай"), ("selenge", "Selenge", "Сэлэнгэ"),
    ("sukhbaatar-aimag", "Sükhbaatar", "Сүхбаатар"), ("tov", "Töv", "Төв"), ("uvs", "Uvs", "Увс"),
    ("zavkhan", "Zavkhan", "Завхан"),
]
DISTRICTS = [
    ("baganuur", "Baganuur", "Багануур"), ("bagakhangai", "Bagakhangai", "Багахангай"),
    ("bayangol", "Bayangol", "Баянгол"), ("bayanzurkh", "Bayanzürkh", "Баянзүрх"),
    ("chingeltei", "Chingeltei", "Чингэлтэй"), ("khan-uul", "Khan-Uul", "Хан-Уул"),
    ("nalaikh", "Nalaikh", "Налайх"), ("songinokhairkhan", "Songinokhairkhan", "Сонгинохайрхан"),
    ("sukhbaatar-district", "Sükhbaatar district", "Сүхбаатар дүүрэг"),
]


def seed(apps, schema_editor):
    TargetGroup = apps.get_model("organisations", "TargetGroup")
    FieldOfActivity = apps.get_model("organisations", "FieldOfActivity")
    Region = apps.get_model("organisations", "Region")
    for position, (slug, en, mn) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_mn": mn, "position": position}
        )
    for position, (slug, en, mn) in enumerate(FIELDS):
        FieldOfActivity.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_mn": mn, "position": position}
        )
    Region.objects.update_or_create(
        slug="national",
        defaults={"name_en": "Whole country", "name_mn": "Улс даяар", "kind": "national", "position": 0},
    )
    for position, (slug, en, mn) in enumerate(DISTRICTS, start=1):
        Region.objects.update_or_create(
            slug=slug,
            defaults={"name_en": f"Ulaanbaatar, {en}", "name_mn": f"Улаанбаатар, {mn}",
                      "kind": "capital_district", "position": position},
        )
    for position, (slug, en, mn) in enumerate(AIMAGS, start=100):
        Region.objects.update_or_create(
            slug=slug,
            defaults={"name_en": f"{en} aimag", "name_mn": f"{mn} аймаг", "kind": "aimag",
                      "position": position},
        )


def unseed(apps, schema_editor):
    for model in ("TargetGroup", "FieldOfActivity", "Region"):
        apps.get_model("organisations", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_registry")]
    operations = [migrations.RunPython(seed, unseed)]
