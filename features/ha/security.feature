@ha @OPTERP-20
Feature: High availability: no Redis or sentinel is open to the network
  In order that nobody but OpticsERP can read the locks and tasks, or tell a sentinel to fail over
  As the OpticsERP operator
  I want every Redis and sentinel reachable only from this machine unless I choose otherwise, to
  demand the password I set and keep it out of sight, and none of them to run as root

  @ha:not-open
  Scenario: Nobody reaches a Redis or a sentinel over the network without the password
    Given the HA topology is ready
    When a client without the password tries every Redis and sentinel over the network, as another machine or another container would
    Then none of them is served, at most told that a password is required

  @ha:not-open
  Scenario: A password, once set, is demanded by every Redis and sentinel and shown nowhere
    Given the HA topology runs with a password
    When a client without the password sends every Redis and sentinel commands that read, write and reconfigure
    Then every one of them is refused until the client authenticates
    And no Redis or sentinel shows the password in a container setting, Compose configuration, process list or log

  @ha:not-open
  Scenario: No Redis or sentinel runs as root
    Given the HA topology is ready
    When the operator looks at who runs each Redis and sentinel
    Then none of them runs as root
