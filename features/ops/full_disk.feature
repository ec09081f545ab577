@OPTERP-20 @ops
Feature: A full disk stops new work loudly and loses nothing Redis already took
  In order that a full disk stops the fiscal sync, the queues and the scheduler with an
  error, never with a write that looks taken and is gone after a restart
  As the OpticsERP operator
  I want Redis to refuse every new write while its disk is full, to go on answering
  reads, and to take writes again by itself once I free space

  @ops:disk-full
  Scenario: With its disk full, Redis refuses the lock, a task and a job, saying why, and still answers reads
    Given the Redis service is running with its data on a small disk
    And a client has written 2000 keys one after another
    When Redis's disk fills up
    Then a sync worker asking for the sync lock is refused, told why
    And a task sent from the host is refused, told why
    And a scheduler storing a job is refused, told why
    And the health check fails, told why
    And the 2000 keys still read back

  @ops:disk-full
  Scenario: Once space is freed, Redis takes writes again without a restart and has lost nothing it took
    Given the Redis service is running with its data on a small disk
    And a client has written 2000 keys one after another
    And Redis's disk fills up
    When space is freed on Redis's disk
    Then Redis takes writes again within 5 seconds, without a restart
    And after a restart, Redis still has every write it took before its disk was full
