"""What the tests and bench scripts share: one behave launcher, the catalogue, live
runs and the fault matrix, replayed inspect states, fakes, the engine inventory."""
