"""The Sentinel topology's rules, on what sentinels and nodes answer."""

from harness.topology.sentinel_rules import (
    Monitoring,
    NodeView,
    SentinelView,
    agreed_master,
    majority_master,
    masters,
    named_outside,
    node_problems,
    ready_problems,
    sentinel_problems,
)

M1, M2 = ("redis-1", 16380), ("redis-2", 16381)


def sentinel(name: str, master=M1, **kw) -> SentinelView:
    fields = {"flags": "master", "replicas": 2, "other_sentinels": 2, "quorum": "OK 3 usable Sentinels."} | kw
    return SentinelView(name, master, **fields)


SENTINELS = [sentinel("sentinel-1"), sentinel("sentinel-2"), sentinel("sentinel-3")]
NODES = [NodeView("redis-1", "master"), NodeView("redis-2", "slave", M1, "up"), NodeView("redis-3", "slave", M1, "up")]
HEALTHY = {name: "healthy" for name in ("redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3")}


def test_a_topology_every_part_of_which_agrees_is_ready():
    assert ready_problems(SENTINELS, NODES, HEALTHY) == []


def test_every_sentinel_must_name_the_same_master():
    split = [*SENTINELS[:2], sentinel("sentinel-3", M2)]
    assert agreed_master(split) is None
    assert any("do not all name one master" in p for p in ready_problems(split, NODES, HEALTHY))


def test_a_sentinel_that_does_not_answer_is_not_agreement():
    silent = [*SENTINELS[:2], SentinelView("sentinel-3", error="ConnectionError: refused")]
    assert agreed_master(silent) is None
    assert "sentinel-3: ConnectionError: refused" in ready_problems(silent, NODES, HEALTHY)


def test_quorum_alone_is_not_ready_when_the_master_is_flagged_down():
    # Measured: CKQUORUM stayed OK while clients got MasterNotFoundError.
    down = [sentinel("sentinel-1", flags="s_down,master"), *SENTINELS[1:]]
    assert ready_problems(down, NODES, HEALTHY) == ["sentinel-1 flags the master 's_down,master'"]


def test_a_sentinel_must_see_every_replica_and_every_other_sentinel():
    partial = [sentinel("sentinel-1", replicas=1, other_sentinels=1), *SENTINELS[1:]]
    assert ready_problems(partial, NODES, HEALTHY) == [
        "sentinel-1 sees 1 replicas, not 2",
        "sentinel-1 sees 1 other sentinels, not 2",
    ]


def test_a_replica_with_its_link_down_or_following_another_node_is_not_ready():
    nodes = [NODES[0], NodeView("redis-2", "slave", M1, "down"), NodeView("redis-3", "slave", M2, "up")]
    assert len(node_problems(nodes, M1)) == 2


def test_an_unhealthy_container_is_not_ready():
    assert ready_problems(SENTINELS, NODES, HEALTHY | {"redis-3": "starting"}) == ["redis-3 is starting"]


def test_clients_follow_a_majority_of_all_sentinels_not_of_those_that_answer():
    one = [sentinel("sentinel-1", M2), SentinelView("sentinel-2", error="x"), SentinelView("sentinel-3", error="x")]
    assert majority_master(one, 3) is None
    assert majority_master([*one[:1], sentinel("sentinel-2", M2)], 3) == M2


def test_two_nodes_saying_master_is_split_brain():
    assert masters([*NODES, NodeView("redis-4", "master")]) == ["redis-1", "redis-4"]


def test_a_master_named_by_an_address_that_is_no_service_is_never_ready():
    by_ip = [sentinel(f"sentinel-{n}", ("172.18.0.2", 16380)) for n in (1, 2, 3)]
    assert "172.18.0.2" in (named_outside(by_ip, ["redis-1", "redis-2"]) or "")
    assert named_outside(SENTINELS, ["redis-1", "redis-2", "redis-3"]) is None


def test_a_failover_is_ruled_out_by_down_after_by_too_few_sentinels_for_the_quorum_or_for_a_majority():
    delivered = Monitoring(quorum=2, down_after=3.0, sentinels=3)
    assert delivered.why_no_failover(running=3, within=8) is None
    assert delivered.why_no_failover(running=2, within=8) is None  # one sentinel down: still a failover
    assert "fewer than the quorum of 2" in (delivered.why_no_failover(running=1, within=8) or "")
    assert "after 60 s (down-after)" in (Monitoring(2, 60.0, 3).why_no_failover(running=3, within=8) or "")
    assert "fewer than the quorum of 3" in (Monitoring(3, 3.0, 3).why_no_failover(running=2, within=8) or "")
    assert "1 of 2 sentinels run, not a majority" in (Monitoring(1, 3.0, 2).why_no_failover(running=1, within=8) or "")


def test_the_monitoring_is_read_from_sentinel_master():
    fields = {"quorum": "2", "down-after-milliseconds": "3000", "num-other-sentinels": "2", "flags": "master"}
    assert Monitoring.from_fields(fields) == Monitoring(quorum=2, down_after=3.0, sentinels=3)


def test_the_sentinels_agree_only_as_many_as_the_feature_says_each_seeing_what_it_says():
    assert sentinel_problems(SENTINELS, replicas=2, others=2) == []
    assert sentinel_problems(SENTINELS[:2], replicas=2, others=2) == ["2 sentinels in the file, not 3"]
    assert sentinel_problems(SENTINELS, replicas=3, others=2) == [
        f"sentinel-{i} sees 2 replicas, not 3" for i in (1, 2, 3)
    ]
