"""What the steps measure of a running service: reachability from elsewhere,
the password's secrecy, memory pressure, durability under load and the
README's operator commands."""
