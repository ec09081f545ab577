"""What happens to OpticsERP's data when storage or memory fails, signed off by
a run of `--tags=@ops` (features/ops): the service refuses loudly or comes back
whole, and never starts empty or drops the lock in silence."""

from __future__ import annotations

from harness.reporting.criteria import Change, Criterion

OPS = tuple(
    Criterion(key, text, "ops")
    for key, text in (
        (
            "memory-bound",
            "Memory: Redis's memory is bounded below its container's, with room for the copy a rewrite of its log "
            "makes; filled to that bound while the log is rewritten, Redis refuses new writes and the kernel never "
            "kills it",
        ),
        (
            "torn-log",
            "A log torn by a power cut: every complete write before the tear comes back; a log damaged in its "
            "middle keeps Redis down and unhealthy, saying why, never started empty, and the README's repair says "
            "what it cut off",
        ),
        (
            "disk-full",
            "A full disk: the lock, a task and a job are refused loudly and the health check fails, while what "
            "was stored still reads; once space is freed, writes are taken again without a restart and nothing "
            "acknowledged before is lost",
        ),
        (
            "backup-restore",
            "A backup: taken as the README says while clients write, it restores the same lock owner, queued tasks "
            "and jobs into a fresh volume; a copy without its manifest is refused, never started empty",
        ),
    )
)

OPS_CHANGES = (
    Change(
        "Redis does not start on a log folder without its manifest (a backup restored in part): its container "
        "stays down and says why.",
        "Redis itself would start empty on one, and the data would come back only at a later start: the sync "
        "lock free for a while, then held again.",
        "backup-restore",
    ),
    Change(
        "Redis's memory is capped at 128 MB (maxmemory), in a container limited to 384 MiB, swap included.",
        "Without a cap, noeviction never takes effect: Redis grows until the kernel kills it, often while it "
        "rewrites its log, and comes back with whatever the log holds. The container's limit leaves room for the "
        "copy that rewrite makes (README, Memory).",
        "memory-bound",
    ),
)
