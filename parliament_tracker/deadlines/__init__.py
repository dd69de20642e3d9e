"""Deadlines: the rules, the stored deadlines of each case, events, the calendar and feeds.

Pure (no database, no Flask): ``rules`` (the rules as data and their computation: plain values
in, plain dataclasses out, so 100,000 cases recompute quickly and test without an app),
``workdays`` (Dutch working days), ``dutch`` (date wording) and ``ics`` (the iCalendar builder).

With the database: ``models`` (stored deadlines, events, days off, rule settings), ``settings``
(the rule values as stored), ``services`` (recompute, postpone, override, save settings),
``events`` (save, cancel and delete events and days off), ``event_moves`` (what follows when a
debate moves), ``progress`` (is a step done, in Python and SQL), ``queries`` (calendar and
dashboard reads) and ``feeds`` (personal ICS feeds). The web side: ``presentation`` (risk words,
the calendar's and dashboard's entries and lists), ``forms``, ``views``,
``admin_views``, ``api`` and ``api_docs`` (its part of the OpenAPI document).
"""
