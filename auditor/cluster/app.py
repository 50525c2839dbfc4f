"""The Celery application both sides share: its settings are the reliability promises.

* ``task_acks_late``: a task is acknowledged after the work, so a site whose worker died is
  delivered again (``task_reject_on_worker_lost`` as well, for an operator's prefork pool);
* ``worker_prefetch_multiplier = 1``: a worker holds no more sites than it is auditing (a dead
  worker strands nothing queued behind them);
* ``visibility_timeout``: when a worker dies, its unacknowledged tasks go back to the queue
  after this long, so it must exceed the longest site's time budget;
* JSON only: no pickles cross the network.
"""

from __future__ import annotations

import json
from typing import Any

from celery import Celery

__all__ = [
    "ACCOUNTS_TASK",
    "QUEUE",
    "TASK",
    "VISIBILITY_TIMEOUT_S",
    "in_flight_ids",
    "make_app",
    "queue_length",
]

QUEUE = "auditor"
TASK = "auditor.audit_sites"
ACCOUNTS_TASK = "auditor.audit_accounts"  # 政务新媒体 accounts of one platform host
VISIBILITY_TIMEOUT_S = 7200.0  # longer than a 50-page site's budget (120 s + 90 s per page)
RESULT_EXPIRES_S = 14 * 86400  # results wait this long for a coordinator that was stopped


def make_app(
    broker: str,
    *,
    visibility_timeout_s: float = VISIBILITY_TIMEOUT_S,
    restore_every_s: float = 10.0,
) -> Celery:
    """A Celery app on ``broker`` (Redis), which also keeps the task results."""
    app = Celery("auditor", broker=broker, backend=broker)
    transport = {
        "visibility_timeout": visibility_timeout_s,
        # How often a worker looks for tasks whose worker vanished (kombu scans unacked messages).
        "unacked_restore_interval": restore_every_s,
        "unacked_restore_throttle": 1,
    }
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_track_started=True,
        worker_prefetch_multiplier=1,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a restarted broker is waited for, not given up on
        result_backend_always_retry=True,
        result_backend_max_retries=1_000_000,
        result_expires=RESULT_EXPIRES_S,
        result_compression="gzip",
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


def _redis(app: Celery) -> Any:
    """The broker's Redis connection (the broker is Redis by design)."""
    import redis

    return redis.Redis.from_url(app.conf.broker_url)


def _queue_keys(client: Any) -> list[bytes]:
    """The queue's lists: kombu keeps one per priority step (``auditor``, ``auditor\\x06\\x163`` …)."""
    return [k for k in client.scan_iter(match=f"{QUEUE}*") if client.type(k) == b"list"]


def queue_length(app: Celery) -> int:
    """Tasks waiting in the queue (not yet taken by a worker)."""
    client = _redis(app)
    return sum(int(client.llen(k)) for k in _queue_keys(client))


def in_flight_ids(app: Celery) -> set[str]:
    """Ids of tasks still queued or taken by a worker and not yet acknowledged.

    A resumed coordinator waits for these instead of sending their sites again; any other
    unfinished task of the run was lost and is sent anew.
    """
    client = _redis(app)
    ids: set[str] = set()
    raw = [m for k in _queue_keys(client) for m in client.lrange(k, 0, -1)]
    raw += [json.dumps(json.loads(v)[0]).encode() for v in client.hvals("unacked")]
    for message in raw:
        try:
            ids.add(json.loads(message)["headers"]["id"])
        except (ValueError, KeyError, TypeError):
            continue
    return ids
