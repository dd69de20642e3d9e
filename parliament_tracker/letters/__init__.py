"""Letters: generation (DOCX template → filled DOCX → HTML → PDF/A-2b → PAdES signature),
drafting (templates, letters, versions) and, in ``letters.approval``, the approval workflow
(approvals, the signing step, sending, withdrawing, verification).
"""
