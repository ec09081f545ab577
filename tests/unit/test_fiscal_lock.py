"""The delivered way of holding the sync lock (stand_ins/fiscal_lock.py): a
renewal that survives Redis being away, and a check before each fiscal write.
Redis is faked here; `@fit:lock-long-sync` proves it against the real one."""

from __future__ import annotations

import threading
import time

import pytest
import redis
from redis_lock import NotAcquired

from stand_ins import fiscal_lock
from stand_ins.fiscal_lock import FiscalLock, LockLost


class FakeLock:
    """python-redis-lock's Lock as far as FiscalLock uses it; `extend` answers from a script."""

    def __init__(self, answers: list[BaseException | None], owner: str | None = "me") -> None:
        self.id, self.owner, self.answers = "me", owner, answers
        self.extended = threading.Event()  # set once every answer was given

    def acquire(self) -> bool:
        return True

    def extend(self, expire: int) -> None:
        answer = self.answers.pop(0) if self.answers else None
        if not self.answers:
            self.extended.set()
        if answer is not None:
            raise answer

    def get_owner_id(self) -> str | None:
        if isinstance(self.owner, Exception):
            raise self.owner
        return self.owner

    def release(self) -> None:
        if self.owner != self.id:
            raise NotAcquired("not ours")


def held(lock: FakeLock, expire: float = 0.3) -> FiscalLock:
    fiscal = FiscalLock(redis.Redis(port=1), "sync_lock", expire=1)  # no connection until a command
    fiscal.expire, fiscal.lock = expire, lock  # type: ignore[assignment]
    return fiscal


def test_a_renewal_that_fails_while_redis_is_away_is_tried_again_and_the_lock_kept():
    lock = FakeLock([redis.ConnectionError("refused"), None])
    with held(lock) as fiscal:
        assert lock.extended.wait(2)
        fiscal.check()  # still ours: the second renewal went through


def test_a_renewal_redis_refuses_as_not_ours_loses_the_lock_and_the_next_check_says_so():
    lock = FakeLock([NotAcquired("gone")])
    with held(lock) as fiscal:
        assert lock.extended.wait(2)
        fiscal._renewer.join(2)
        with pytest.raises(LockLost):
            fiscal.check()


@pytest.mark.parametrize(
    "refusal",
    [redis.ResponseError("NOREPLICAS Not enough good replicas to write."), redis.ReadOnlyError("read only replica")],
    ids=["old master without replicas", "old master demoted"],
)
def test_a_renewal_refused_by_a_master_being_replaced_is_asked_again_of_the_master_named_then(refusal):
    lock = FakeLock([refusal, None])
    with held(lock) as fiscal:
        assert lock.extended.wait(2)
        fiscal.check()


def test_a_renewal_answered_otherwise_loses_the_lock_rather_than_end_the_renewal_unsaid():
    lock = FakeLock([redis.ResponseError("NOSCRIPT No matching script")])
    with held(lock) as fiscal:
        assert lock.extended.wait(2)
        fiscal._renewer.join(2)
        with pytest.raises(LockLost):
            fiscal.check()


def test_the_check_refuses_once_redis_names_another_owner():
    with held(FakeLock([], owner="someone else")) as fiscal, pytest.raises(LockLost, match="someone else"):
        fiscal.check()


def test_with_redis_away_the_check_trusts_the_lease_until_it_runs_out():
    fiscal = held(FakeLock([], owner=redis.ConnectionError("refused")))  # type: ignore[arg-type]
    fiscal.renewed = time.monotonic()
    fiscal.check()  # Redis cannot say, and the lease renewed a moment ago holds
    fiscal.renewed = 0.0  # renewed long ago, and never since
    with pytest.raises(LockLost, match="has run out"):
        fiscal.check()


def test_every_setting_the_negative_controls_switch_off_is_named():
    assert set(fiscal_lock.SETTINGS) == {"lock-renewal", "renewal-retry"}
