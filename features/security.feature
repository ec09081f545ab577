@OPTERP-20
Feature: Redis is not open to the network
  In order that nobody but OpticsERP can read, change or wipe the sync locks and queued tasks,
  or turn Redis into someone else's replica
  As the OpticsERP operator
  I want Redis reachable only from this machine unless I choose otherwise, to demand
  the password I set and keep it out of sight, and not to run as root

  @ac:security
  Scenario: Nobody reaches Redis over the network without the password
    Given the Redis service is running
    When a client without the password tries to reach Redis over the network, as another machine or another container would
    Then Redis serves none of them, at most telling them that a password is required

  @ac:security
  Scenario: A password, once set, is demanded of every client and shown nowhere
    Given the Redis service is running with a password
    When a client without the password sends commands that read, write and reconfigure
    Then Redis refuses every one of them until the client authenticates
    And a client with the password is served, and the health check reports healthy on a probe that got PONG
    And the password appears in no container setting, Compose configuration, process list or log

  @ac:security
  Scenario: Redis runs as an ordinary user and owns its data
    Given the Redis service is running
    When the operator looks at who runs Redis and who owns its data files
    Then Redis runs as a user other than root
    And every file in the data directory belongs to that user
