"""How OpticsERP's consumers connect to the HA topology (docker-compose.ha.yml):
the one place their client settings are written. README, "Connecting to the
HA topology", quotes these functions (a test keeps the two the same), and the
stand-in consumers run them, so what is documented is what was proven.

    sentinels  [("127.0.0.1", 16390), ("127.0.0.1", 16391), ("127.0.0.1", 16392)] on the host;
               [("sentinel-1", 16390), ("sentinel-2", 16391), ("sentinel-3", 16392)] in a
               container on opticserp_network
    master_ip  on the host, "127.0.0.1" (where the ports are published); in a container, None
    password   the password of REDIS_PASSWORD_FILE, or None

Each setting the suite proves necessary is named in SETTINGS. With
OPTERP20_CLIENT_WITHOUT=NAME in its environment, the acceptance suite runs
its HA features with that one left out, to show the scenario it protects
failing (tests/mutants/clients). OpticsERP copies the functions and leaves
that switch out.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import redis
from apscheduler.job import Job
from apscheduler.jobstores.redis import RedisJobStore
from celery.backends.redis import SentinelBackend
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.redis import SentinelChannel, SentinelTransport
from redis.sentinel import Sentinel
from redis_lock import AlreadyAcquired, Lock, NotAcquired

T = TypeVar("T")
MASTER_NAME = "mymaster"
SOCKET_TIMEOUT = 5.0  # seconds: no call waits longer on a master that froze or was cut off
CONNECT_TIMEOUT = 2.0
SENTINEL_TIMEOUT = 0.5  # seconds for one sentinel's answer; the next one is asked after it
LOCK_WAIT_SLICE = 2  # seconds per BLPOP: a waiter waits in slices shorter than SOCKET_TIMEOUT
MASTER_CHANGE_WAIT = 15.0  # seconds: longer than an old master refuses writes before its demotion
RETRY_PAUSE = 0.1  # seconds before a lock is asked for again of a master that refused it
REPLICA_ACK_MS = 1000  # how long a lock's taker waits for a replica to have it
BROKER_HEALTH_CHECK = 2  # seconds: a worker drops a BRPOP that has had no reply for 1 + 2 s

SETTINGS = {
    "channel-error-retry": "a Celery worker its master refuses (NOREPLICAS; UNBLOCKED, redis #6420) reconnects",
    "socket-timeouts": "a Celery worker leaves a frozen master instead of waiting on it (celery #6348)",
    "sentinel-auth": "Celery's broker and result backend find the master when the sentinels need a password",
    "address-translation": "a client on the host reaches the master the sentinels name by its in-network name",
    "replica-ack": "a sync lock that no replica has is not taken: a failover would forget it",
    "result-retry": "a task's result is stored on the new master when the old one refuses it (NOREPLICAS)",
    "job-store-retry": "the scheduler's thread survives a job store write the old master refuses",
}
WITHOUT = frozenset(os.environ.get("OPTERP20_CLIENT_WITHOUT", "").split(",")) - {""}  # the suite's switch


def _on(setting: str) -> bool:
    return setting not in WITHOUT


def refused_by_master(error: BaseException) -> bool:
    """A write refused by a master that has lost its replicas, or is one no
    more: NOREPLICAS until Sentinel demotes it (8-11 s after a manual failover
    here, or for the 2-3 s before a replica follows a new one), then READONLY.
    Redis-py reports it inside a pipeline's error too."""
    return isinstance(error, redis.ResponseError) and any(code in str(error) for code in ("NOREPLICAS", "READONLY"))


def again(call: Callable[[], T], pool: redis.ConnectionPool, within: float = MASTER_CHANGE_WAIT) -> T:
    """`call`, asked again (on connections taken afresh, which ask the sentinels
    where the master is) while it fails on a master lost, frozen or refusing
    writes, for up to `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            return call()
        except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError) as error:
            refused = refused_by_master(error) or not isinstance(error, redis.ResponseError)
            if time.monotonic() > deadline or not refused:
                raise
            pool.disconnect()
            time.sleep(RETRY_PAUSE)


def connection(password: str | None) -> dict[str, Any]:
    """redis-py's settings for every connection to a data node."""
    # Not retry_on_timeout: redis-py's own retry dials the old master again
    # (redis-py #3874); the next call, on a connection taken afresh, asks the sentinels.
    timeouts = {"socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": CONNECT_TIMEOUT}
    return {"password": password, "socket_keepalive": True, **timeouts}


def sentinel(sentinels: list[tuple[str, int]], password: str | None, master_ip: str | None) -> Sentinel:
    """redis-py's Sentinel client: it asks the sentinels where the master is,
    and asks again whenever a connection to the master fails."""
    return Sentinel(
        sentinels,
        min_other_sentinels=1,  # never take the word of a sentinel that sees no other
        sentinel_kwargs={"password": password, "socket_timeout": SENTINEL_TIMEOUT},
        force_master_ip=master_ip if _on("address-translation") else None,
        **connection(password),
    )


# -- OPTERP-21: the fiscal sync lock (python-redis-lock) -------------------------
class LockNotReplicated(Exception):
    """No replica acknowledged the lock: a failover now would forget it."""


def lock_client(sentinels: list[tuple[str, int]], password: str | None, master_ip: str | None) -> redis.Redis:
    client: redis.Redis = sentinel(sentinels, password, master_ip).master_for(MASTER_NAME)
    return client


def acquire(lock: Lock, client: redis.Redis) -> None:
    """Take `lock` however long it takes, then make sure a replica has it.
    The wait is many BLPOPs shorter than the socket timeout; one that fails
    (the master lost, frozen, or refusing writes until Sentinel demotes it)
    is asked again of the master the sentinels name then."""
    while True:
        try:
            if lock.acquire(timeout=LOCK_WAIT_SLICE):
                break
        except AlreadyAcquired:
            break  # taken by the call whose answer the failure lost
        except (redis.ConnectionError, redis.TimeoutError):
            continue
        except redis.ResponseError as error:
            if not refused_by_master(error):
                raise
            client.connection_pool.disconnect()  # an old master: ask the sentinels again
            time.sleep(RETRY_PAUSE)
    if _on("replica-ack") and int(client.execute_command("WAIT", 1, REPLICA_ACK_MS)) < 1:
        lock.release()
        raise LockNotReplicated(f"no replica acknowledged the lock within {REPLICA_ACK_MS} ms; not taken")


def release(lock: Lock, client: redis.Redis) -> None:
    """Release `lock`, asking again of the master named then if the master
    asked was lost, frozen or being replaced. If a release did happen before
    its answer was lost, the next try finds the lock not held: the same outcome."""
    tries = 0

    def once() -> None:
        nonlocal tries
        tries += 1
        try:
            lock.release()
        except NotAcquired:
            if tries == 1:
                raise

    again(once, client.connection_pool)


# -- OPTERP-22: the sync scheduler's job store (APScheduler 3) ---------------------
def job_store(sentinels: list[tuple[str, int]], password: str | None, master_ip: str | None) -> RedisJobStore:
    """RedisJobStore has no Sentinel support: it is given a Sentinel master client's pool."""
    pool = lock_client(sentinels, password, master_ip).connection_pool
    return SentinelJobStore(connection_pool=pool) if _on("job-store-retry") else RedisJobStore(connection_pool=pool)


class SentinelJobStore(RedisJobStore):
    """APScheduler 3's RedisJobStore, asking again of the master named then when
    a call fails on one lost, frozen or being replaced (`again`): an error out
    of update_job or get_next_run_time ends the scheduler's thread while the
    scheduler still says it runs."""

    def add_job(self, job: Job) -> None:
        again(lambda: RedisJobStore.add_job(self, job), self.redis.connection_pool)

    def update_job(self, job: Job) -> None:
        again(lambda: RedisJobStore.update_job(self, job), self.redis.connection_pool)

    def remove_job(self, job_id: str) -> None:
        again(lambda: RedisJobStore.remove_job(self, job_id), self.redis.connection_pool)

    def get_due_jobs(self, now: datetime) -> list[Job]:
        return again(lambda: RedisJobStore.get_due_jobs(self, now), self.redis.connection_pool)

    def get_next_run_time(self) -> datetime | None:
        found: datetime | None = again(lambda: RedisJobStore.get_next_run_time(self), self.redis.connection_pool)
        return found


# -- OPTERP-24: the Celery broker and result backend -------------------------------
def celery_settings(sentinels: list[tuple[str, int]], password: str | None, master_ip: str | None) -> dict[str, Any]:
    auth = f":{quote(password, safe='')}@" if password else ""
    url = ";".join(f"sentinel://{auth}{host}:{port}/0" for host, port in sentinels)
    transport: dict[str, Any] = {"master_name": MASTER_NAME}
    if _on("sentinel-auth"):  # the URL's password is the data nodes'; the sentinels need it too
        transport["sentinel_kwargs"] = {"password": password, "socket_timeout": SENTINEL_TIMEOUT}
    if _on("address-translation"):  # HostSentinelChannel and SentinelResultBackend pass it on
        transport["force_master_ip"] = master_ip
    if _on("socket-timeouts"):
        # kombu sets no socket timeout (celery #6348), and a worker waits for its
        # BRPOP's reply in an event loop no socket timeout reaches: kombu drops
        # a reply overdue by health_check_interval (25 s by default).
        timeouts = {"socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": CONNECT_TIMEOUT}
        transport |= {**timeouts, "health_check_interval": BROKER_HEALTH_CHECK}
    return {
        "broker_url": url,
        "broker_transport_options": transport,
        # A master that lost its replicas, or was replaced and is not yet
        # demoted, refuses a worker's BRPOP (NOREPLICAS); a demoted one may answer
        # UNBLOCKED (redis #6420). Without this the worker calls either an
        # unrecoverable error and exits.
        "broker_channel_error_retry": _on("channel-error-retry"),
        "result_backend": f"{__name__}:SentinelResultBackend+{url}",
        "result_backend_transport_options": transport,
        "result_backend_always_retry": True,  # a result read through a failover is asked again
        "result_backend_max_retries": 10,
        "redis_socket_timeout": SOCKET_TIMEOUT,
        "redis_socket_connect_timeout": CONNECT_TIMEOUT,
    }


class HostSentinelChannel(SentinelChannel):
    """kombu's Sentinel channel, passing the transport option `force_master_ip` to redis-py."""

    from_transport_options = (*SentinelChannel.from_transport_options, "force_master_ip")  # type: ignore[assignment]
    force_master_ip: str | None = None

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        return {**super()._connparams(asynchronous), "force_master_ip": self.force_master_ip}


class HostSentinelTransport(SentinelTransport):
    Channel = HostSentinelChannel


class SentinelResultBackend(SentinelBackend):
    """Celery's Sentinel result backend, passing `force_master_ip` to redis-py,
    and storing a result again, on the master named then, when the one it
    reached refuses it: after a manual failover the old master refuses writes
    (NOREPLICAS) until Sentinel demotes it, 8-11 s here, and the worker's result
    would be lost (Celery retries only connection errors)."""

    def exception_safe_to_retry(self, exc: BaseException) -> bool:
        if refused_by_master(exc) and _on("result-retry"):
            self.client.connection_pool.disconnect()  # the next try asks the sentinels again
            return True
        return bool(super().exception_safe_to_retry(exc))

    def _get_sentinel_instance(self, **params: Any) -> Sentinel:
        master_ip = self._transport_options.get("force_master_ip")
        found: Sentinel = super()._get_sentinel_instance(**params, force_master_ip=master_ip)
        return found


# kombu swaps a transport given by class for the stock one when it reconnects;
# one registered under the `sentinel` name it keeps (measured).
TRANSPORT_ALIASES["sentinel"] = f"{__name__}:HostSentinelTransport"
