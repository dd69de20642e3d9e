"""Notifications: reminders, escalations and the weekly digest, in-app and by e-mail."""
