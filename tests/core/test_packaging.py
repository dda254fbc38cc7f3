"""The package metadata installs without setuptools' deprecation warnings."""

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_licence_is_an_spdx_expression_not_a_table():
    """A ``license = {text = ...}`` table makes setuptools (77 and later) warn at every
    install, three times; an SPDX expression string is the current form."""
    project = tomllib.loads(PYPROJECT.read_text())
    licence = project["project"]["license"]
    assert isinstance(licence, str)
    assert re.fullmatch(r"LicenseRef-[A-Za-z0-9.\-]+", licence)
    # Licence classifiers may not be combined with an SPDX expression.
    assert not any(c.startswith("License ::") for c in project["project"].get("classifiers", []))
    # Only setuptools 77 and later read the string form.
    (requirement,) = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
    minimum = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", requirement)
    assert minimum and int(minimum.group(1)) >= 77
