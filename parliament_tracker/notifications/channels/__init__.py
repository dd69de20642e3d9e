"""Delivery channels: each module here holds one ``Channel`` named ``channel``.

Which ones are on is the ``NOTIFICATION_CHANNELS`` setting (default ``["email"]``); a second
channel (a chat webhook, SMS) is one new module implementing ``base.Channel`` and its name in
that setting. The in-app list ("Mijn meldingen") is not a channel: it is the notification row.
"""

from __future__ import annotations

import importlib

from flask import current_app

from parliament_tracker.notifications.channels.base import Channel


def get(name: str) -> Channel:
    module = importlib.import_module(f"{__name__}.{name}")
    channel: Channel = module.channel
    return channel


def enabled() -> list[Channel]:
    """The channels switched on in the settings, in their order."""
    return [get(name) for name in current_app.config.get("NOTIFICATION_CHANNELS", ["email"])]
