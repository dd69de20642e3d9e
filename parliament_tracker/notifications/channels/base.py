"""The small interface every delivery channel implements.

A channel says where a recipient gets its messages (``address``), whether it can send at all
(``configured``) and opens a connection that sends one rendered notification at a time. The
claim, retry and bookkeeping loop is the channel-independent ``notifications.delivery``.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parliament_tracker.notifications.models import Delivery, Notification
    from parliament_tracker.notifications.services import Recipient


class DeliveryFailed(Exception):
    """This message could not be delivered now; it stays queued and is tried again."""


class ChannelDown(DeliveryFailed):
    """The connection is gone: this and the remaining messages of the run are not sent."""


class Connection(abc.ABC):
    @abc.abstractmethod
    def send(self, notification: Notification, delivery: Delivery) -> None:
        """Deliver one message or raise ``DeliveryFailed`` / ``ChannelDown``."""

    def close(self) -> None:  # noqa: B027 - optional for channels without a session
        """Release the connection (errors are not interesting any more)."""


class Channel(abc.ABC):
    #: stored in ``Delivery.channel`` and ``NotificationOptOut.channel``
    name: str
    #: what to configure, as the send job reports it ("smtp": "not configured")
    setting: str
    #: shown on the preferences page
    title: Any

    @abc.abstractmethod
    def address(self, recipient: Recipient) -> str | None:
        """Where this recipient gets messages on this channel (None: not reachable here)."""

    @abc.abstractmethod
    def configured(self) -> bool:
        """False: messages wait (as in an outbox) until the channel is configured."""

    @abc.abstractmethod
    def connect(self) -> Connection:
        """Open a connection for one run; raise ``ChannelDown`` when that fails."""
