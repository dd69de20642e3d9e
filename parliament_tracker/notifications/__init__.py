"""Notifications: what a user is told, in-app and on the delivery channels (e-mail and others).

``models`` (notifications, deliveries, users' choices), ``services`` (queue, render, read,
preferences), ``channels/`` and ``delivery`` (sending, exactly once), ``handovers`` and
``receivers`` (who has something to do after a domain event, heard on ``signals``),
``event_notices`` (moved debates), ``jobs`` and ``digest`` (the bodies of the scheduled jobs:
reminders, escalations, the daily summary, the outbox; the weekly digest), ``job_board`` (the
scheduler as the admin pages see it); ``views`` and ``api`` are the pages and
the JSON endpoints.
"""
