from pathlib import Path

import pytest

from harness.service.definition import ServiceDefinition, declares_version, redis_bytes, seconds, server_options
from harness.service.definition_facts import MemoryBound

MODEL = {
    "services": {
        "redis": {
            "image": "redis:7-alpine",
            "container_name": "opticserp_redis",
            "command": ["redis-server", "--appendonly", "yes"],
            "restart": "unless-stopped",
            "ports": [{"mode": "ingress", "target": 6379, "published": "6379", "protocol": "tcp"}],
            "volumes": [{"type": "volume", "source": "redis_data", "target": "/data", "volume": {}}],
            "networks": {"opticserp_network": None},
            "healthcheck": {
                "test": ["CMD", "redis-cli", "-e", "ping"],
                "interval": "10s",
                "timeout": "5s",
                "retries": 5,
                "start_period": "30s",
                "start_interval": "1s",
            },
        }
    },
    "networks": {"opticserp_network": {"name": "p_opticserp_network", "ipam": {}}},
    "volumes": {"redis_data": {"name": "p_redis_data", "driver": "local"}},
}


@pytest.mark.parametrize(
    ("text", "value"), [("10s", 10.0), ("1m30s", 90.0), ("500ms", 0.5), ("1h0m0s", 3600.0), ("1.5s", 1.5), (None, None)]
)
def test_durations_as_compose_prints_them(text, value):
    assert seconds(text) == value


def test_a_non_duration_is_refused():
    with pytest.raises(ValueError):
        seconds("10 seconds")


def test_server_options_last_one_wins_as_in_redis():
    assert server_options(["redis-server", "--appendonly", "yes", "--appendonly", "no"])["appendonly"] == ["no"]


def test_server_options_need_redis_server_to_be_the_program():
    assert server_options(["sh", "-c", "redis-server --appendonly yes"]) == {}
    assert server_options(["/usr/local/bin/redis-server", "--save", ""]) == {"save": [""]}


def test_the_service_as_typed_values():
    service = ServiceDefinition.from_model(MODEL, "redis")
    assert service.image == "redis:7-alpine"
    assert [str(p) for p in service.ports] == ["6379->6379/tcp"]
    assert [str(m) for m in service.mounts] == ["volume redis_data at /data"]
    assert service.server_options == {"appendonly": ["yes"]}
    assert service.healthcheck.interval == 10.0 and service.healthcheck.start_interval == 1.0
    assert service.published_host_ports == [6379]


def test_unset_drivers_are_compose_defaults():
    service = ServiceDefinition.from_model(MODEL, "redis")
    assert service.network_drivers == {"opticserp_network": "bridge"}
    assert service.volume_drivers == {"redis_data": "local"}


def test_a_disabled_health_check_is_recognised():
    model = {"services": {"redis": {"healthcheck": {"disable": True}}}}
    assert ServiceDefinition.from_model(model, "redis").healthcheck.disabled


def test_version_is_read_from_the_raw_file(tmp_path: Path):
    with_version = tmp_path / "a.yml"
    with_version.write_text("version: '3.8'\nservices: {}\n")
    without = tmp_path / "b.yml"
    without.write_text("services: {}\n")
    assert declares_version(with_version) == "3.8"
    assert declares_version(without) is None


@pytest.mark.parametrize(("text", "size"), [("128mb", 128 * 2**20), ("1gb", 2**30), ("100m", 10**8), ("4096", 4096)])
def test_memory_sizes_as_redis_reads_them(text, size):
    assert redis_bytes(text) == size


def _with(**service: object) -> ServiceDefinition:
    model = {**MODEL, "services": {"redis": {**MODEL["services"]["redis"], **service}}}
    return ServiceDefinition.from_model(model, "redis")


def test_the_memory_cap_and_the_containers_limit_as_compose_and_redis_read_them():
    capped = _with(command=["redis-server", "--maxmemory", "1gb", "--maxmemory", "128mb"], mem_limit="402653184")
    assert (capped.maxmemory, capped.memory_limit) == (128 * 2**20, 384 * 2**20)
    deployed = _with(deploy={"resources": {"limits": {"memory": "402653184"}}})
    assert (deployed.maxmemory, deployed.memory_limit) == (0, 384 * 2**20)


def test_room_for_a_rewrite_is_twice_the_cap():
    assert MemoryBound(128 * 2**20, 384 * 2**20, "").room
    assert not MemoryBound(128 * 2**20, 192 * 2**20, "").room  # room for fragmentation, not for the copy
    assert not MemoryBound(0, 384 * 2**20, "").room and "not capped" in str(MemoryBound(0, 384 * 2**20, ""))
    assert not MemoryBound(128 * 2**20, 0, "").room
