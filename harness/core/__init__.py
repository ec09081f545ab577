"""The bottom layer: settings and bounds, the failure taxonomy, polling to a
deadline, the run's evidence and platform hints. It imports nothing of the harness."""
