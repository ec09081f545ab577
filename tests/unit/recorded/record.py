"""Records the inspect states the topology's unit tests replay, from real
containers of the image on this machine's engine, trimmed to what
`ContainerState.from_inspect` reads. Run it again when Docker's inspect
format or the health check changes:

    uv run python tests/unit/recorded/record.py

Each container carries the label below and is removed at the end."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
from docker.models.containers import Container

HERE = Path(__file__).resolve().parent
IMAGE = "redis:7-alpine"
LABEL = "opterp20.recorded-state"
# The delivered file's check (docker-compose.yml), without the password file,
# as `docker run` flags: the SDK's Healthcheck drops start_interval (docker-py 7.1).
PING = ["--health-cmd", "exec redis-cli -e ping", "--health-retries", "5"]
DELIVERED = [*PING, "--health-interval", "10s", "--health-timeout", "5s", "--health-start-period", "30s"]
DELIVERED += ["--health-start-interval", "250ms"]
FAST = ["--health-interval", "250ms", "--health-timeout", "1s", "--health-retries", "1"]
KEPT = {"Id", "Name", "RestartCount", "Image"}


def trimmed(attrs: dict[str, Any]) -> dict[str, Any]:
    state = {
        k: attrs["State"].get(k) for k in ("Status", "ExitCode", "Pid", "StartedAt", "Health") if k in attrs["State"]
    }
    return {
        **{k: attrs[k] for k in KEPT},
        "State": state,
        "HostConfig": {"RestartPolicy": attrs["HostConfig"]["RestartPolicy"]},
        "Config": {"Healthcheck": attrs["Config"].get("Healthcheck")},
    }


def until(what: str, container: Container, ok: Callable[[dict[str, Any]], bool], timeout: float = 40) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        container.reload()
        if ok(container.attrs):
            return container.attrs
        time.sleep(0.05)
    raise SystemExit(f"record: {what} not seen within {timeout:g} s: {container.attrs['State']}")


def main() -> None:
    client = docker.from_env()
    run = secrets.token_hex(3)
    made: list[Container] = []

    def start(name: str, *flags: str, command: tuple[str, ...] = ()) -> Container:
        argv = ["docker", "run", "--detach", "--name", f"opterp20-record-{run}-{name}", "--label", f"{LABEL}={run}"]
        done = subprocess.run([*argv, *flags, IMAGE, *command], capture_output=True, text=True, timeout=60, check=True)
        container = client.containers.get(done.stdout.strip())
        made.append(container)
        return container

    def health(attrs: dict[str, Any]) -> str:
        return str((attrs["State"].get("Health") or {}).get("Status"))

    states: dict[str, dict[str, Any]] = {}
    try:
        redis = start("redis", *DELIVERED, "--restart", "unless-stopped")
        states["starting"] = until("running, before its first probe", redis, lambda a: a["State"]["Running"])
        states["healthy"] = until("healthy", redis, lambda a: health(a) == "healthy")
        redis.pause()
        states["paused"] = until("paused", redis, lambda a: a["State"]["Status"] == "paused")
        redis.unpause()
        redis.stop(timeout=5)
        states["stopped"] = until("exited", redis, lambda a: a["State"]["Status"] == "exited")

        refusing = ("redis-server", "--requirepass", "opterp20")
        # Refusing every client: the check's -e makes NOAUTH a failure, so it turns unhealthy.
        unhealthy = start("refusing", *PING, *FAST, command=refusing)
        states["unhealthy"] = until("unhealthy", unhealthy, lambda a: health(a) == "unhealthy")
        # A check without -e exits 0 on NOAUTH: healthy on a probe that never got PONG.
        misled = start("misled", "--health-cmd", "redis-cli ping", *FAST, command=refusing)
        states["healthy-on-noauth"] = until("healthy", misled, lambda a: health(a) == "healthy")
        # The plan's interval alone, without start_interval: the first probe is due 10 s after a start.
        slow = start("slow", *PING, "--health-interval", "10s")
        states["first-probe-in-10s"] = until("running", slow, lambda a: a["State"]["Running"])
        unchecked = start("unchecked", "--no-healthcheck")
        states["no-health-check"] = until("running", unchecked, lambda a: a["State"]["Running"])
        looping = start("looping", "--entrypoint", "sh", "--restart", "always", command=("-c", "exit 3"))
        states["crash-looping"] = until("restarted twice", looping, lambda a: a["RestartCount"] >= 3)
        once = start("once", "--entrypoint", "sh", "--restart", "no", command=("-c", "exit 3"))
        states["exited-for-good"] = until("exited", once, lambda a: a["State"]["Status"] == "exited")
    finally:
        for container in made:
            container.remove(force=True, v=True)
    for name, attrs in states.items():
        attrs = trimmed(attrs)
        (HERE / f"{name}.json").write_text(json.dumps(attrs, indent=2, sort_keys=True) + "\n")
        print(
            f"recorded {name}: {attrs['State']['Status']}, health {(attrs['State'].get('Health') or {}).get('Status')}"
        )


if __name__ == "__main__":
    sys.exit(main())
