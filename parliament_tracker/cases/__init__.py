"""Incoming parliamentary items: model, reference numbers, links, search, views and API."""
