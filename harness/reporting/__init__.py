"""The run's reports for its readers: the sign-off checklist for the product
owner, Cucumber JSON for Xray, and a red JUnit file when the run itself failed."""
