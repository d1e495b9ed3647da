"""Background jobs: long work (bulk badges, large PDFs) done by a worker instead of a web
request, with its progress in a `Job` row, and the periodic work of the platform.

Plumbing: the domains register what a kind of job does (`services.register_kind`) and
their periodic work (`services.register_schedule`) from their wiring; this package
imports no domain. `docs/jobs.md` says how it runs and scales.
"""
