@OPTERP-20 @ops
Feature: A backup restores the same lock, tasks and jobs, and a partial one is refused
  In order that a restored backup gives OpticsERP back the sync lock's owner, its queued
  tasks and its scheduled jobs, and never a Redis that looks empty and fills up later
  As the OpticsERP operator
  I want the README's backup to copy a consistent log while clients write, and its
  restore to refuse a copy that lacks part of it

  @ops:backup-restore
  Scenario: A backup taken as the README says while a client writes restores the same lock, tasks and job
    Given the Redis service is running
    And a sync worker holds the sync lock with a 60-second expiry
    And a client on the host has queued 5 tasks on the "sync" queue
    And a scheduler process has stored a job that is due and exited without running it
    And a client is writing numbered keys as fast as Redis acknowledges them
    When the operator backs up Redis's data as the README says
    And the operator restores that backup into a fresh volume as the README says
    Then the backup and the restore did what the README says
    And the lock, the 5 queued tasks and the job are all still there

  @ops:backup-restore
  Scenario: A backup restored without its manifest is refused, never started empty
    Given the Redis service is running
    And a client has written 2000 keys one after another
    When the operator backs up Redis's data as the README says
    And the backup loses its manifest
    And the operator restores that backup into a fresh volume as the README says
    Then Redis stays down and unhealthy, never answering a client, and says why
