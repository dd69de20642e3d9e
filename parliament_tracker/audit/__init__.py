"""The append-only audit log: ``models`` (the entries), ``services.record`` (every service
writes its entry through it) and ``describe`` (an entry as a sentence on a case's timeline)."""
