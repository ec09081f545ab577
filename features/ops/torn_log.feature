@OPTERP-20 @ops
Feature: A log torn by a power cut never brings Redis back empty
  In order that after a power cut OpticsERP finds its lock, its tasks and its jobs again,
  or a Redis that says why it cannot start, never one that lost them in silence
  As the OpticsERP operator
  I want Redis to keep every whole write before a torn end of its log, and to stay
  down on a log damaged in its middle until I repair it as the README says

  @ops:torn-log
  Scenario: A log cut short in the middle of a write comes back with every write before it
    Given the Redis service is running
    And a client has written 2000 keys one after another
    When the power fails while Redis writes its log, cutting its last write short
    And the operator starts the Redis service
    Then Redis answers again with every key whose write the log holds whole

  @ops:torn-log
  Scenario: A log damaged in its middle keeps Redis down, saying why, until the README's repair
    Given the Redis service is running
    And a client has written 2000 keys one after another
    When Redis's log is damaged in its middle while it is down
    And the operator starts the Redis service
    Then Redis stays down and unhealthy, never answering a client, and says why
    When the operator repairs the log as the README says
    Then the repair does what the README says, and says where it cut the log
    And Redis answers again with the keys before the damage, and none after it
