"""How OpticsERP's fiscal sync holds its lock (OPTERP-21) through a sync that
may outlast the lock's expiry: copy this module.

    from stand_ins.fiscal_lock import FiscalLock

    with FiscalLock(redis_client, "sync_lock", expire=300) as held:
        for batch in receipts:
            held.check()  # raises LockLost once the lock may be another worker's
            send_to_fiscal_service(batch)

The plan's `with Lock(redis_client, "sync_lock", expire=300)` lets a second
worker in after 300 s, while the first still sends. python-redis-lock's own
`auto_renewal=True` renews in a thread that ends at the first error of
`extend` (python-redis-lock#85, #115): a Redis restart or a failover during a
renewal ends it silently, and the lock expires under a sync that goes on.
Here a renewal that fails for want of Redis, or that a master being replaced
refuses, is tried again until the lock's expiry; the worker checks before each fiscal write that the lock is still its
own (the lease it renewed has not run out, and Redis, when it answers, still
names it), and stops once it is not. A holder paused for longer than the
expiry between its check and its write could still overlap the next holder:
only a fencing token checked by the fiscal service rules that out (Martin
Kleppmann, "How to do distributed locking").

Each setting the suite proves necessary is named in SETTINGS; with
OPTERP20_CLIENT_WITHOUT=NAME the stand-ins run without it (the catalogue's
negative controls, tests/mutants/lock/)."""

from __future__ import annotations

import os
import threading
import time
from types import TracebackType

import redis
from redis_lock import Lock, NotAcquired

SETTINGS = {
    "lock-renewal": "a sync longer than the lock's expiry keeps the lock: it is renewed while the sync runs",
    "renewal-retry": "a renewal that fails while Redis restarts or fails over is tried again, not given up",
}
WITHOUT = frozenset(os.environ.get("OPTERP20_CLIENT_WITHOUT", "").split(",")) - {""}  # the suite's switch
RENEWALS_PER_EXPIRY = 3  # renewed three times per expiry: two may fail before the lock is at risk


AWAY = (redis.ConnectionError, redis.TimeoutError)  # Redis restarting, or a master lost in a failover


def refused(error: redis.ResponseError) -> bool:
    """A write refused by a master being replaced: NOREPLICAS until Sentinel
    demotes it, READONLY once it is a replica. It passes; another answer does not."""
    return isinstance(error, redis.ReadOnlyError) or any(code in str(error) for code in ("NOREPLICAS", "READONLY"))


class LockLost(Exception):
    """The lock may be another worker's now: stop before the next fiscal write."""


class FiscalLock:
    def __init__(self, client: redis.Redis, name: str, expire: int) -> None:
        self.expire = expire
        # Without renewal-retry, the library's own renewal thread, as it ships; without
        # lock-renewal, the plan's snippet: never renewed. Neither checks before a write.
        self.client = client
        self.lock = Lock(client, name, expire=expire, auto_renewal="renewal-retry" in WITHOUT)
        self.ours = not WITHOUT & set(SETTINGS)  # renewed and checked as below
        self.renewed = 0.0  # monotonic time the last renewal that Redis confirmed was sent
        self._lost, self._stop = threading.Event(), threading.Event()
        self._renewer = threading.Thread(target=self._renew, name="fiscal-lock-renewal", daemon=True)

    def __enter__(self) -> FiscalLock:
        sent = time.monotonic()
        self.lock.acquire()
        self.renewed = sent
        if self.ours:
            self._renewer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._renewer.is_alive():
            self._renewer.join()
        try:
            self.lock.release()
        except NotAcquired:
            pass  # it expired, and may be another worker's now: nothing of ours to release
        except (*AWAY, redis.ResponseError):
            pass  # Redis away, or a master being replaced: the lock expires by itself, within `expire`

    def _renew(self) -> None:
        while not self._stop.wait(self.expire / RENEWALS_PER_EXPIRY):
            sent = time.monotonic()
            try:
                self.lock.extend(self.expire)
            except NotAcquired:  # gone, or taken by another worker
                self._lost.set()
                return
            except (*AWAY, redis.ResponseError) as error:
                unknown = isinstance(error, redis.ResponseError) and not refused(error)
                if unknown or time.monotonic() - self.renewed >= self.expire:
                    self._lost.set()
                    return
                if isinstance(error, redis.ResponseError):  # an old master: ask the sentinels again
                    self.client.connection_pool.disconnect()
                continue  # Redis restarting or failing over: try again at the next tick
            self.renewed = sent

    def check(self) -> None:
        """Raise LockLost unless the lock is still this worker's: its lease has not
        run out, and Redis, if it answers, names this worker as the owner."""
        if self.ours:
            if self._lost.is_set() or time.monotonic() - self.renewed >= self.expire:
                raise LockLost(f"the lease renewed {time.monotonic() - self.renewed:.2f} s ago has run out")
            try:
                owner = self.lock.get_owner_id()
            except AWAY:
                return  # Redis is away: the lease, renewed less than an expiry ago, still holds
            if owner != self.lock.id:
                raise LockLost(f"Redis names {owner!r} as the lock's owner")
