"""The storage faults' harness without an engine: what is done to the log and
the disk, through a stand-in for the docker SDK, and how what came back is judged."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.consumers.refusals import Refusal, _reason
from harness.core.errors import HarnessError
from harness.infra import data_log, small_disk
from harness.infra.data_log import Damage
from harness.probes.operator_docs import Documented, Followed, Outcome, Repair
from harness.probes.sequence import Back, Sequence
from harness.topology.node_storage import DiskFull


@dataclass
class FakeHelper:
    code: int
    output: str
    removed: bool = False

    def wait(self, timeout: float) -> dict[str, int]:
        return {"StatusCode": self.code}

    def logs(self, stdout: bool, stderr: bool) -> bytes:
        return self.output.encode()

    def remove(self, force: bool) -> None:
        self.removed = True


@dataclass
class FakeClient:
    answers: list[tuple[int, str]]
    runs: list[dict[str, Any]] = field(default_factory=list)
    helpers: list[FakeHelper] = field(default_factory=list)

    @property
    def containers(self) -> FakeClient:
        return self

    def run(self, image: str, command: list[str], **kwargs: Any) -> FakeHelper:
        self.runs.append({"image": image, "script": command[-1], **kwargs})
        self.helpers.append(FakeHelper(*self.answers.pop(0)))
        return self.helpers[-1]


REDIS = type("Container", (), {"id": "c0ffee", "attrs": {"Image": "sha256:redis"}})()


def test_a_tear_cuts_the_newest_increment_the_manifest_names_short_by_that_many_bytes():
    client = FakeClient([(0, "appendonly.aof.3.incr.aof 1000\n"), (0, "")])
    damage = data_log.tear(client, REDIS, "p1", cut=5)  # type: ignore[arg-type]
    assert damage == Damage("torn", "appendonly.aof.3.incr.aof", 1000, 995)
    assert "truncate -s 995 'appendonly.aof.3.incr.aof'" in client.runs[1]["script"]
    assert all(
        r["volumes_from"] == ["c0ffee"] and r["labels"] == {"opticserp.acceptance.project": "p1"} for r in client.runs
    )
    assert all(helper.removed for helper in client.helpers)


def test_damage_goes_halfway_into_the_writes_under_test_and_keeps_the_files_owner():
    client = FakeClient([(0, "appendonly.aof.1.incr.aof 10000\n"), (0, "")])
    damage = data_log.damage(client, REDIS, "p1", last=4000)  # type: ignore[arg-type]
    assert damage.at == 8000 and damage.how == "damaged"
    script = client.runs[1]["script"]
    assert "head -c 8000" in script and "tail -c +8001" in script and "printf garbage" in script
    assert script.endswith("cat /tmp/log > 'appendonly.aof.1.incr.aof'")


def test_a_failed_act_is_one_line_naming_it_and_its_helper_is_removed_all_the_same():
    client = FakeClient([(1, "sed: can't read appendonly.aof.manifest:\nNo such file\n")])
    with pytest.raises(HarnessError) as raised:
        data_log.tear(client, REDIS, "p1", cut=5)  # type: ignore[arg-type]
    assert "\n" not in str(raised.value) and "exit 1" in str(raised.value) and "acting on the log" in str(raised.value)
    assert client.helpers[0].removed


def test_the_small_disk_replaces_the_delivered_volume_at_data_and_is_named_as_compose_names_it(tmp_path: Path):
    disk = small_disk.SmallDisk(None, "p1", tmp_path)  # type: ignore[arg-type]
    text = disk.file().read_text()
    assert "target: /data" in text and "type: tmpfs" in text and f"o: size={small_disk.SIZE}" in text
    assert disk.volume == f"p1_{small_disk.VOLUME}"


def test_the_log_bytes_of_a_sequence_are_its_sets_in_redis_protocol():
    sequence = Sequence("k:", 2)
    assert sequence.log_bytes == len(b"*3\r\n$3\r\nSET\r\n$3\r\nk:0\r\n$1\r\n0\r\n") * 2


def test_what_came_back_is_a_whole_first_part_and_whatever_follows_a_gap():
    back = Back(5, (True, True, False, True, False), None)
    assert (back.whole, back.after_gap) == (2, 1)
    assert "the first 2 of the 5 keys" in str(back) and "1 after a gap" in str(back)


def test_redis_s_reason_is_the_word_it_answered_with_and_a_pipeline_s_command_is_left_out():
    full = DiskFull("", (), "ResponseError: MISCONF Errors writing to the AOF file: No space left on device")
    assert full.code == "MISCONF"
    piped = "ResponseError: Command # 1 (HSET apscheduler.jobs x \x80\x05) of pipeline caused error: MISCONF Errors"
    assert _reason(piped) == "ResponseError: MISCONF Errors"
    assert Refusal("A scheduler storing a job", _reason(piped)).said("MISCONF")
    assert not Refusal("A task sent from the host", "taken").said("MISCONF")


def _outcome(output: str, returncode: int = 0) -> Outcome:
    return Outcome(Documented("docker compose run ...", ("Successfully truncated AOF",)), returncode, output)


def test_the_repair_is_judged_by_where_it_says_it_cut_the_log_against_the_damage():
    said = "This will shrink the AOF appendonly.aof.1.incr.aof from 69810 bytes, with 34927 bytes, to 34883 bytes\n"
    damage = Damage("damaged", "appendonly.aof.1.incr.aof", 69803, 34900)
    repair = Repair(Followed("repair", (_outcome(said + "Successfully truncated AOF"),)), damage)
    assert (repair.kept, repair.at_the_damage, repair.followed.wrong) == (34883, True, [])
    past = Repair(Followed("repair", (_outcome(said),)), Damage("damaged", "f", 69803, 100))
    assert not past.at_the_damage and past.followed.wrong  # cut after the damage, and no success line
    assert Followed("backup", ()).wrong == ["no commands found"]


@pytest.mark.parametrize("trailer", ["", " startoffset 0"], ids=["Redis 7", "Redis 8"])
def test_the_newest_increment_is_read_from_the_manifest_of_redis_7_and_of_redis_8(tmp_path: Path, trailer: str):
    (tmp_path / data_log.MANIFEST).write_text(
        "file appendonly.aof.2.base.rdb seq 2 type b\n"
        f"file appendonly.aof.2.incr.aof seq 2 type i{trailer}\n"
        f"file appendonly.aof.3.incr.aof seq 3 type i{trailer}\n"
    )
    (tmp_path / "appendonly.aof.3.incr.aof").write_bytes(b"*1\r\n$4\r\nPING\r\n")
    script = data_log._NEWEST.replace(data_log.LOG_DIR, str(tmp_path))
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["appendonly.aof.3.incr.aof", "14"]
