"""Stand-ins for the code OpticsERP runs on Redis, each started by the suite as
a real OS process through the consumer's own library: the fiscal sync worker's
lock (python-redis-lock, OPTERP-21), Celery tasks (OPTERP-24) and the
scheduler's job store (APScheduler, OPTERP-22). They report what they did to
the journal, which the suite reads; the suite never trusts Redis to say it."""
