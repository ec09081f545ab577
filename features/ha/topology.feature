@ha @OPTERP-20
Feature: High availability: three Redis nodes and three sentinels, ready together
  In order that the fiscal sync lock and the Celery broker outlive the loss of one Redis
  As the OpticsERP operator
  I want the production topology of the plan's HA phase: one master, two replicas, and
  three sentinels that agree, two of three, on which node is master

  Times come from what the sentinels and nodes answer, never from Docker health alone.

  @ha:ready
  Scenario: The topology is ready within 10 seconds of being started
    When the operator starts the HA topology from nothing
    Then within 10 seconds of the start every node and sentinel is healthy
    And all sentinels name the same master, each seeing 2 replicas and 2 other sentinels, with quorum
    And both replicas follow that master with their link up
    And every data node keeps an append-only file, never evicts, and refuses writes that no replica receives

  @ha:truthful-health
  Scenario: A sentinel that sees no master reports itself unhealthy, although its quorum is fine
    Given the HA topology is ready
    And both replicas are stopped
    When the master's process is killed and its restart policy is set aside
    Then within 5 seconds of the crash every sentinel's own health check fails, while all of them still answer

  @ha:stack-restart
  Scenario: A restart of the whole stack after a failover keeps the new master and its data
    Given the HA topology is ready
    And the master crashed for good and a replica was promoted
    And a key was written to the new master and acknowledged by a replica
    When the operator takes the whole topology down, keeping its volumes, and starts it again
    Then within 10 seconds of the start the topology is ready again
    And the sentinels still name the promoted node as master
    And the key is still there
