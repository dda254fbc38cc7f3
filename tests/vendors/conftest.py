import io

import pytest

from accounts import roles
from tests.conftest import make_user


@pytest.fixture
def assigned_staff(db):
    """Procurement staff assigned to (but not owning) charlie's vendor."""
    return make_user("frank", roles.PROCUREMENT, last_name="担当", first_name="フランク")


def image_bytes(fmt, size=(8, 8), mode="RGB"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=fmt)
    return buffer.getvalue()
