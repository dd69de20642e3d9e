"""The letter document engine: DOCX template → filled DOCX → HTML → tagged PDF/A-2a + UA-1 → PAdES signature.

Pure: no Flask, no database, no application config. Callers pass plain data and settings in
(font family, size limits, signer, timestamp URL) and store the bytes that come out;
``tests/unit/letters/test_engine_imports.py`` fails when a module here imports Flask,
SQLAlchemy or any ``parliament_tracker`` module outside this package.

The steps, each usable on its own:

- fill: ``fill.fill_template(template, context)`` in the Jinja sandbox of ``sandbox`` (docxtpl, with a budget), with the
  context built from plain dataclasses by ``context.build_context``; ``fill.check_template``,
  ``fill.check_docx_upload`` and ``features.feature_problems`` vet uploads (English messages,
  worded for the reader by ``letters.messages``); ``variables`` is the context contract.
- html: ``docx2html.docx_to_html(docx, font_family=…, title=…)`` (page set-up, headers and
  footers), walking the body with ``docx_walker`` and the styles read by ``docx_styles``.
- pdf: ``pdf.render_pdf(html, title=…)`` (tagged PDF/A-2a + PDF/UA-1, or PDF/A-2b with
  ``tagged=False``; data: URLs only); ``logo`` checks an uploaded logo and fills the logo slot.
- sign: ``signing.load_signer`` once per process and ``signing.sign_pdf`` at the PAdES level
  ``levels.effective_level`` picks; ``verification.verify_pdf`` gives the one verdict, the level,
  timestamps and chain; ``devcert.make_dev_certificate`` for development (all three are also
  importable from ``signing``).
- ``pipeline.render_letter`` (fill → html → pdf) and ``pipeline.pdf_from_docx`` (an uploaded
  DOCX → html → pdf) chain the steps, refusing DOCX over ``RenderLimits`` (``fill.check_docx_budget``)
  before layout and over its pages after; ``compare.diff_paragraphs`` diffs two DOCX texts.
- worker: ``worker.RenderPool`` runs a render in a warm worker process within a wall time and an
  address space, killing and replacing a worker that overruns.
- helpers: ``markup`` (the drafting markup ↔ body blocks), ``dates`` (Dutch dates),
  ``seed_letter`` (the demo letter's text), ``template_builder`` (builds the shipped templates).

Importing this package imports none of its modules: WeasyPrint and pyHanko load only when
the step that needs them is imported.
"""
