"""Print a pip constraints file that pins every direct dependency to the lowest version pyproject.toml
declares (``name>=X`` becomes ``name==X``): what a user whose environment holds those versions gets."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
for requirement in project["dependencies"]:
    found = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][^,;\s]*)", requirement)
    if found is None:
        sys.exit(f"no lower bound in the requirement {requirement!r}: every dependency must declare one")
    name = found[1].split("[")[0]
    print(f"{name}=={found[2]}")
