@ha @ha-consumers @OPTERP-20 @OPTERP-21 @OPTERP-22 @OPTERP-24
Feature: High availability: the fiscal sync, the Celery tasks and the scheduled jobs carry on through a failover
  In order that losing the main Redis costs OpticsERP seconds of waiting, no fiscal sync run twice and no task lost
  As the fiscal sync worker (OPTERP-21), the sync scheduler (OPTERP-22) and the Celery workers (OPTERP-24)
  I want to find the new main Redis by myself, keep the lock I hold, run every task once and keep firing the jobs

  Every consumer connects as the README's "Connecting to the HA topology" says; all three
  live through each fault at once. Each carries on within 10 seconds of the new main Redis.

  Background:
    Given the HA topology is ready

  Scenario Outline: The consumers <where> carry on when <the fault>
    Given the consumers run <where>
    And a sync worker holds the sync lock for 300 seconds, and a standby has it
    And another sync worker is waiting for the sync lock
    And 20 tasks wait in a queue that no worker consumes, and a standby has them
    When <the fault>
    Then all sentinels agree on a new main Redis within <seconds> seconds of the <moment>
    And the sync lock is still held by its worker on the new main Redis, and nobody else can take it
    And the Celery worker runs a new task within 10 seconds of the new main Redis, and its result is read back
    And the stored job fires within 10 seconds of the new main Redis, and fires again after that
    And a worker started for the waiting queue runs each of the 20 tasks exactly once
    When the holder releases the sync lock
    Then the waiting worker holds it <handover>

    @ha:consumers-crash
    Examples: A crash
      | where           | the fault                             | seconds | moment | handover        |
      | on this machine | the main Redis crashes and stays down | 6       | crash  | within 1 second |

    @ha:consumers-manual
    Examples: A handover the operator asks for
      | where           | the fault                          | seconds | moment  | handover        |
      | on this machine | the operator asks for a failover   | 5       | request | within 1 second |

    @ha:consumers-frozen
    Examples: A main Redis that freezes, keeping the consumers' connections open
      | where           | the fault               | seconds | moment | handover                                              |
      | on this machine | the main Redis freezes  | 7       | freeze | within 1 second, though it waited out a client timeout |

    @ha:consumers-in-network
    Examples: Consumers in a container, finding the sentinels by name
      | where                               | the fault                             | seconds | moment | handover        |
      | in a container on OpticsERP's network | the main Redis crashes and stays down | 6       | crash  | within 1 second |

    @ha-partition @ha:consumers-partition
    Examples: A network split that leaves the consumers on the cut-off side
      | where           | the fault                                                 | seconds | moment | handover        |
      | on this machine | the main Redis is cut off from the sentinels and standbys | 7       | cut    | within 1 second |
