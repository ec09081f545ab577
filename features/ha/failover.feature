@ha @OPTERP-20
Feature: High availability: losing the main Redis is a failover of seconds, not an outage
  In order that a lost main Redis costs OpticsERP seconds of waiting, and no write a standby confirmed
  As the OpticsERP operator
  I want a standby to take over when the main Redis crashes, freezes or is handed over,
  and the old main Redis to come back as a standby, never as a second main Redis

  A failover is the sentinels making a standby the new main Redis. They give the main Redis
  3 seconds to answer before they call it lost, then take up to 3 more to agree and hand
  over: 6 seconds in all, and 7 for a main Redis that freezes instead of crashing. A write is
  confirmed when a standby has it too.

  Background:
    Given the HA topology is ready

  @ha:crash-failover
  Scenario: A main Redis that crashes and stays down is replaced within 6 seconds
    When the main Redis crashes and stays down
    Then all sentinels agree on a new main Redis within 6 seconds of the crash
    And the new main Redis says so, and the other standby follows it, up to date
    And a write to the new main Redis succeeds

  @ha:no-write-lost
  Scenario: No write a standby confirmed is lost when the main Redis crashes
    Given a client writes continuously to the main Redis, each write confirmed by a standby
    When the main Redis crashes and stays down
    Then all sentinels agree on a new main Redis within 6 seconds of the crash
    And every write a standby confirmed is on the new main Redis, counted exactly
    And the writes only the old main Redis took are counted, and how many of them were lost is reported

  @ha:old-master-returns
  Scenario: The old main Redis comes back as a standby and takes no write on the way
    Given the main Redis crashed for good and a standby took over
    When the old main Redis is started again while a client writes to it directly
    Then within 15 seconds it is a standby of the new main Redis, up to date
    And it took none of the writes sent to it directly

  @ha:restart-absorbs
  Scenario: A crash that Docker's restart absorbs is not a failover (negative control)
    Given a key was written to the main Redis and a standby has it
    When the main Redis crashes and Docker restarts it
    Then the main Redis answers again within 2 seconds of the crash
    And no sentinel hands over to a standby within 6 seconds of the crash
    And the key is still there

  @ha:manual-failover
  Scenario: A failover the operator asks for keeps every confirmed write and demotes the old main Redis
    Given a client writes continuously to the main Redis, each write confirmed by a standby
    When the operator asks for a failover
    Then all sentinels agree on a new main Redis within 5 seconds of the request
    And every write a standby confirmed is on the new main Redis, counted exactly
    And within 15 seconds the old main Redis is a standby of the new main Redis, up to date

  @ha:frozen-master
  Scenario: A main Redis that freezes is replaced, and demoted without taking a write when it thaws
    When the main Redis freezes
    Then all sentinels agree on a new main Redis within 7 seconds of the freeze
    When the frozen main Redis thaws while a client writes to it directly
    Then within 15 seconds it is a standby of the new main Redis, up to date
    And it took none of the writes sent to it directly
