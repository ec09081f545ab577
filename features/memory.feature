@OPTERP-21 @OPTERP-22 @OPTERP-24 @consumer
Feature: A full Redis refuses new writes and never evicts a lock, a task or a job
  In order that running out of memory fails loudly instead of silently
  letting two sync workers in, or dropping queued tasks and scheduled jobs
  As the sync worker, the Celery workers and the scheduler
  I want Redis to refuse writes when its memory is full, and to evict nothing

  @fit:no-eviction @static
  Scenario: The service is configured never to evict keys
    Given the service definition as Docker Compose reads it
    Then the server is started with the eviction policy "noeviction"

  @fit:no-eviction
  Scenario: When memory runs out, Redis refuses writes and keeps every lock, task and job
    Given the Redis service is running
    And a sync worker holds the sync lock with a 60-second expiry
    And a client on the host has queued 5 tasks on the "sync" queue
    And a scheduler process has stored a job that is due and exited without running it
    When Redis runs out of memory
    Then Redis refuses the write that does not fit, with an out-of-memory error
    And no key was evicted
    And the lock, the 5 queued tasks and the job are all still there
