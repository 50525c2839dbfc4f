"""Availability monitoring as 国办秘函〔2019〕19号 单项否决/站点无法访问 states it.

“监测1周，每天间隔性访问20次以上，超过(含)15秒网站仍打不开的次数累计占比超过(含)5%，即单项否决。”
One page load (``page-availability``) is a clue; this package measures the rule itself:

- ``plan``: the schedule (7 days × 20 attempts per site, evenly spaced, a little jitter, sites
  offset so a province's list does not fire at once);
- ``store``: the run folder's ``monitor.sqlite`` (schedule and append-only attempts, fsync'd);
- ``probe`` and ``runner``: GET the home page within the limit, one request per host at a time;
- ``measure``: per site attempts, failures, ratio and what the rule concludes (or that the
  measurement is incomplete);
- ``link``: ``auditor report AUDIT --monitor MONITOR`` decides the availability veto by it.

Only ``probe`` and ``runner`` load httpx; reports read the store without the HTTP stack.
"""
