@OPTERP-24 @consumer
Feature: Redis is a dependable Celery broker for the bulkhead queues
  In order that sync work and other work each run in their own queue and no task is lost
  As the OpticsERP Celery workers (OPTERP-24), one per queue
  I want every task sent through Redis to reach a worker once and only once,
  through Redis crashes and worker deaths, and a busy queue never to hold up another

  Background:
    Given the Redis service is running

  @fit:queued-tasks-survive
  Scenario: Tasks queued while no worker runs survive a crash and re-creation, and each runs exactly once
    Given no worker consumes the "sync" queue
    And a client on the host has queued 20 tasks on the "sync" queue
    When the Redis process crashes 1 second later and the container is then re-created
    And a worker starts consuming the "sync" queue
    Then each of the 20 tasks is executed exactly once

  @fit:task-roundtrip
  Scenario: A task sent from the host is executed by a worker and its result read back
    Given a worker consumes the "default" queue
    When a client on the host sends a task to the "default" queue
    Then its result is read back within 2 seconds, from the "default" worker

  @fit:bulkhead
  Scenario: A busy sync queue does not hold up work on another queue
    Given a worker consumes each of the queues "sync" and "default"
    And the "sync" queue's worker is busy with a long task
    When a client on the host sends a task to the "default" queue
    Then its result is read back within 2 seconds, from the "default" worker

  @fit:delayed-task-once
  Scenario: A task sent to run later runs once, when its time comes, though it waits past the visibility timeout
    The test scales an hour to a second, as the redelivery scenario does: the task waits an hour and a quarter,
    the visibility timeout is an hour.
    Without care, Redis hands such a task out again while it waits, and it runs twice.

    Given a worker consumes the "sync" queue
    When a client on the host sends a task to the "sync" queue to run 1.25 seconds later
    Then it runs once, when its time comes, at most 1 second late

  @fit:worker-keeps-consuming
  Scenario: Each queue's worker keeps taking tasks after Redis crashes and its connection drops again and again
    Given a worker consumes each of the queues "sync" and "default"
    When the workers lose their connection to Redis 4 times in quick succession, and Redis then crashes twice
    Then each queue's worker runs a new task within 10 seconds of Redis's return, and its result is read back

  @fit:redelivery
  Scenario: A task whose worker died mid-task is delivered again after the visibility timeout
    The test shortens the visibility timeout to 1 second; production keeps kombu's default of one hour.

    Given a worker consumes the "sync" queue
    And it is in the middle of a task that is acknowledged only when done
    When that worker is killed and a new one starts on the queue
    Then the new worker is given the task again soon after the visibility timeout, and not before
