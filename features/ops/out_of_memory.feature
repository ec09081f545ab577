@OPTERP-20 @ops
Feature: Redis runs out of memory by refusing writes, never by being killed
  In order that a Redis that fills up stops the fiscal sync and the queues loudly,
  instead of being killed and coming back with whatever its log held
  As the OpticsERP operator
  I want Redis to reach its own memory cap long before its container's limit

  @ops:memory-bound @static
  Scenario: Redis's memory is capped, below a container limit with room for a copy of it
    Given the service definition as Docker Compose reads it
    Then Redis's memory is capped below its container's limit, with room for the copy a rewrite of its log makes

  @ops:memory-bound
  Scenario: Filled to its cap while it rewrites its log, Redis refuses writes and is not killed
    Given the Redis service is running
    And a sync worker holds the sync lock with a 60-second expiry
    When Redis is filled to its memory cap while it rewrites its log
    Then Redis refuses the write that does not fit, with an out-of-memory error
    And the Redis that was filled still runs: the kernel did not kill it
    And the same worker still holds the lock
