import gc

from app import create_app

app = create_app()

# What the start made (modules, templates, the application) lives as long as the worker.
# Frozen, the collector's full passes no longer walk it: each took tens of milliseconds,
# in the middle of some request, every few dozen large pages.
gc.collect()
gc.freeze()
