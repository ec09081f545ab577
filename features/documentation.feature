@OPTERP-20
Feature: The operator documentation is true
  In order to start and check Redis without reading any code
  As the OpticsERP operator
  I want the commands in the README to do what the README says they do

  @ac:docs
  Scenario: The README's operator commands print what the README says
    Given the Redis service is running
    When the operator runs every command the README documents
    Then each command prints what the README says it prints
