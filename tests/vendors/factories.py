"""Factories for vendor tests; the fixed cast of users comes from tests/conftest.py."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import User
from vendors import risk
from vendors.models import Certification, Contact, Contract, Tag, Vendor


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or roles.PROCUREMENT))


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"株式会社テスト{n:04d}")
    name_kana = factory.Sequence(lambda n: f"テスト{n:04d}")
    name_en = factory.Sequence(lambda n: f"Test {n:04d} Co., Ltd.")
    record_volume = risk.VOLUME_NONE
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def assigned(self, create, extracted, **kwargs):
        if create and extracted:
            self.assigned_staff.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set([Tag.objects.get_or_create(name=n)[0] for n in extracted])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    vendor = factory.SubFactory(VendorFactory)
    name = "山田 太郎"
    email = "security@example.com"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    vendor = factory.SubFactory(VendorFactory)
    kind = Certification.Kind.ISO27001
    registration_number = factory.Sequence(lambda n: f"IS {n:05d}")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    vendor = factory.SubFactory(VendorFactory)
    kind = Contract.Kind.NDA
    title = "秘密保持契約書"
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
