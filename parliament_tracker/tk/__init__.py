"""Tweede Kamer open data (Gegevensmagazijn, OData v4): a small client and pure mapping.

Nothing in this package touches the database or Flask, so the importer, the scheduler and the
tests can use it alike. See ``client.TKClient`` and ``mapping.to_zaak_data``.
"""
