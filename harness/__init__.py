"""Harness of the OPTERP-20 acceptance suite: how the steps talk to Compose,
the Docker engine and Redis. One module per concern; steps stay thin."""
