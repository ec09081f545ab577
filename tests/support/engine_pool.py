"""Docker engines of the tests' own, one per pytest worker, each in a network
namespace of its own (as ../shared/ci/remote-engine runs one), so that several
runs of the suite go on at once although the service has a fixed container
name and fixed ports.

A worker runs inside its engine's network namespace, and in a mount namespace
of its own where the engine's socket is bound over the platform's default
(/var/run/docker.sock): to the suite and the docker CLI it is the machine's
local engine, found as on any machine, and the ports it publishes on
127.0.0.1 are the worker's own 127.0.0.1. Its one other address (a veth
pair inside the namespace, 10.205.N.2) stands for this machine's network
address. Nothing outside the namespaces changes: no host interface, route,
firewall rule or mount; the engine itself runs in this machine's mount
namespace, so its containers' mounts are where every engine's are.

    uv run python -m tests.support.engine_pool start N    start N engines (replacing earlier ones), print their sockets
    uv run python -m tests.support.engine_pool stop       stop every engine of the pool, remove its namespace

The pytest plugin (tests/support/parallel.py) makes the namespaces before it
starts the workers; each worker starts its engine the first time a test needs
one and stops it at its end. A pool left by a killed run is replaced by the
next (its paths are the pool's own, so nothing else is touched)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from tests.support import system
from tests.support.system import PoolUnavailable

NETNS = Path("/run/netns")  # where `ip netns` keeps named namespaces
RUN = Path("/run/opterp20-engines")
DATA = Path("/var/lib/opterp20-engines")
DEFAULT_SOCKET = Path("/var/run/docker.sock")  # where the docker CLI and the suite look for a local engine
IMAGES = ("redis:7-alpine",)  # what the suite runs; copied from this machine's engine
IMAGE_ARCHIVES = RUN / "images"  # one docker-save archive per image
START_BOUND = 60.0  # seconds for a dockerd to answer (3-5 s measured)
STOP_BOUND = 30.0  # seconds for it to stop (its containers are gone by then; 15 s is dockerd's own bound per container)
TOOLS = ("ip", "nsenter", "unshare", "mount", "dockerd")


@dataclass(frozen=True)
class PoolEngine:
    index: int

    @property
    def name(self) -> str:
        return f"opterp20-engine-{self.index}"

    @property
    def namespace(self) -> Path:
        return NETNS / self.name

    @property
    def address(self) -> str:
        """Its one address besides loopback: 'this machine's network address' to the tests run there."""
        return f"10.205.{self.index}.2"

    @property
    def run_dir(self) -> Path:
        return RUN / str(self.index)

    @property
    def docker_host(self) -> str:
        return f"unix://{self.socket}"

    @property
    def pidfile(self) -> Path:
        return self.run_dir / "docker.pid"

    @property
    def log(self) -> Path:
        return self.run_dir / "dockerd.log"

    @property
    def data_root(self) -> Path:
        return DATA / str(self.index)

    @property
    def socket(self) -> Path:
        return self.run_dir / "docker.sock"

    def enter(self, *argv: str, mounts: str = "") -> list[str]:
        """`argv` run inside this engine's network namespace (and the mount namespace `mounts`, if given)."""
        return ["nsenter", f"--net={self.namespace}", *([f"--mount={mounts}"] if mounts else []), *argv]

    def worker(self, python: str) -> list[str]:
        """A pytest worker's command: in the engine's network namespace and a private mount namespace of its own."""
        return self.enter("unshare", "--mount", "--propagation", "private", python)

    # -- the namespace, made by the pytest controller --------------------------------
    def make_namespace(self) -> None:
        """A fresh namespace with loopback up and the dummy address (replacing one an earlier run left)."""
        self.stop()
        if self.namespace.exists():
            system.ip("netns", "delete", self.name)
        system.ip("netns", "add", self.name)
        inside = ("-n", self.name)
        system.ip(*inside, "link", "set", "lo", "up")
        # Both ends of a veth pair inside: the kernel here has no dummy driver.
        system.ip(*inside, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
        system.ip(*inside, "addr", "add", f"{self.address}/24", "dev", "eth0")
        system.ip(*inside, "link", "set", "eth1", "up")
        system.ip(*inside, "link", "set", "eth0", "up")

    def try_seat(self) -> None:
        """What a worker does to see this engine as its own, tried once in a throwaway mount namespace."""
        argv = self.enter(
            "unshare", "--mount", "--propagation", "private", "mount", "--bind", "/dev/null", str(DEFAULT_SOCKET)
        )
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise PoolUnavailable(f"a worker cannot be seated in {self.name}: {done.stderr.strip()}")

    def remove_namespace(self) -> None:
        self.stop()
        if self.namespace.exists():
            system.ip("netns", "delete", self.name)

    # -- the engine ------------------------------------------------------------------
    def start(self, mounts: str = "") -> None:
        """Start dockerd in the namespace on an empty data root, wait for it, load the images.
        `mounts`: the machine's mount namespace, for a caller in a private one."""
        self.stop()
        system.unmount_under(self.data_root)
        shutil.rmtree(self.data_root, ignore_errors=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            process = subprocess.Popen(
                self.enter(
                    "dockerd",
                    "--host",
                    self.docker_host,
                    "--data-root",
                    str(self.data_root),
                    "--exec-root",
                    str(self.run_dir / "exec"),
                    "--pidfile",
                    str(self.pidfile),
                    mounts=mounts,
                ),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C meant for pytest leaves it to our stop
            )
        deadline = time.monotonic() + START_BOUND
        while not system.answers(self.docker_host):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace").strip().splitlines()[-3:]
                raise PoolUnavailable(f"{self.name}: dockerd did not come up within {START_BOUND:g} s: {tail}")
            time.sleep(0.1)
        client = self.client()
        for archive in sorted(IMAGE_ARCHIVES.glob("*.tar")):
            with archive.open("rb") as image:
                client.images.load(image)

    def make_default(self) -> None:
        """Bind this engine's socket over the default one, in the caller's own mount namespace (a worker's)."""
        _bind(self.socket, DEFAULT_SOCKET)

    def stop(self) -> None:
        """Stop this engine's dockerd if it runs (ours: found by the pool's own pid file)."""
        pid = system.pid(self.pidfile)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_BOUND
        while system.alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.docker_host, timeout=30)


def unavailable() -> str | None:
    """Why this machine cannot run the pool, if it cannot: not root, or a tool is missing."""
    if not sys.platform.startswith("linux"):
        return f"network namespaces are Linux's, and this is {sys.platform}"
    if os.geteuid() != 0:
        return "network namespaces need root"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not found"
    return None if DEFAULT_SOCKET.is_socket() else f"no engine on {DEFAULT_SOCKET} to take the images from"


def export_images(source: docker.DockerClient) -> None:
    """Save the suite's images from this machine's engine once, for every pool engine to load."""
    shutil.rmtree(IMAGE_ARCHIVES, ignore_errors=True)
    IMAGE_ARCHIVES.mkdir(parents=True)
    for number, name in enumerate(IMAGES):
        try:
            image = source.images.get(name)
        except docker.errors.ImageNotFound:
            raise PoolUnavailable(f"this machine's engine has no {name}, which the suite runs") from None
        with (IMAGE_ARCHIVES / f"{number}.tar").open("wb") as archive:
            for chunk in image.save(named=True):
                archive.write(chunk)


def hide_default() -> None:
    """No engine at the default socket, in the caller's own mount namespace (a worker's, until its engine starts):
    a worker never reaches this machine's engine, which other runs may be using."""
    _bind(Path("/dev/null"), DEFAULT_SOCKET)


def _bind(source: Path, target: Path) -> None:
    done = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise PoolUnavailable(f"`mount --bind {source} {target}` failed: {done.stderr.strip()}")


def pool(count: int) -> list[PoolEngine]:
    return [PoolEngine(index) for index in range(1, count + 1)]


def existing() -> list[PoolEngine]:
    """The pool's engines an earlier start left, by their namespaces or run directories."""
    indices = {p.name.rsplit("-", 1)[1] for p in NETNS.glob("opterp20-engine-*")} if NETNS.is_dir() else set()
    indices |= {p.name for p in RUN.iterdir() if p.is_dir()} if RUN.is_dir() else set()
    return [PoolEngine(int(i)) for i in sorted(indices) if i.isdigit()]


def stop_all() -> None:
    for engine in existing():
        engine.remove_namespace()
        system.unmount_under(engine.data_root)
        shutil.rmtree(engine.data_root, ignore_errors=True)
    shutil.rmtree(RUN, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["stop"]:
        stop_all()
        return 0
    if argv[:1] == ["start"] and len(argv) == 2 and argv[1].isdigit():
        if reason := unavailable():
            print(f"engine_pool: {reason}", file=sys.stderr)
            return 2
        try:
            export_images(docker.from_env())
            for engine in pool(int(argv[1])):
                engine.make_namespace()
                engine.start()
                print(engine.docker_host)
        except PoolUnavailable as error:
            print(f"engine_pool: {error}", file=sys.stderr)
            return 1
        except docker.errors.DockerException as error:
            # docker.from_env() or the image export: this machine's engine is the source.
            print(
                f"engine_pool: this machine's Docker engine did not answer ({error}); start it and try again",
                file=sys.stderr,
            )
            return 1
        return 0
    print("usage: python -m tests.support.engine_pool start N | stop", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
