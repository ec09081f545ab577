"""One behave run: the suite's shared state, preflight, the watchdog, behave's
runner shim, the step decorators and their error reporting, and the typed
state a scenario's steps share."""
