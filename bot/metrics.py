"""What a process counts for Prometheus: updates, check-in latency, reminders, 429s, backlog.

One `Metrics` per process, made in bot/main.py and passed to whatever counts; each has
its own registry (nothing global), served as text at /metrics by bot/health.py. Labels
are small fixed sets (platform, update kind, reminder kind, outcome): never a runner,
a chat or a message.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATE_AFTER_S = 60.0  # a reminder sent more than this after its due time counts as late
# Check-in latency: from an update's arrival to its last reply accepted by the platform.
TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
# Reminder lateness, negative = early (a burst starts ahead of its due time).
LATENESS_BUCKETS = (-300.0, -60.0, -10.0, 0.0, 10.0, 60.0, 300.0, 900.0, 3600.0)
TIMER_BUCKETS = (0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
PACE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter("tiptoe_updates", "Updates handled, by platform and kind "
                               "(command, text, press, other)", ["platform", "kind"], registry=r)
        self.turn_seconds = Histogram("tiptoe_turn_seconds", "From an update's arrival to its replies sent",
                                      ["platform"], buckets=TURN_BUCKETS, registry=r)
        self.reminders = Counter("tiptoe_reminders", "Reminder attempts by kind and outcome "
                                 "(sent, retried, missed, skipped, cancelled)", ["kind", "outcome"], registry=r)
        self.reminder_lateness = Histogram("tiptoe_reminder_lateness_seconds", "Sent minus due, seconds",
                                           ["kind"], buckets=LATENESS_BUCKETS, registry=r)
        self.reminders_late = Counter("tiptoe_reminders_late", f"Reminders sent more than {LATE_AFTER_S:g} s "
                                      "after their due time", ["kind"], registry=r)
        self.rate_limited = Counter("tiptoe_platform_rate_limited", "429 answers from a platform",
                                    ["platform"], registry=r)
        self.pace_wait = Histogram("tiptoe_pace_wait_seconds", "How long a message waited for its send slot",
                                   ["platform", "priority"], buckets=PACE_BUCKETS, registry=r)
        self.timer_edits = Counter("tiptoe_timer_edits", "Live timer edits by kind (step, countdown) and "
                                   "outcome (sent, dropped, failed)", ["kind", "outcome"], registry=r)
        self.timer_lateness = Histogram("tiptoe_timer_lateness_seconds", "Timer edit sent minus due, seconds",
                                        ["kind"], buckets=TIMER_BUCKETS, registry=r)
        self.reminder_backlog = Gauge("tiptoe_reminder_backlog", "Reminders pending or in flight within the "
                                      "early window", ["platform"], registry=r)

    def reminder_sent(self, kind: str, lateness: float) -> None:
        self.reminders.labels(kind, "sent").inc()
        self.reminder_lateness.labels(kind).observe(lateness)
        if lateness > LATE_AFTER_S:
            self.reminders_late.labels(kind).inc()

    def timer_edit(self, kind: str, outcome: str, lateness: float | None = None) -> None:
        self.timer_edits.labels(kind, outcome).inc()
        if lateness is not None:
            self.timer_lateness.labels(kind).observe(lateness)

    def reminder_ended(self, kind: str, outcome: str) -> None:
        self.reminders.labels(kind, outcome).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
