"""The access matrix: every vendor URL × every role × a vendor of one's own or not."""

import pytest
from django.urls import reverse

from tests.factories import CertificationFactory, ContractFactory, VendorFactory, pdf_upload
from vendors.access import vendors_visible_to
from vendors.models import Certification, Contract, Vendor
from vendors.uploads import store_upload

OK_GET, OK_POST = 200, 302

VENDOR_FORM = {
    "name": "株式会社アクセス試験",
    "name_kana": "アクセスシケン",
    "record_volume": "none",
    "contacts-TOTAL_FORMS": "0",
    "contacts-INITIAL_FORMS": "0",
}


def _vendor(owner, user=None, assigned=()):
    vendor = VendorFactory(owner=owner, assigned=list(assigned))
    cert = CertificationFactory(
        vendor=vendor, evidence=store_upload(pdf_upload(), folder="t", user=user)
    )
    contract = ContractFactory(vendor=vendor, file=store_upload(pdf_upload(), folder="t"))
    return vendor, cert, contract


@pytest.fixture
def cast(admin_user, manager, staff, other_staff, assigned_staff, no_role_user, media):
    charlies, cert, contract = _vendor(staff, assigned=[assigned_staff])
    daves, dcert, dcontract = _vendor(other_staff)
    return {
        "users": {
            "admin": admin_user,
            "manager": manager,
            "charlie": staff,
            "frank": assigned_staff,
            "dave": other_staff,
            "no_role": no_role_user,
            "anonymous": None,
        },
        "vendors": {"charlie's": (charlies, cert, contract), "dave's": (daves, dcert, dcontract)},
    }


# name, method, url kind, what it needs (read / write / admin), POST data
ENDPOINTS = [
    ("detail", "get", "vendor", "read", None),
    ("edit", "get", "vendor", "write", None),
    ("edit", "post", "vendor", "write", VENDOR_FORM),
    ("assign", "get", "vendor", "admin", None),
    ("assign", "post", "vendor", "admin", "assign"),
    ("status", "post", "vendor", "write", {"status": "under_review"}),
    ("archive", "post", "vendor", "write", {}),
    ("delete", "get", "vendor", "admin", None),
    ("delete", "post", "vendor", "admin", {}),
    ("certification_create", "get", "vendor", "write", None),
    (
        "certification_create",
        "post",
        "vendor",
        "write",
        {"kind": "pmark", "valid_until": "2030-01-01"},
    ),
    ("certification_edit", "get", "cert", "write", None),
    ("certification_edit", "post", "cert", "write", {"kind": "pmark", "valid_until": "2030-01-01"}),
    ("contract_create", "get", "vendor", "write", None),
    ("contract_create", "post", "vendor", "write", {"kind": "dpa"}),
    ("contract_edit", "get", "contract", "write", None),
    ("contract_edit", "post", "contract", "write", {"kind": "dpa"}),
    ("part_delete", "post", "cert_part", "write", {"confirmed": "1"}),
    ("part_delete", "post", "contract_part", "write", {"confirmed": "1"}),
    ("part_file", "get", "cert_part", "read", None),
    ("part_file", "get", "contract_part", "read", None),
]

MEMBERS = {"charlie's": {"charlie", "frank"}, "dave's": {"dave"}}


def expected_status(endpoint, user, vendor_key):
    _name, method, _kind, need, _data = endpoint
    ok = OK_GET if method == "get" else OK_POST
    if user == "anonymous":
        return 302
    if user == "no_role":
        return 403
    if user == "admin":
        return ok
    if user == "manager":
        return ok if need == "read" else 403
    if user not in MEMBERS[vendor_key]:
        return 404  # staff who may not see the vendor do not learn that it exists
    return 403 if need == "admin" else ok


def url_for(endpoint, vendor, cert, contract):
    name, _method, kind, _need, _data = endpoint
    if kind == "vendor":
        return reverse(f"vendors:{name}", args=[vendor.pk])
    if kind == "cert":
        return reverse(f"vendors:{name}", args=[vendor.pk, cert.pk])
    if kind == "contract":
        return reverse(f"vendors:{name}", args=[vendor.pk, contract.pk])
    part = "certifications" if kind == "cert_part" else "contracts"
    pid = cert.pk if kind == "cert_part" else contract.pk
    return reverse(f"vendors:{name}", args=[vendor.pk, part, pid])


def _id(endpoint):
    return f"{endpoint[1].upper()}-{endpoint[0]}-{endpoint[2]}"


@pytest.mark.parametrize("vendor_key", ["charlie's", "dave's"])
@pytest.mark.parametrize(
    "user_key", ["admin", "manager", "charlie", "frank", "dave", "no_role", "anonymous"]
)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_id)
def test_access_matrix(client, cast, endpoint, user_key, vendor_key):
    user = cast["users"][user_key]
    vendor, cert, contract = cast["vendors"][vendor_key]
    if user:
        client.force_login(user)
    url = url_for(endpoint, vendor, cert, contract)
    data = endpoint[4]
    if data == "assign":
        data = {"owner": vendor.owner_id}
    response = client.get(url) if endpoint[1] == "get" else client.post(url, data)
    expected = expected_status(endpoint, user_key, vendor_key)
    assert response.status_code == expected, (url, response.content[:500])
    if user_key == "anonymous":
        assert response.url.startswith(reverse("login") + "?next=")
    if getattr(response, "streaming", False):
        response.close()


def _effect(endpoint, vendor, cert, contract):
    """What a successful POST changed, so the matrix also sees that refusals change nothing."""
    vendor = Vendor.objects.filter(pk=vendor.pk).first()
    return (
        vendor and (vendor.name, vendor.status, vendor.archived_at),
        Certification.objects.filter(vendor_id=cert.vendor_id).count(),
        Contract.objects.filter(vendor_id=contract.vendor_id).count(),
        Certification.objects.filter(pk=cert.pk).values_list("kind", flat=True).first(),
        Contract.objects.filter(pk=contract.pk).values_list("kind", flat=True).first(),
    )


@pytest.mark.parametrize("user_key", ["manager", "dave", "no_role", "anonymous"])
@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e[1] == "post" and e[0] != "assign"], ids=_id
)
def test_refused_writes_change_nothing(client, cast, endpoint, user_key):
    vendor, cert, contract = cast["vendors"]["charlie's"]
    before = _effect(endpoint, vendor, cert, contract)
    if cast["users"][user_key]:
        client.force_login(cast["users"][user_key])
    response = client.post(url_for(endpoint, vendor, cert, contract), endpoint[4])
    assert response.status_code in (302, 403, 404)
    assert _effect(endpoint, vendor, cert, contract) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e[1] == "post"], ids=_id)
def test_member_writes_take_effect(client, cast, endpoint):
    vendor, cert, contract = cast["vendors"]["charlie's"]
    before = _effect(endpoint, vendor, cert, contract)
    client.force_login(cast["users"]["admin"])
    data = {"owner": vendor.owner_id} if endpoint[4] == "assign" else endpoint[4]
    response = client.post(url_for(endpoint, vendor, cert, contract), data)
    assert response.status_code == 302
    if endpoint[0] != "assign":  # reassigning to the same owner changes nothing visible
        assert _effect(endpoint, vendor, cert, contract) != before


@pytest.mark.parametrize(
    ("name", "kind"),
    [("status", "vendor"), ("archive", "vendor")],
)
def test_post_only_views_refuse_get(client, cast, name, kind):
    vendor, cert, contract = cast["vendors"]["charlie's"]
    client.force_login(cast["users"]["admin"])
    response = client.get(url_for((name, "get", kind, "", None), vendor, cert, contract))
    assert response.status_code == 405
    assert Vendor.objects.get(pk=vendor.pk).archived_at is None


@pytest.mark.parametrize(
    ("user_key", "get_status", "post_status"),
    [
        ("admin", 200, 302),
        ("charlie", 200, 302),
        ("manager", 403, 403),
        ("no_role", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_create_is_for_those_who_register_vendors(client, cast, user_key, get_status, post_status):
    if cast["users"][user_key]:
        client.force_login(cast["users"][user_key])
    url = reverse("vendors:create")
    assert client.get(url).status_code == get_status
    count = Vendor.objects.count()
    assert client.post(url, VENDOR_FORM).status_code == post_status
    assert Vendor.objects.count() == count + (
        1 if post_status == 302 and user_key != "anonymous" else 0
    )


@pytest.mark.parametrize(
    ("user_key", "status"),
    [("admin", 200), ("manager", 200), ("charlie", 200), ("no_role", 403), ("anonymous", 302)],
)
def test_list_needs_a_role(client, cast, user_key, status):
    if cast["users"][user_key]:
        client.force_login(cast["users"][user_key])
    assert client.get(reverse("vendors:index")).status_code == status


@pytest.mark.parametrize(
    ("user_key", "sees"),
    [
        ("admin", {"charlie's", "dave's"}),
        ("manager", {"charlie's", "dave's"}),
        ("charlie", {"charlie's"}),
        ("frank", {"charlie's"}),
        ("dave", {"dave's"}),
    ],
)
def test_list_shows_only_visible_vendors(client, cast, user_key, sees):
    user = cast["users"][user_key]
    client.force_login(user)
    page = client.get(reverse("vendors:index")).content.decode()
    for key, (vendor, _cert, _contract) in cast["vendors"].items():
        assert (vendor.get_absolute_url() in page) == (key in sees), key
    expected = {cast["vendors"][k][0].pk for k in sees}
    assert set(vendors_visible_to(user).values_list("pk", flat=True)) == expected


def test_nobody_without_a_role_sees_any_vendor(cast):
    assert not vendors_visible_to(cast["users"]["no_role"]).exists()


@pytest.mark.parametrize("name", ["certification_edit", "part_file", "part_delete"])
def test_a_part_of_another_vendor_is_not_reachable_through_ones_own(client, cast, name):
    charlies, _cert, _contract = cast["vendors"]["charlie's"]
    _daves, dcert, dcontract = cast["vendors"]["dave's"]
    client.force_login(cast["users"]["admin"])
    if name == "certification_edit":
        url = reverse("vendors:certification_edit", args=[charlies.pk, dcert.pk])
        response = client.get(url)
    else:
        url = reverse(f"vendors:{name}", args=[charlies.pk, "certifications", dcert.pk])
        response = client.post(url) if name == "part_delete" else client.get(url)
    assert response.status_code == 404
    assert Certification.objects.filter(pk=dcert.pk).exists()


def test_unknown_part_kind_is_404(client, cast):
    vendor, cert, _contract = cast["vendors"]["charlie's"]
    client.force_login(cast["users"]["admin"])
    assert client.get(f"/vendors/{vendor.pk}/contacts/{cert.pk}/file/").status_code == 404
    assert client.post(f"/vendors/{vendor.pk}/contacts/{cert.pk}/delete/").status_code == 404


def test_staff_cannot_reassign_themselves_onto_a_vendor(client, cast):
    charlies, _cert, _contract = cast["vendors"]["charlie's"]
    client.force_login(cast["users"]["dave"])
    response = client.post(
        reverse("vendors:assign", args=[charlies.pk]),
        {"owner": cast["users"]["dave"].pk, "assigned_staff": [cast["users"]["dave"].pk]},
    )
    assert response.status_code == 404
    assert Vendor.objects.get(pk=charlies.pk).owner == cast["users"]["charlie"]
