"""The plan's consumers, driven through their own libraries in real processes:
the process registry, the sync lock, the Celery broker and the job store."""
