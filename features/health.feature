@OPTERP-20
Feature: Health tells the truth and the service recovers by itself
  In order to know whether locking and queuing can work right now
  As the OpticsERP operator
  I want the health status to report what Redis really does,
  and Redis to come back by itself after a crash but not after I stop it

  @ac:recovery
  Scenario: A service the operator stopped stays stopped
    Given the Redis service is running
    When the operator stops the Redis service
    Then the Redis container has exited cleanly
    And it stays stopped past the moment a restart would have begun

  @ac:recovery
  Scenario: A stopped service is healthy again after it is started
    Given the Redis service has been stopped by the operator
    When the operator starts the Redis service
    Then the Redis service is running and healthy within 5 seconds

  @ac:recovery
  Scenario: A re-created container is healthy quickly
    Given the Redis service is running
    When the operator removes the container, keeps its data, and starts it again
    Then the Redis service is running and healthy within 5 seconds

  @ac:recovery
  Scenario: The service comes back by itself after a crash
    Given the Redis service is running
    When the Redis process crashes
    Then the restart policy restarts the container within 5 seconds
    And a health probe after the restart reports healthy within 5 seconds of the crash

  @ac:healthcheck
  Scenario: The health check fails while Redis refuses clients
    Given the Redis service is running
    And Redis requires a password that the health check does not know
    When the configured health check runs
    Then the health check fails

  @ac:healthcheck
  Scenario: The health check passes again once Redis accepts clients
    Given the Redis service is running
    And Redis required a password and no longer does
    When the configured health check runs
    Then the health check passes
