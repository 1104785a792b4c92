"""The soums of each aimag, a managed list with its parent aimag, so a registration's aimag and
soum can be checked against each other (issue 10).

Source: the administrative division of Mongolia (21 aimags and their soums; the aimag centres
are soums too, e.g. Даланзадгад in Өмнөговь, Сайнцагаан — Мандалговь — in Дундговь). Site
administrators keep the list current in the admin (Soums). The districts of Ulaanbaatar are
divided into numbered khoroos, which are not listed.
"""

from django.db import migrations, models
import django.db.models.deletion

SOUMS = {
    "arkhangai": "Эрдэнэбулган Батцэнгэл Булган Жаргалант Ихтамир Өгийнуур Өлзийт Өндөр-Улаан "
    "Тариат Төвшрүүлэх Хайрхан Хангай Хашаат Хотонт Цахир Цэнхэр Цэцэрлэг Чулуут Эрдэнэмандал",
    "bayan-olgii": "Өлгий Алтай Алтанцөгц Баяннуур Бугат Булган Буянт Дэлүүн Ногооннуур Сагсай "
    "Толбо Улаанхус Цагааннуур Цэнгэл",
    "bayankhongor": "Баянхонгор Баацагаан Баянбулаг Баянговь Баянлиг Баян-Овоо Баян-Өндөр "
    "Баянцагаан Богд Бөмбөгөр Бууцагаан Галуут Гурванбулаг Жаргалант Жинст Заг Өлзийт Хүрээмарал "
    "Шинэжинст Эрдэнэцогт",
    "bulgan": "Булган Баян-Агт Баяннуур Бугат Бүрэгхангай Гурванбулаг Дашинчилэн Могод Орхон "
    "Рашаант Сайхан Сэлэнгэ Тэшиг Хангал Хишиг-Өндөр Хутаг-Өндөр",
    "govi-altai": "Есөнбулаг Алтай Баян-Уул Бигэр Бугат Дарви Дэлгэр Жаргалан Тайшир Тонхил "
    "Төгрөг Халиун Хөхморьт Цогт Цээл Чандмань Шарга Эрдэнэ",
    "govisumber": "Сүмбэр Баянтал Шивээговь",
    "darkhan-uul": "Дархан Орхон Хонгор Шарын_гол",
    "dornogovi": "Сайншанд Айраг Алтанширээ Даланжаргалан Дэлгэрэх Замын-Үүд Иххэт Мандах Өргөн "
    "Сайхандулаан Улаанбадрах Хатанбулаг Хөвсгөл Эрдэнэ",
    "dornod": "Хэрлэн Баяндун Баянтүмэн Баян-Уул Булган Гурванзагал Дашбалбар Матад Сэргэлэн "
    "Халхгол Хөлөнбуйр Цагаан-Овоо Чойбалсан Чулуунхороот",
    "dundgovi": "Сайнцагаан Адаацаг Баянжаргалан Говь-Угтаал Гурвансайхан Дэлгэрхангай Дэлгэрцогт "
    "Дэрэн Луус Өлзийт Өндөршил Сайхан-Овоо Хулд Цагаандэлгэр Эрдэнэдалай",
    "zavkhan": "Улиастай Алдархаан Асгат Баянтэс Баянхайрхан Дөрвөлжин Завханмандал Идэр Их-Уул "
    "Нөмрөг Отгон Сантмаргац Сонгино Тосонцэнгэл Түдэвтэй Тэлмэн Тэс Ургамал Цагаанхайрхан "
    "Цагаанчулуут Цэцэн-Уул Шилүүстэй Эрдэнэхайрхан Яруу",
    "ovorkhangai": "Арвайхээр Баруунбаян-Улаан Бат-Өлзий Баян-Өндөр Баянгол Богд Бүрд Гучин-Ус "
    "Есөнзүйл Зүүнбаян-Улаан Нарийнтээл Өлзийт Сант Тарагт Төгрөг Уянга Хайрхандулаан Хархорин "
    "Хужирт",
    "omnogovi": "Даланзадгад Баяндалай Баян-Овоо Булган Гурвантэс Мандал-Овоо Манлай Ноён Номгон "
    "Сэврэй Ханбогд Ханхонгор Хүрмэн Цогт-Овоо Цогтцэций",
    "sukhbaatar-aimag": "Баруун-Урт Асгат Баяндэлгэр Дарьганга Мөнххаан Наран Онгон Сүхбаатар "
    "Түвшинширээ Түмэнцогт Уулбаян Халзан Эрдэнэцагаан",
    "selenge": "Сүхбаатар Алтанбулаг Баруунбүрэн Баянгол Ерөө Жавхлант Зүүнбүрэн Мандал Орхон "
    "Орхонтуул Сайхан Сант Түшиг Хүдэр Хушаат Цагааннуур Шаамар",
    "tov": "Зуунмод Алтанбулаг Аргалант Архуст Батсүмбэр Баян Баяндэлгэр Баянжаргалан Баян-Өнжүүл "
    "Баянхангай Баянцагаан Баянцогт Баянчандмань Борнуур Бүрэн Дэлгэрхаан Жаргалант Заамар Лүн "
    "Мөнгөнморьт Өндөрширээт Сүмбэр Сэргэлэн Угтаалцайдам Цээл Эрдэнэ Эрдэнэсант",
    "uvs": "Улаангом Баруунтуруун Бөхмөрөн Давст Завхан Зүүнговь Зүүнхангай Малчин Наранбулаг "
    "Өлгий Өмнөговь Өндөрхангай Сагил Тариалан Түргэн Тэс Ховд Хяргас Цагаанхайрхан",
    "khovd": "Жаргалант Алтай Булган Буянт Дарви Дөргөн Дуут Зэрэг Манхан Мөнххайрхан Мөст Мянгад "
    "Үенч Ховд Цэцэг Чандмань Эрдэнэбүрэн",
    "khovsgol": "Мөрөн Алаг-Эрдэнэ Арбулаг Баянзүрх Бүрэнтогтох Галт Жаргалант Их-Уул Рашаант "
    "Рэнчинлхүмбэ Тариалан Тосонцэнгэл Төмөрбулаг Түнэл Улаан-Уул Ханх Цагааннуур Цагаан-Уул "
    "Цагаан-Үүр Цэцэрлэг Чандмань-Өндөр Шинэ-Идэр Эрдэнэбулган",
    "khentii": "Хэрлэн Батноров Батширээт Баян-Адрага Баянмөнх Баян-Овоо Баянхутаг Биндэр "
    "Бор-Өндөр Галшар Дадал Дархан Дэлгэрхаан Жаргалтхаан Мөрөн Норовлин Өмнөдэлгэр Цэнхэрмандал",
    "orkhon": "Баян-Өндөр Жаргалант",
}

# Romanisation for the English names, after MNS 5217:2012 with ö and ü kept.
LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "ye", "ё": "yo", "ж": "j",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "ü", "ф": "f",
        "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "i",
        "э": "e", "ю": "yu", "я": "ya",
    }
)
SLUG = str.maketrans({"ö": "o", "ü": "u", " ": "-"})


def english(name_mn):
    return "-".join(part.capitalize() for part in name_mn.lower().translate(LATIN).split("-"))


def seed(apps, schema_editor):
    Region = apps.get_model("organisations", "Region")
    Soum = apps.get_model("organisations", "Soum")
    aimags = {region.slug: region for region in Region.objects.filter(kind="aimag")}
    for aimag_slug, names in SOUMS.items():
        aimag = aimags.get(aimag_slug)
        if aimag is None:  # removed by an administrator before this migration ran
            continue
        for position, name in enumerate(names.split()):
            name_mn = name.replace("_", " ")
            name_en = " ".join(english(word) for word in name_mn.split())
            Soum.objects.update_or_create(
                slug=f"{aimag_slug}-{name_en.lower().translate(SLUG)}",
                defaults={
                    "aimag": aimag,
                    "name_mn": name_mn,
                    "name_en": name_en,
                    "position": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0008_organisation_acronym_mn")]

    operations = [
        migrations.CreateModel(
            name="Soum",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=80, unique=True)),
                ("name_en", models.CharField(max_length=200, verbose_name="name (English)")),
                ("name_mn", models.CharField(max_length=200, verbose_name="name (Mongolian)")),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "aimag",
                    models.ForeignKey(
                        limit_choices_to={"kind": "aimag"},
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="soums",
                        to="organisations.region",
                        verbose_name="aimag",
                    ),
                ),
            ],
            options={
                "verbose_name": "soum",
                "verbose_name_plural": "soums",
                "ordering": ["aimag", "position", "name_en"],
                "abstract": False,
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
