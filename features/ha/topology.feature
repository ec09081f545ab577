@ha @OPTERP-20
Feature: High availability: a main Redis, two standbys and three sentinels, ready together
  In order that the fiscal sync lock and the Celery tasks outlive the loss of one Redis
  As the OpticsERP operator
  I want the plan's production topology: a main Redis that takes every write, two standbys
  that keep a copy of it, and three sentinels that watch them and, when two of the three
  agree that the main Redis is lost, make a standby the new main Redis (a failover)

  @ha:ready
  Scenario: The topology is ready within 10 seconds of being started
    When the operator starts the HA topology from nothing
    Then within 10 seconds of the start every Redis and sentinel is healthy
    And all sentinels name the same main Redis, and each sees both standbys and the other two sentinels
    And both standbys follow the main Redis, up to date
    And every Redis keeps an append-only file written to disk at least once a second, never evicts, and refuses writes that no standby receives

  @ha:truthful-health
  Scenario: A sentinel that sees no main Redis reports itself unhealthy, although it still answers
    Given the HA topology is ready
    And both standbys are stopped
    When the main Redis crashes and stays down
    Then within 5 seconds of the crash every sentinel's own health check fails, while all of them still answer

  @ha:stack-restart
  Scenario: A restart of the whole stack after a failover keeps the new main Redis and its data
    Given the HA topology is ready
    And the main Redis crashed for good and a standby took over
    And a key was written to the new main Redis and a standby has it
    When the operator takes the whole topology down, keeping its volumes, and starts it again
    Then within 10 seconds of the start the topology is ready again
    And the sentinels still name the standby that took over as the main Redis
    And the key is still there
