@ha @ha-consumers @OPTERP-20 @OPTERP-21 @OPTERP-24
Feature: High availability: a long fiscal sync never runs twice, and the Celery workers carry on, failover after failover
  In order that a failover never lets two fiscal syncs send the same receipts, and never leaves a worker idle
  As the fiscal sync worker (OPTERP-21) and the Celery workers (OPTERP-24)
  I want a sync that outlasts its lock to keep it or stop, and a worker to take tasks after failover upon failover

  The sync and the workers connect as the README's "Connecting to the HA topology" says, and
  the sync holds its lock as "Holding the sync lock" says. The lock's expiry is scaled down to
  3 seconds, shorter than a failover, so the sync cannot keep it through one: it must stop.

  Background:
    Given the HA topology is ready

  @ha:lock-long-sync
  Scenario: A sync longer than the lock's expiry never runs beside another, even across a failover
    Given a sync worker runs a sync three times as long as the lock's 3-second expiry, holding the lock as OpticsERP is told to
    When the main Redis crashes and stays down
    Then all sentinels agree on a new main Redis within 6 seconds of the crash
    When another sync worker asks for the lock
    Then the waiting worker never held the lock while the first still sent fiscal receipts

  @ha:consumers-two-failovers
  Scenario: The Celery worker carries on through two failovers in a row
    Given the consumers run on this machine
    When the operator asks for a failover, and for another once the sentinels have made it
    Then all sentinels agree on a new main Redis within 5 seconds of the request
    And the Celery worker runs a new task within 10 seconds of the new main Redis, and its result is read back
