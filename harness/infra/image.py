"""The service's image on the run's engine: there already, or pulled now
through Compose (the CLI's registries, mirrors and credentials), with its
progress on the console and a deadline; refused in one line when it cannot be had."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import docker
import docker.errors

from harness.core.errors import ComposeFileRejected, ImageMissing
from harness.infra.compose import Compose


@dataclass(frozen=True)
class Image:
    description: str  # name, ID, origin and description label: which image really ran
    pulled: str  # whether this run pulled it, for the sign-off
    from_registry: bool  # a registry's image (it has a repo digest), not one built or loaded here


def ensure(client: docker.DockerClient, compose: Compose, service: str, image: str | None, timeout: float) -> Image:
    if not image:
        raise ComposeFileRejected("the compose file", "the service has no image")
    pulled = "no, it was on the engine already"
    try:
        found = client.images.get(image)
    except docker.errors.ImageNotFound:
        seconds = pull(compose, service, image, timeout)
        pulled = f"yes, by this run, in {seconds:.1f} s"
        try:
            found = client.images.get(image)
        except docker.errors.ImageNotFound as error:
            raise ImageMissing(image, "the pull finished but the engine does not have it") from error
    label = (found.labels or {}).get("org.opencontainers.image.description")
    from_registry = bool(found.attrs.get("RepoDigests"))
    origin = "pulled from a registry" if from_registry else "built or loaded locally"
    return Image(f"{image} {found.short_id}, {origin}" + (f" ({label})" if label else ""), pulled, from_registry)


def pull(compose: Compose, service: str, image: str, timeout: float) -> float:
    """`docker compose pull SERVICE`, its progress passed through to the
    console as it comes; returns the seconds it took."""
    print(f"OPTERP-20 acceptance: {image} is not on the engine; pulling it (at most {timeout:g} s)", file=sys.stderr)
    began = time.monotonic()
    process = subprocess.Popen(
        [*compose.prefix, "pull", service],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=compose.variables,
    )
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    last = ""
    try:
        for line in process.stdout or ():  # ends when the pull ends or the watchdog kills it
            sys.stderr.write(line)
            last = line.strip() or last
        returncode = process.wait()
    finally:
        watchdog.cancel()
    elapsed = time.monotonic() - began
    if elapsed >= timeout:
        raise ImageMissing(image, f"the pull did not finish within {timeout:g} s")
    if returncode != 0:
        raise ImageMissing(image, f"the pull failed: {last[-200:]}")
    return elapsed
