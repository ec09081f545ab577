"""The Redis service as defined and as reached: the normalised definition, the
access modes (address, password) and the Redis client."""
