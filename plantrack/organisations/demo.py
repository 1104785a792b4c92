"""Demo organisations for the registry: invented CSOs, a company and an institute, plus
bodies the plan importer already created (UN, EU, Parliament), given their Mongolian names.

Running it again changes nothing: organisations are looked up by slug and only created,
or have empty names filled in, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User

from .models import FieldOfActivity, Organisation, Region, TargetGroup
from .services import organisation_get_or_create


@dataclass
class DemoOrganisation:
    slug: str
    name_en: str
    name_mn: str
    kind: str
    acronym: str = ""
    fields: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    region: str = ""
    soum: str = ""
    setting: str = ""
    registration_number: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    description_en: str = ""
    description_mn: str = ""
    verified: bool = True


# Invented organisations with a plausible Mongolian setting; contacts use reserved domains.
DEMO_ORGANISATIONS = (
    DemoOrganisation(
        slug="disability-federation",
        name_en="Tegsh Alkham Federation of Disability Organisations",
        name_mn="“Тэгш алхам” хөгжлийн бэрхшээлтэй иргэдийн байгууллагуудын холбоо",
        acronym="TAFDO",
        kind=Organisation.Kind.CSO,
        fields=("disability-rights", "digital-inclusion", "social-protection"),
        target_groups=("disability", "older-people"),
        region="bayanzurkh",
        soum="26-р хороо",
        setting=Organisation.Setting.URBAN,
        registration_number="9011002345",
        contact_email="info@tegsh-alkham.example.org",
        contact_phone="+976 7011 2345",
        website="https://tegsh-alkham.example.org",
        description_en=(
            "A federation of associations of people with disabilities and their families. "
            "It tests public e-services with screen-reader users and trains members to use "
            "e-Mongolia."
        ),
        description_mn=(
            "Хөгжлийн бэрхшээлтэй иргэд, тэдний гэр бүлийн байгууллагуудын холбоо. Төрийн цахим "
            "үйлчилгээг дэлгэц уншигч ашигладаг хэрэглэгчидтэй хамт туршиж, гишүүддээ "
            "E-Mongolia ашиглах сургалт явуулдаг."
        ),
    ),
    DemoOrganisation(
        slug="malchin-negdel",
        name_en="Malchin Negdel Network of Herders' Cooperatives",
        name_mn="“Малчин нэгдэл” малчдын хоршоодын сүлжээ",
        kind=Organisation.Kind.CSO,
        fields=("rural-development", "digital-inclusion", "environment"),
        target_groups=("herders", "youth"),
        region="ovorkhangai",
        soum="Арвайхээр сум",
        setting=Organisation.Setting.RURAL,
        registration_number="9011003456",
        contact_email="contact@malchin-negdel.example.org",
        contact_phone="+976 8811 3456",
        description_en=(
            "Links 40 herders' cooperatives in Övörkhangai and neighbouring aimags; runs "
            "mobile internet points at soum centres and market-price alerts by SMS."
        ),
        description_mn=(
            "Өвөрхангай болон хөрш аймгуудын 40 малчдын хоршоог холбодог; сумын төвүүдэд "
            "гар утасны интернэтийн цэг ажиллуулж, зах зээлийн үнийн мэдээг мессежээр түгээдэг."
        ),
    ),
    DemoOrganisation(
        slug="nomin-womens-rights-centre",
        name_en="Nomin Women's Rights Centre",
        name_mn="“Номин” эмэгтэйчүүдийн эрхийн төв",
        kind=Organisation.Kind.CSO,
        fields=("gender-equality", "human-rights", "legal-aid"),
        target_groups=("women", "trafficking-victims", "migrants"),
        region="chingeltei",
        soum="4-р хороо",
        setting=Organisation.Setting.BOTH,
        registration_number="9011004567",
        contact_email="help@nomin-centre.example.org",
        contact_phone="+976 7011 4567",
        website="https://nomin-centre.example.org",
        description_en=(
            "Free legal advice for women facing domestic violence or online harassment, "
            "and a hotline for victims of trafficking."
        ),
        description_mn=(
            "Гэр бүлийн хүчирхийлэл, цахим дарамтад өртсөн эмэгтэйчүүдэд үнэ төлбөргүй хууль "
            "зүйн зөвлөгөө өгч, хүний наймааны хохирогчдод зориулсан утасны шугам ажиллуулдаг."
        ),
    ),
    DemoOrganisation(
        slug="code-tal",
        name_en="Code Tal Youth Digital Skills NGO",
        name_mn="“Код тал” залуучуудын цахим ур чадварын ТББ",
        kind=Organisation.Kind.CSO,
        fields=("digital-inclusion", "education"),
        target_groups=("youth", "unemployed"),
        region="darkhan-uul",
        setting=Organisation.Setting.URBAN,
        contact_email="hello@code-tal.example.org",
        description_en="Evening coding and digital-literacy courses for unemployed young people.",
        description_mn=(
            "Ажилгүй залуучуудад зориулсан оройн программчлал, цахим бичиг үсгийн сургалт."
        ),
        verified=False,  # registered itself, waiting for a site administrator
    ),
    DemoOrganisation(
        slug="khovsgol-nature-guardians",
        name_en="Khövsgöl Nature Guardians",
        name_mn="Хөвсгөлийн байгаль хамгаалагчид ТББ",
        kind=Organisation.Kind.CSO,
        fields=("environment", "civic-participation"),
        target_groups=("herders", "ethnic-minorities"),
        region="khovsgol",
        soum="Алаг-Эрдэнэ сум",
        setting=Organisation.Setting.RURAL,
        registration_number="9011005678",
        description_en="Volunteer rangers and community monitoring of Lake Khövsgöl.",
        description_mn=(
            "Хөвсгөл нуурыг сайн дурын байгаль хамгаалагчид, иргэдийн хяналтаар хамгаалдаг."
        ),
    ),
    DemoOrganisation(
        slug="mongol-cloud-systems",
        name_en="Mongol Cloud Systems LLC",
        name_mn="Монгол Клауд Системс ХХК",
        kind=Organisation.Kind.PRIVATE,
        fields=("digital-inclusion",),
        region="sukhbaatar-district",
        setting=Organisation.Setting.URBAN,
        registration_number="5123456",
        website="https://mongol-cloud.example.com",
        description_en="Hosts government e-services and builds accessible web applications.",
        description_mn="Төрийн цахим үйлчилгээг байршуулж, хүртээмжтэй вэб програм хөгжүүлдэг.",
    ),
    DemoOrganisation(
        slug="institute-for-digital-governance-research",
        name_en="Institute for Digital Governance Research",
        name_mn="Цахим засаглалын судалгааны хүрээлэн",
        acronym="IDGR",
        kind=Organisation.Kind.ACADEMIA,
        fields=("digital-inclusion", "civic-participation", "anti-corruption"),
        region="khan-uul",
        setting=Organisation.Setting.URBAN,
        description_en="Researches how citizens use public e-services and open data.",
        description_mn=(
            "Иргэд төрийн цахим үйлчилгээ, нээлттэй өгөгдлийг хэрхэн ашиглаж буйг судалдаг."
        ),
    ),
)

# Bodies the seed plans already name; reused, with their Mongolian names filled in if empty.
EXISTING = (
    ("United Nations", "UN", "international", "Нэгдсэн Үндэстний Байгууллага"),
    ("European Union", "EU", "international", "Европын Холбоо"),
    ("Parliament of Mongolia", "", "parliament", "Монгол Улсын Их Хурал"),
)


def _create(demo: DemoOrganisation, *, now: datetime, verified_by: User | None) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        slug=demo.slug,
        defaults={
            "name_en": demo.name_en,
            "name_mn": demo.name_mn,
            "acronym": demo.acronym,
            "kind": demo.kind,
            "region": Region.objects.filter(slug=demo.region).first() if demo.region else None,
            "soum": demo.soum,
            "setting": demo.setting,
            "registration_number": demo.registration_number,
            "contact_email": demo.contact_email,
            "contact_phone": demo.contact_phone,
            "website": demo.website,
            "description_en": demo.description_en,
            "description_mn": demo.description_mn,
            "self_registered": demo.kind == Organisation.Kind.CSO,
            "verified_at": now if demo.verified else None,
            "verified_by": verified_by if demo.verified else None,
        },
    )
    if created:
        organisation.fields.set(FieldOfActivity.objects.filter(slug__in=demo.fields))
        organisation.target_groups.set(TargetGroup.objects.filter(slug__in=demo.target_groups))
    return organisation


@transaction.atomic
def demo_organisations(*, verified_by: User | None = None) -> dict[str, Organisation]:
    """Create the demo organisations; returns them by slug (the disability federation is
    ``"disability-federation"``, the UN ``"un"``, Parliament ``"parliament-of-mongolia"``)."""
    now = timezone.now()
    found: dict[str, Organisation] = {}
    for demo in DEMO_ORGANISATIONS:
        found[demo.slug] = _create(demo, now=now, verified_by=verified_by)
    for name, acronym, kind, name_mn in EXISTING:
        organisation = organisation_get_or_create(name=name, acronym=acronym, kind=kind)
        if not organisation.name_mn:
            organisation.name_mn = name_mn
            organisation.save(update_fields=["name_mn", "updated_at"])
        found[organisation.slug] = organisation
    return found
