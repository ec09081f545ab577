@OPTERP-20 @static
Feature: The Redis service is defined as the plan agreed
  In order to run the same Redis for locking and queuing on every machine
  As the OpticsERP product owner
  I want the service definition to state exactly what OPTERP-20 agreed,
  checked as Docker Compose itself reads it, without starting anything

  Background:
    Given the service definition as Docker Compose reads it

  @ac:compose-file
  Scenario: The definition is valid for Docker Compose
    Then Docker Compose accepts the definition

  @ac:image
  Scenario: The service runs Redis 7 on Alpine
    Then the service runs the image "redis:7-alpine"

  @ac:port
  Scenario: The standard Redis port is published on this machine only
    Then Redis is offered on port 6379 of this machine
    And only to programs on this machine itself, unless the operator chooses another address

  @ac:aof
  Scenario: Append-only persistence is switched on
    Then Redis is set to log every write to its append-only file

  @ac:persistence
  Scenario: A host crash or power loss costs at most the last second of writes
    Then Redis is set to write its log to disk at least once a second

  @ac:healthcheck
  Scenario: The health check pings Redis on the agreed schedule
    Then the health check pings Redis with the Redis command-line client
    And the health check runs every 10 seconds, times out after 5 seconds and allows 5 retries

  @ac:healthcheck
  Scenario: The health check probes quickly while the service starts
    Then while the service starts, the health check probes it several times a second

  @ac:volume
  Scenario: The data directory is kept in a named volume
    Then Redis keeps its data in the volume "redis_data", stored on this machine

  @ac:no-version
  Scenario: The definition has no obsolete version attribute
    Then the definition declares no version

  @ac:restart-policy
  Scenario: The service restarts unless an operator stopped it
    Then the restart policy is "unless-stopped"

  @ac:network
  Scenario: The service is on the OpticsERP network
    Then the service is attached to the bridge network "opticserp_network"

  @ac:container-name
  Scenario: The container has the agreed name
    Then the container is named "opticserp_redis"
