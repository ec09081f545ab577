@OPTERP-22 @consumer
Feature: Redis keeps the sync scheduler's jobs through a crash
  In order that a scheduled fiscal sync run is not lost when Redis crashes
  As the sync scheduler (OPTERP-22), APScheduler with its Redis job store
  I want a job one scheduler stored to survive a Redis crash and to fire in the next scheduler

  Background:
    Given the Redis service is running

  @fit:jobs-survive-crash
  Scenario: A job stored by one scheduler survives a Redis crash and fires in the next scheduler
    Given a scheduler process has stored a job that is due and exited without running it
    When the Redis process crashes 1 second after the job was stored
    And a new scheduler process starts
    Then the new scheduler fires the job within 3 seconds of its start
