"""The partition's netfilter transactions, as handed to iptables-restore (no
namespace is entered: subprocess is replaced)."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from harness.core.errors import HarnessError
from harness.infra import faults


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], str]]:
    calls: list[tuple[list[str], str]] = []

    def run(argv: list[str], *, input: str, **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append((argv, input))
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(faults.shutil, "which", lambda tool: f"/usr/sbin/{tool}")
    monkeypatch.setattr(faults.subprocess, "run", run)
    return calls


def test_a_cut_drops_each_peer_both_ways_in_the_containers_namespace_in_one_transaction(restored):
    cut = faults.partition(4242, ["10.0.0.3", "10.0.0.4"])
    argv, script = restored[0]
    assert argv[:3] == ["nsenter", "--target=4242", "--net"] and "--noflush" in argv
    lines = script.splitlines()
    assert lines[0] == "*filter" and lines[-1] == "COMMIT"
    for peer in ("10.0.0.3", "10.0.0.4"):
        assert (
            f"-A OPTERP20-PARTITION -s {peer} -j DROP" in lines and f"-A OPTERP20-PARTITION -d {peer} -j DROP" in lines
        )
    assert {"-I INPUT -j OPTERP20-PARTITION", "-I OUTPUT -j OPTERP20-PARTITION"} <= set(lines)
    cut.heal()
    healed = restored[1][1].splitlines()
    assert healed[1:-1] == [
        "-D INPUT -j OPTERP20-PARTITION",
        "-D OUTPUT -j OPTERP20-PARTITION",
        "-F OPTERP20-PARTITION",
        "-X OPTERP20-PARTITION",
    ]


def test_a_refused_transaction_is_one_line_saying_what_a_partition_needs(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(faults.shutil, "which", lambda tool: f"/usr/sbin/{tool}")
    monkeypatch.setattr(
        faults.subprocess,
        "run",
        lambda argv, **_: subprocess.CompletedProcess(argv, 1, "", "nsenter: Operation\nnot permitted"),
    )
    with pytest.raises(
        HarnessError, match=r"exited 1: nsenter: Operation not permitted\); a partition needs root"
    ) as raised:
        faults.partition(4242, ["10.0.0.3"])
    assert "\n" not in str(raised.value)


def test_missing_tools_are_named(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(faults.shutil, "which", lambda tool: None if tool == "iptables-restore" else "/usr/bin/nsenter")
    with pytest.raises(HarnessError, match=r"a partition needs iptables-restore on this machine"):
        faults.partition(4242, ["10.0.0.3"])
