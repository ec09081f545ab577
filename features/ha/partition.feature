@ha @ha-partition @OPTERP-20
Feature: High availability: a master cut off by the network loses only the writes it acknowledged alone
  In order that a network partition costs OpticsERP a few seconds of writes nobody confirmed, and none a replica did
  As the OpticsERP operator
  I want the sentinels on the majority side to promote a replica, the cut-off master to stop
  acknowledging writes soon after, and to be demoted when the network heals

  Jepsen (2013) found Sentinel losing acknowledged writes in a partition, with two masters
  until the heal. Replication is asynchronous, so the loss is bounded here, not ruled out:
  a master with no replica acknowledging for min-replicas-max-lag (3 s) refuses writes. A
  replica acknowledges once a second, and Redis counts the lag in whole seconds on a
  once-a-second check: the refusal is due at most 5 seconds after the cut (3.9-4.7 s was
  measured), and a second more is allowed for a busy machine. A client confirming its writes
  with WAIT 1 learns of the last unconfirmed one half a second later (WAIT's timeout).
  The cut drops every packet between the master and the other five containers, inside the
  master's own network namespace; this host still reaches it, as a client on its side would.

  Background:
    Given the HA topology is ready

  @ha:partition
  Scenario: A master cut off from the sentinels and replicas stops acknowledging writes, and only those it acknowledged alone are lost
    Given a client writes continuously to the master the sentinels name, confirming each write with WAIT 1
    When the master is cut off from the sentinels and the replicas, while another client writes to it directly
    Then every sentinel names the same new master within 7 seconds of the cut
    And the cut-off master refuses writes within 6 seconds of the cut
    When the partition heals
    Then within 15 seconds the old master is a replica of the new master with its link up
    And every write a replica confirmed is on the new master, counted exactly
    And the writes only the cut-off master acknowledged are lost, counted, all acknowledged within 6 seconds of the cut
