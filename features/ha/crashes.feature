@ha @OPTERP-20
Feature: High availability: a Redis or a sentinel that crashes comes back by itself
  In order that a crash costs the topology a second, not the majority a failover needs
  As the OpticsERP operator
  I want Docker to restart every Redis and every sentinel that crashes, and the topology
  to be whole again without me

  @ha:crashes-absorbed
  Scenario: Standbys and sentinels that crash are back by themselves, and the topology ready again
    Given the HA topology is ready
    When both standbys and every sentinel crash
    Then each is restarted by Docker, and within 10 seconds of the crashes the topology is ready again
