@ha @ha-partition @OPTERP-20
Feature: High availability: a main Redis cut off by the network loses only the writes no standby confirmed
  In order that a network split costs OpticsERP a few seconds of unconfirmed writes, and no confirmed one
  As the OpticsERP operator
  I want the side with the sentinels to make a standby the new main Redis, the cut-off one to
  stop taking writes soon after, and to become a standby when the network heals

  A main Redis that no standby has confirmed anything to for 3 seconds refuses writes. It
  checks once a second, so the refusal comes within 5 seconds of the cut, 6 on a busy
  machine. Until then it still takes writes that only it has, and those are lost when the
  network heals. This machine still reaches the cut-off main Redis, as a client on its side would.

  Background:
    Given the HA topology is ready

  @ha:partition
  Scenario: A main Redis cut off from the sentinels and standbys stops taking writes, and loses only those it took alone
    Given a client writes continuously to the main Redis, each write confirmed by a standby
    When the main Redis is cut off from the sentinels and standbys, while another client writes to it directly
    Then all sentinels agree on a new main Redis within 7 seconds of the cut
    And the cut-off main Redis refuses writes within 6 seconds of the cut
    When the network heals
    Then within 15 seconds the old main Redis is a standby of the new main Redis, up to date
    And every write a standby confirmed is on the new main Redis, counted exactly
    And the writes only the cut-off main Redis took are lost, counted, all taken within 6 seconds of the cut
