"""The approval workflow of letters: submit, approve or request changes, sign, send, withdraw.

``transitions`` is the one table of the letter's statuses and who may move it (pure);
``services`` holds the verbs, ``signing`` the signing step (the PAdES primitives are the
document engine's), ``cases`` makes the cases a letter answers follow it, ``verification``
checks an uploaded PDF; ``views`` and ``api`` are the pages and the JSON endpoints.
"""
