@OPTERP-20 @durability
Feature: No acknowledged write is lost when Redis crashes under load
  In order to trust Redis with sync locks and queued tasks while they are busy
  As the OpticsERP operator
  I want every write acknowledged a second before a crash to survive repeated crashes

  @ac:persistence
  Scenario: Writes survive repeated crashes under load
    Given the Redis service is running
    And a client is writing numbered keys as fast as Redis acknowledges them
    When the Redis process crashes repeatedly, each time after writes were acknowledged
    Then every write acknowledged at least 1 second before a crash is still there
