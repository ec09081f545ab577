@OPTERP-20
Feature: Acknowledged writes survive restarts, re-creation and crashes
  In order not to lose sync locks or queued tasks
  As the OpticsERP operator
  I want every write Redis acknowledged to be there after the container restarts,
  is re-created, or its process dies

  Background:
    Given the Redis service is running
    And a client has stored a value under a key

  @ac:persistence
  Scenario: A written key survives a restart
    When the operator restarts the Redis service
    Then the key still holds the value

  @ac:persistence
  Scenario: A written key survives re-creation of the container
    When the operator removes the container, keeps its data, and starts it again
    Then the key still holds the value

  @ac:persistence
  Scenario: A write acknowledged a second before a crash survives the crash
    When the Redis process crashes 1 second after the write was acknowledged
    Then the key still holds the value

  @ac:persistence
  Scenario: The running server flushes its log to disk at least every second
    When a client asks the server what it is running
    Then the server reports its append-only log flushed to disk every second or after every write
