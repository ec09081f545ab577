@OPTERP-20
Feature: Redis starts and answers on the standard port
  In order to take fiscal sync locks and queue Celery tasks
  As the sync worker and the Celery broker
  I want Redis to start cleanly and answer on port 6379

  @ac:starts
  Scenario: Redis starts successfully and turns healthy quickly
    Given the Redis service is not running
    When the operator starts the Redis service
    Then the Redis service is running and healthy within 5 seconds

  @ac:ping
  Scenario: A client on this machine gets PONG on port 6379
    Given the Redis service is running
    When a client on the host pings Redis on port 6379
    Then Redis answers "PONG"

  @ac:ping
  Scenario: The operator gets PONG from inside the service
    Given the Redis service is running
    When the operator pings Redis from inside the service
    Then Redis answers "PONG"

  @ac:set-get
  Scenario: A value stored is read back
    Given the Redis service is running
    When a client stores "Hello Redis" under a key
    Then reading the key returns "Hello Redis"

  @ac:image
  Scenario: The running server is Redis 7
    Given the Redis service is running
    When a client asks the server what it is running
    Then the server reports Redis major version 7

  @ac:aof
  Scenario: Append-only persistence is active in the running server
    Given the Redis service is running
    When a client asks the server what it is running
    Then the server reports append-only persistence on
