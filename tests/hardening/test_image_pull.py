"""The first run on a fresh engine fetches the image itself: a missing image is
pulled through Compose with its progress shown and a deadline, and the sign-off
says so. No registry answers here, so the registry is played by a `docker`
wrapper that answers `compose ... pull` by tagging the local image, and passes
every other command to the real CLI."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import docker
import pytest

from tests.support.behave_run import ROOT, behave, why_failed
from tests.support.refusals import REFUSAL

pytestmark = [pytest.mark.engine, pytest.mark.suite_run]
PULLED = "opterp20-pulled/redis:7-alpine"


def fake_registry(tmp_path: Path, pull: str) -> dict[str, str]:
    """PATH with a `docker` whose `compose ... pull` runs `pull` (shell)."""
    wrapper = tmp_path / "bin" / "docker"
    wrapper.parent.mkdir()
    wrapper.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do [ "$arg" = pull ] && [ "$1" = compose ] && { ' + pull + "; }; done\n"
        'exec /usr/bin/docker "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{wrapper.parent}:{os.environ['PATH']}"}


@pytest.fixture
def compose_with_missing_image(tmp_path: Path) -> str:
    client = docker.from_env()
    try:
        client.images.remove(PULLED)
    except docker.errors.ImageNotFound:
        pass
    path = tmp_path / "docker-compose.yml"
    path.write_text((ROOT / "docker-compose.yml").read_text().replace("redis:7-alpine", PULLED))
    (tmp_path / "redis").symlink_to(ROOT / "redis")  # the default password file, beside the compose file
    yield f"compose_file={path}"
    try:
        client.images.remove(PULLED)
    except docker.errors.ImageNotFound:
        pass


def test_a_missing_image_is_pulled_with_visible_progress_and_recorded(compose_with_missing_image, tmp_path):
    pull = f'echo " redis Pulling"; echo " redis Pulled"; exec /usr/bin/docker tag redis:7-alpine {PULLED}'
    reports = tmp_path / "reports"
    done = behave(
        "--tags=@ac:ping", "-D", compose_with_missing_image, reports=reports, env=fake_registry(tmp_path, pull)
    )
    assert done.returncode == 0, why_failed(done, reports)
    assert f"{PULLED} is not on the engine; pulling it" in done.stderr and " redis Pulled" in done.stderr
    assert "| image pulled | yes, by this run, in " in (reports / "signoff.md").read_text()


def test_a_pull_that_does_not_finish_in_time_is_refused_in_one_line(compose_with_missing_image, tmp_path):
    done = behave(
        "-D",
        compose_with_missing_image,
        "-D",
        "pull_timeout=1",
        reports=tmp_path / "reports",
        env=fake_registry(tmp_path, 'echo " redis Pulling"; exec sleep 30'),
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    refusal = done.stderr.strip().splitlines()[-1]
    assert refusal.startswith(REFUSAL) and "the pull did not finish within 1 s" in refusal, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
