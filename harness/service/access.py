"""Who may reach Redis, from the two environment variables the compose file
reads: REDIS_BIND_ADDRESS (the host address the port is published on) and
REDIS_PASSWORD_FILE (a file holding the password Redis then requires). The
suite reads the same two, so its clients connect as the service expects."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from harness.core.errors import PasswordFileUnusable

BIND_ADDRESS = "REDIS_BIND_ADDRESS"
PASSWORD_FILE = "REDIS_PASSWORD_FILE"
LOOPBACK = "127.0.0.1"
REDACTED = "[password]"


@dataclass(frozen=True)
class Access:
    bind_address: str = LOOPBACK
    password_file: Path | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls, env: Mapping[str, str], base: Path) -> Access:
        """A relative REDIS_PASSWORD_FILE is, as Compose reads it, relative to
        the compose file's directory (`base`)."""
        name = env.get(PASSWORD_FILE) or None
        file = base / name if name else None
        return cls(
            bind_address=env.get(BIND_ADDRESS) or LOOPBACK,
            password_file=file,
            password=read_password(file) if file else None,
        )

    @classmethod
    def with_password_file(cls, file: Path, bind_address: str = LOOPBACK) -> Access:
        return cls(bind_address, file, read_password(file))

    @classmethod
    def with_temporary_password(cls, directory: Path, bind_address: str = LOOPBACK) -> Access:
        """Access with a password of its own, in a file in `directory` only this
        user can read, with the characters a shell or a URL would mangle if quoted wrongly."""
        file = directory / "redis-password"
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(f"opterp20 {secrets.token_urlsafe(18)} $'\"|&;\\\n")
        return cls.with_password_file(file, bind_address)

    def compose_variables(self) -> dict[str, str]:
        """The variables Compose must see to run the service this way."""
        env = {BIND_ADDRESS: self.bind_address}
        if self.password_file is not None:
            env[PASSWORD_FILE] = str(self.password_file)
        return env

    def url(self, host: str, port: int) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{auth}{host}:{port}/0"

    def redact(self, text: str) -> str:
        return text.replace(self.password, REDACTED) if self.password else text

    def __str__(self) -> str:
        password = f"password from {self.password_file}" if self.password_file else "no password"
        return f"published on {self.bind_address}, {password}"


def read_password(file: Path) -> str:
    """The password as the service reads it: the file's text without its
    trailing newlines (what `$(cat FILE)` gives). Only a regular file: reading
    a FIFO would wait for a writer for good, and Compose mounts nothing else."""
    if file.exists() and not file.is_file():
        raise PasswordFileUnusable(str(file), "is not a regular file")
    try:
        password = file.read_text(encoding="utf-8").rstrip("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise PasswordFileUnusable(str(file), f"cannot be read: {error.__class__.__name__}") from error
    if not password:
        raise PasswordFileUnusable(str(file), "is empty")
    return password
