"""The one consumer mistake a compose file cannot express: a kombu before 5.7,
whose workers can silently stop consuming after the broker restarts or their
connection drops again and again (celery #8030, #8091, #9054; kombu #2007 in
5.4, #2492 in 5.7). The dependency constraint is the guard, so it is tested;
tests/mutants/kombu/catatonic-worker shows the scenario that catches such a worker."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK = tomllib.loads((ROOT / "uv.lock").read_text())


def requirement(name: str) -> Requirement:
    found = [Requirement(r) for r in PROJECT["project"]["dependencies"] if Requirement(r).name == name]
    assert found, f"{name} is not a dependency of the suite"
    return found[0]


def locked(name: str) -> Version:
    return Version(next(p["version"] for p in LOCK["package"] if p["name"] == name))


def test_kombu_before_5_7_is_refused_by_the_constraint_the_lock_and_the_environment():
    kombu = requirement("kombu")
    assert not kombu.specifier.contains("5.6.2") and kombu.specifier.contains("5.7.0"), kombu
    assert locked("kombu") >= Version("5.7")
    assert Version(version("kombu")) >= Version("5.7")


@pytest.mark.parametrize(
    ("name", "inside", "outside"),
    [("python-redis-lock", "4.0.1", "5.0"), ("celery", "5.4.0", "6.0"), ("apscheduler", "3.11.0", "4.0.0")],
)
def test_each_consumer_library_is_held_to_the_major_version_the_plan_names(name: str, inside: str, outside: str):
    spec = requirement(name).specifier
    assert spec.contains(inside) and not spec.contains(outside), f"{name}{spec}"
    assert locked(name) in spec
