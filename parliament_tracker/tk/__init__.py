"""Tweede Kamer open data (Gegevensmagazijn, OData v4): fetch, map, import and keep in step.

Without the database or Flask: ``client`` (a small OData client on ``requests``), ``records``
(typed mirrors of the entities), ``mapping`` (records to the tracker's plain data),
``timestamps`` and ``errors``.

With the database: ``models`` (each sync job's watermark, last run and error), ``committees``
(which committee the Kamer means), ``services`` (fill a new case or compare an existing one)
and ``sync`` (the three scheduled jobs); ``views`` are the import pages.
"""
