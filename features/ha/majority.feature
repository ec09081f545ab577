@ha @OPTERP-20
Feature: High availability: a failover needs two of the three sentinels
  In order that there is never a second main Redis taking OpticsERP's writes behind the first one's back
  As the OpticsERP operator
  I want a failover with one sentinel lost, and none with two lost

  With one sentinel lost, the two left must both agree, which takes them about a second
  longer: a failover is due within 7 seconds here, as for a main Redis that freezes.

  Background:
    Given the HA topology is ready

  @ha:majority
  Scenario: With one sentinel down, a crash of the main Redis still fails over
    Given one sentinel is stopped
    When the main Redis crashes and stays down
    Then the sentinels still running agree on a new main Redis within 7 seconds of the crash

  @ha:majority
  Scenario: With two sentinels down, no failover happens and the main Redis is unchanged when it returns
    Given two sentinels are stopped
    When the main Redis crashes and stays down
    Then no sentinel hands over to a standby within 6 seconds of the crash
    When the old main Redis is started again
    Then it is the main Redis again with both standbys following it, and there were never two at once
