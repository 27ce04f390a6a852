"""Hand a delivery to a worker after commit, giving up on the broker within a second.

A dead or paused broker must never hold up the change that made the event (the same promise
as the e-mail kick, docs/reliability.md R3): the sweeper sends whatever a kick missed.
"""

from __future__ import annotations

import logging

from kombu.exceptions import LimitExceeded, OperationalError

logger = logging.getLogger(__name__)

KICK_TRANSPORT_OPTIONS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0, "max_retries": 0}
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError, OSError, LimitExceeded)


def kick(delivery_id: int) -> bool:
    from integrations.tasks import deliver_webhook

    app = deliver_webhook.app
    if app.conf.task_always_eager:
        # No broker (development, ordinary tests): delivered in this process after commit.
        deliver_webhook.delay(delivery_id)
        return True
    try:
        with app.connection_for_write(transport_options=KICK_TRANSPORT_OPTIONS) as connection:
            deliver_webhook.apply_async(args=[delivery_id], connection=connection, retry=False)
    except BROKER_ERRORS:
        logger.warning(
            "Webhook delivery #%s stays pending: the broker is unreachable; the sweeper will "
            "send it.",
            delivery_id,
            exc_info=True,
        )
        return False
    return True
