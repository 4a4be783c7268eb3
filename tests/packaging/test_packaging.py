"""pyproject.toml lists packages explicitly (resources/ is mapped into the package): keep it complete."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "transit_centre").rglob("__init__.py")
    }
    assert found | {"transit_centre.resources"} == listed
