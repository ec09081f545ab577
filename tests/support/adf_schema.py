"""Atlassian's ADF JSON schema, from the npm package @atlaskit/adf-schema at a
pinned version, fetched at test time (`npm pack`) rather than copied here."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from tests.support.parallel import host_network

PACKAGE = "@atlaskit/adf-schema@57.7.22"


def fetch(directory: Path) -> dict[str, Any]:
    """json-schema/v1/full.json of the pinned package."""
    done = subprocess.run(
        host_network(["npm", "pack", PACKAGE, "--silent"]), cwd=directory, capture_output=True, text=True, timeout=180
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm pack {PACKAGE} failed: {done.stderr.strip()}")
    with tarfile.open(directory / done.stdout.strip().splitlines()[-1]) as package:
        member = package.extractfile("package/json-schema/v1/full.json")
        if member is None:
            raise RuntimeError(f"{PACKAGE} has no json-schema/v1/full.json")
        return dict(json.load(member))
