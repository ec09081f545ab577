"""Harness of the OPTERP-20 acceptance suite, in layers that import only
downward (an import-linter contract in pyproject.toml): core, infra,
service, topology, then probes, consumers and reporting, then run."""
