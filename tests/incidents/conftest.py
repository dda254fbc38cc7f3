import pytest

from tests.factories import make_incident
from vendors.models import Contact, Vendor


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社漏えいテスト", name_en="Leak Test K.K.", owner=staff)


@pytest.fixture
def contact(vendor):
    return Contact.objects.create(vendor=vendor, name="窓口 花子", email="hanako@vendor.example")


@pytest.fixture
def incident(vendor, staff):
    return make_incident(vendor, staff, people_affected=1_200, data_categories="氏名、電話番号")
