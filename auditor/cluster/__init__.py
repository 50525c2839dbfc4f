"""Audits on many machines: a Celery cluster with a Redis broker.

The coordinator (``auditor audit --broker``) enqueues one task per host's sites; workers
(``auditor worker``) keep one Chromium per process and run the same engine as a local run; each
site's files travel back with their SHA-256 and land in the coordinator's run store. Tasks are
acknowledged after the work, so a worker that dies mid-site has its site delivered again.
"""
