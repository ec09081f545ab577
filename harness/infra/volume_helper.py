"""One short act on a Redis container's volumes (its /data), from a helper
container of its own image that shares them (`volumes_from`): it works on a
stopped container and on any engine, runs as root so the redis user's files
are its own to change, and carries the run's label, so the run's cleanup
removes it should it outlive its act."""

from __future__ import annotations

import docker
from docker.models.containers import Container

from harness.core.errors import HarnessError
from harness.infra.leftovers import RUN_LABEL

ACT_TIMEOUT = 30.0  # seconds for one act


def act(client: docker.DockerClient, container: Container, project: str, script: str, what: str) -> str:
    """Run `script` (sh) beside the container's volumes; its output, or a one-line error saying `what` failed."""
    helper = client.containers.run(
        str(container.attrs["Image"]),
        ["-c", script],
        entrypoint=["sh"],
        user="0",
        volumes_from=[str(container.id)],
        network_mode="none",
        labels={RUN_LABEL: project},
        detach=True,
    )
    try:
        code = int(helper.wait(timeout=ACT_TIMEOUT).get("StatusCode", 1))
        output = helper.logs(stdout=True, stderr=True).decode(errors="replace")
    finally:
        helper.remove(force=True)
    if code != 0:
        raise HarnessError(f"{what} failed (exit {code}): {' '.join(output.split())[:200]}")
    return str(output)
