"""Letter generation: DOCX template → filled DOCX → HTML → PDF/A-2b → PAdES signature.

Every module in this package is pure: no database, no Flask application context.
The web layer passes plain data in and stores the bytes that come out.
"""
