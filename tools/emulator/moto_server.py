"""moto_server with six SQS gaps filled so that it behaves as SQS does, and one test knob, for
the e2e tests and `npm run emulator`.

Patches 1-6 are each the smallest change that makes moto 5.2 answer like SQS; patch 7 changes
nothing unless its environment variable is set; nothing else differs:

1. RedriveAllowPolicy: moto accepts SetQueueAttributes(RedriveAllowPolicy=...) but never
   returns the attribute (it is missing from Queue.BASE_ATTRIBUTES), so the AWS provider's
   aws_sqs_queue_redrive_allow_policy waits for a value that never appears and times out.
   Setting it to "" removes it, as SQS does (the provider's destroy waits for that).
2. Policy: moto's Queue._set_attributes ends with `self.policy = attributes.get("Policy")`,
   so a SetQueueAttributes call that sets any *other* attribute (the redrive allow policy, a
   visibility change) silently deletes the queue policy. SQS leaves attributes that a call
   does not name untouched.
3. RedrivePolicy: moto returns it re-serialized with spaces (`json.dumps` defaults); SQS
   returns compact JSON, and the provider shows the difference as a whitespace-only diff on
   every plan.
4. ReceiveMessage is not atomic in moto: concurrent receives (the local runner polls with up to
   `maximumConcurrency` receivers) can hand one message to two receivers, and two receives that
   both find a message due for the DLQ both try to move it; the second fails with
   `ValueError: list.remove(x)` and answers HTTP 500 after it already marked other messages as
   received, so those receives are lost. SQS delivers a message to one receiver at a time. Each
   receive pass now runs under one lock; the long-poll wait happens outside it.
5. Event source mappings: on every SendMessage moto itself receives a batch for each enabled
   SQS mapping and tries to invoke the function (which needs Docker, absent here); the
   receive raises the messages' receive counts and the failed invoke returns them, so poison
   and retry counting go wrong. Lambda's poller is not part of SQS: with this patch queues never
   trigger functions, and the local runner (npm run worker:local) plays the mapping's part.
   Mappings are still created, listed, updated and deleted as before.
6. FIFO redelivery order: when the in-flight messages of a message group become visible again,
   moto releases them one at a time while it walks the queue, and the group counts as busy as
   long as a later message of it is still marked in flight: the first messages are skipped and
   the group's *last* message is delivered first, out of order. SQS returns the group's messages
   in order. Each receive pass now first releases every in-flight message whose visibility
   timeout has ended, then walks the queue.
7. FIFO deduplication window (a test knob, not a gap): SQS drops a FIFO message whose
   deduplication id was seen in the last 5 minutes; moto keeps that window in the module constant
   DEDUPLICATION_TIME_IN_SECONDS (300). The environment variable
   SQS_WORKER_EMULATOR_FIFO_DEDUP_SECONDS overrides it (0: no deduplication at all), so a fault
   test can stand for "the rerun came after the window" without waiting 5 minutes. Unset, the
   window is 300 s as in SQS. (moto compares only with messages still in the queue.)
8. Speed, not behaviour: for every message a receive returns, moto checks its retention period
   by computing *all* of the queue's attributes, which walks the whole queue: a receive of 10
   from a queue of 1,000 messages took about 0.5 s, from 10,000 about 8 s (so `peek` and the
   redrive crawled on a big DLQ). The check now reads the queue's retention period directly;
   which messages are kept or expired is unchanged.

Arguments are moto_server's own (-H host -p port).
"""
import json
import os
import sys
import threading
import time

import moto.sqs.models as _sqs_models
from moto.sqs.models import Queue, SQSBackend

_dedup_seconds = os.environ.get("SQS_WORKER_EMULATOR_FIFO_DEDUP_SECONDS")
if _dedup_seconds not in (None, ""):
    _sqs_models.DEDUPLICATION_TIME_IN_SECONDS = float(_dedup_seconds)

def _valid_based_on_retention_period(self, queue_name, message):
    retain_until = self.get_queue(queue_name).message_retention_period + message.sent_timestamp / 1000
    return retain_until > _sqs_models.unix_time()


SQSBackend.is_message_valid_based_on_retention_period = _valid_based_on_retention_period

if "RedriveAllowPolicy" not in Queue.BASE_ATTRIBUTES:
    Queue.BASE_ATTRIBUTES.append("RedriveAllowPolicy")
    Queue.redrive_allow_policy = None  # default for queues that never set it (None is not returned)

_original_set_attributes = Queue._set_attributes


def _set_attributes_keeping_policy(self, attributes, now=None):
    kept = getattr(self, "_policy_json", None) if "Policy" not in attributes else None
    _original_set_attributes(self, attributes, now)
    if kept is not None:
        self._policy_json = kept
    if attributes.get("RedriveAllowPolicy") == "":
        self.redrive_allow_policy = None


Queue._set_attributes = _set_attributes_keeping_policy

_original_attributes = Queue.attributes


def _attributes_with_compact_redrive_policy(self):
    result = _original_attributes.fget(self)
    if self.redrive_policy:
        result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
    return result


Queue.attributes = property(_attributes_with_compact_redrive_policy)

_receive_lock = threading.Lock()
_original_receive_message = SQSBackend.receive_message


def _release_visible_again(backend, queue_name):
    queue = backend.get_queue(queue_name)
    for message in [m for m in queue.pending_messages if m.visible]:
        queue.pending_messages.remove(message)


def _receive_message_atomically(self, queue_name, count, wait_seconds_timeout, visibility_timeout, message_attribute_names=None):
    deadline = time.time() + (wait_seconds_timeout or 0)
    while True:
        with _receive_lock:
            _release_visible_again(self, queue_name)
            # wait_seconds_timeout=0: one pass over the queue, no waiting while holding the lock.
            result = _original_receive_message(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
        if result or time.time() >= deadline:
            return result
        time.sleep(0.05)


SQSBackend.receive_message = _receive_message_atomically


class _NoTriggers(dict):
    """A queue's mapping registry that never holds a mapping, so SendMessage invokes nothing."""

    def __setitem__(self, key, value):
        pass


_original_queue_init = Queue.__init__


def _queue_without_triggers(self, *args, **kwargs):
    _original_queue_init(self, *args, **kwargs)
    self.lambda_event_source_mappings = _NoTriggers()


Queue.__init__ = _queue_without_triggers

from moto.server import main  # noqa: E402  (imported after the patches on purpose)

if __name__ == "__main__":
    main(sys.argv[1:])
