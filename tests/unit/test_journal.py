import json
from pathlib import Path

from stand_ins.journal import Journal, read


def test_entries_come_back_in_time_order_with_their_fields(tmp_path: Path):
    first = Journal(tmp_path, "sync-worker")
    first.write("acquired", owner="abc")
    (tmp_path / "celery-worker-1.jsonl").write_text(
        json.dumps({"pid": 1, "role": "celery-worker", "event": "executed", "t": 0.5, "token": "t1"}) + "\n"
    )
    entries = read(tmp_path)
    assert [(e.role, e.event) for e in entries] == [("celery-worker", "executed"), ("sync-worker", "acquired")]
    assert entries[0]["token"] == "t1" and entries[1]["owner"] == "abc"


def test_a_line_still_being_written_is_not_read(tmp_path: Path):
    (tmp_path / "w-1.jsonl").write_text('{"pid": 1, "role": "w", "event": "done", "t": 1.0}\n{"pid": 1, "ro')
    assert [e.event for e in read(tmp_path)] == ["done"]
