"""The consumers' HA client helpers (stand_ins/sentinel_clients.py), on what
they decide without a server: which errors mean "ask the sentinels again",
and how the suite's URL names the sentinels."""

from __future__ import annotations

import redis

from stand_ins import contract, sentinel_clients
from stand_ins.sentinel_clients import again, refused_by_master


def test_a_refused_write_is_told_apart_from_any_other_error():
    assert refused_by_master(redis.ResponseError("NOREPLICAS Not enough good replicas to write."))
    assert refused_by_master(redis.ResponseError("Command # 1 (SETEX k 1 v) of pipeline caused error: NOREPLICAS x"))
    assert refused_by_master(redis.ResponseError("READONLY You can't write against a read only replica."))
    assert not refused_by_master(redis.ResponseError("WRONGTYPE Operation against a key"))
    assert not refused_by_master(redis.ConnectionError("NOREPLICAS"))  # only the server's answer counts


class _Pool:
    def __init__(self) -> None:
        self.dropped = 0

    def disconnect(self) -> None:
        self.dropped += 1


def test_again_asks_afresh_while_the_master_refuses_and_gives_up_on_anything_else():
    pool, answers = _Pool(), [redis.ResponseError("NOREPLICAS"), redis.TimeoutError("frozen"), "done"]

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert again(call, pool, within=5) == "done"  # type: ignore[arg-type]
    assert pool.dropped == 2
    try:
        again(lambda: (_ for _ in ()).throw(redis.ResponseError("WRONGTYPE")), pool)  # type: ignore[arg-type]
    except redis.ResponseError as error:
        assert "WRONGTYPE" in str(error) and pool.dropped == 2
    else:
        raise AssertionError("a WRONGTYPE error was asked again")


def test_again_stops_at_its_bound():
    pool = _Pool()

    def refused() -> None:
        raise redis.ResponseError("NOREPLICAS")

    try:
        again(refused, pool, within=0.25)  # type: ignore[arg-type]
    except redis.ResponseError:
        assert 1 <= pool.dropped <= 4
    else:
        raise AssertionError("again() never gave up")


def test_the_suites_sentinel_url_names_every_sentinel_the_password_and_the_host():
    url = "sentinel://:p%40ss%3Aw%3Brd@127.0.0.1:16390/0;sentinel://:p%40ss%3Aw%3Brd@127.0.0.1:16391/0"
    assert contract.sentinel_place(url) == ([("127.0.0.1", 16390), ("127.0.0.1", 16391)], "p@ss:w;rd", "127.0.0.1")
    assert contract.sentinel_place("sentinel://10.203.0.2:16390/0") == ([("10.203.0.2", 16390)], None, "10.203.0.2")
    assert contract.sentinel_place("redis://127.0.0.1:6379/0") is None
    # Sentinels by name are on the network: the masters' names they give are dialled as they are.
    assert contract.sentinel_place("sentinel://sentinel-1:16390;sentinel://sentinel-2:16391") == (
        [("sentinel-1", 16390), ("sentinel-2", 16391)],
        None,
        None,
    )


def test_celery_is_given_every_setting_by_default():
    settings = sentinel_clients.celery_settings([("sentinel-1", 16390)], "pw", None)
    transport = settings["broker_transport_options"]
    assert settings["broker_channel_error_retry"] is True
    assert transport["sentinel_kwargs"]["password"] == "pw" and transport["master_name"] == "mymaster"
    assert transport["socket_timeout"] and transport["health_check_interval"] == sentinel_clients.BROKER_HEALTH_CHECK
    assert settings["result_backend"].endswith("SentinelResultBackend+sentinel://:pw@sentinel-1:16390/0")
