"""The Redis topology a run starts: the readiness rules (pure functions over
container state), a `Node` for one service, the `Project` that owns Compose,
the engine and the access mode, and the `Topology` over them (`Standalone`)."""
