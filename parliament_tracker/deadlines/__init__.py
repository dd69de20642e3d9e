"""Deadlines: pure rules, Dutch working days and the ICS feed.

The modules in this package are pure (no database, no Flask request): plain values in,
plain dataclasses out, so the reminder job can recompute 100,000 cases quickly and the
rules can be tested without an application.
"""
