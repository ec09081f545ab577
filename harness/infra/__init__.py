"""Docker, as the suite uses it: the engine and how it is reached, the Compose
CLI, containers as typed state, the image, host ports, injected faults, the
errors an engine that went away raises, and what killed runs left behind."""
