@ha @ha-consumers @OPTERP-20 @OPTERP-21 @OPTERP-24
Feature: High availability: with both standbys lost, OpticsERP waits rather than risk a lock nobody else has
  In order that no fiscal sync starts on a lock that one more crash would lose
  As the fiscal sync worker (OPTERP-21) and the Celery workers (OPTERP-24)
  I want the sync lock refused, and the Celery worker to wait, while no standby copies the main Redis

  A standby confirms what it has every second; after 3 seconds without a confirmation, the
  main Redis refuses writes until one is back. This is the price of never losing a lock
  that was granted: with both standbys lost, the fiscal sync and the Celery tasks stop.

  @ha:replicas-lost
  Scenario: With both standbys lost the sync lock is refused, and a Celery worker waits for them instead of exiting
    Given the HA topology is ready
    And the consumers run on this machine
    When both standbys freeze
    Then a sync worker that asks for the sync lock is refused within 2 seconds, and nobody holds it
    And the main Redis refuses the Celery worker's commands within 7 seconds
    When the standbys thaw
    Then the Celery worker runs a new task within 10 seconds of the standbys' return, and its result is read back
