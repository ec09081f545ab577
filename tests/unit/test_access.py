from pathlib import Path

import pytest
import redis

from harness.core.errors import PasswordFileUnusable
from harness.service.access import LOOPBACK, Access


def test_unset_means_loopback_and_no_password():
    access = Access.from_environment({}, Path("/repo"))
    assert (access.bind_address, access.password, access.compose_variables()) == (
        LOOPBACK,
        None,
        {"REDIS_BIND_ADDRESS": LOOPBACK},
    )
    assert access.url("127.0.0.1", 6379) == "redis://127.0.0.1:6379/0"


def test_the_password_is_the_file_without_its_trailing_newline_as_the_service_reads_it(tmp_path: Path):
    file = tmp_path / "pw"
    file.write_text("a b$'\"|&;\\\n\n")
    access = Access.from_environment({"REDIS_PASSWORD_FILE": str(file), "REDIS_BIND_ADDRESS": "0.0.0.0"}, Path("/repo"))
    assert access.password == "a b$'\"|&;\\"
    assert access.compose_variables() == {"REDIS_BIND_ADDRESS": "0.0.0.0", "REDIS_PASSWORD_FILE": str(file)}


def test_the_url_carries_the_password_quoted_so_that_clients_read_it_back_unchanged(tmp_path: Path):
    file = tmp_path / "pw"
    file.write_text("p@ss:/w?rd#%\n")
    url = Access.with_password_file(file).url("127.0.0.1", 6379)
    assert redis.connection.parse_url(url)["password"] == "p@ss:/w?rd#%"


@pytest.mark.parametrize(("content", "problem"), [(None, "cannot be read"), ("\n", "is empty")])
def test_an_unusable_password_file_is_refused_in_one_line(tmp_path: Path, content: str | None, problem: str):
    file = tmp_path / "pw"
    if content is not None:
        file.write_text(content)
    with pytest.raises(PasswordFileUnusable, match=problem) as refused:
        Access.from_environment({"REDIS_PASSWORD_FILE": str(file)}, tmp_path)
    assert "\n" not in str(refused.value) and "unset REDIS_PASSWORD_FILE" in str(refused.value)


def test_nothing_prints_the_password(tmp_path: Path):
    file = tmp_path / "pw"
    file.write_text("hunter2\n")
    access = Access.with_password_file(file)
    assert "hunter2" not in f"{access} {access!r}"
    assert access.redact("auth hunter2 ok") == "auth [password] ok"


def test_a_relative_password_file_is_found_where_compose_finds_it_beside_the_compose_file(tmp_path: Path):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "pw").write_text("s3cret\n")
    access = Access.from_environment({"REDIS_PASSWORD_FILE": "secrets/pw"}, tmp_path)
    assert (access.password, access.password_file) == ("s3cret", tmp_path / "secrets" / "pw")
