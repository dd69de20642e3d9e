"""The context contract: every variable a letter template may use.

Uploaded templates are checked against this set (``fill.check_template``), and
``context.build_context`` always provides every name, so a template that passes
the check can always be filled.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction (the engine is pure: no Flask, no Babel at import)."""
    return message

#: name -> what it holds: an English message id (marked N_), shown translated on the templates page
KNOWN_VARIABLES: dict[str, str] = {
    "subject": N_("Subject line"),
    "letter_date": N_("Date of the letter; use {{ letter_date|nl_date }}"),
    "our_reference": N_("Our reference (“Ons kenmerk” on the letter)"),
    "your_reference": N_("Your reference (e.g. 2021Z19241), may be empty"),
    "your_letter_date": N_("Date of your letter; use |nl_date, may be empty"),
    "attachments_count": N_("Number of attachments (0 = none)"),
    "attachments": N_("List of attachment titles"),
    "ministry_name": N_("Name of the ministry"),
    "sender_unit": N_("Sending unit, e.g. Directoraat-Generaal Migratie"),
    "ministry_visiting_address": N_("Visiting address line"),
    "ministry_postal_address": N_("Postal address line"),
    "ministry_website": N_("Website line"),
    "return_address": N_("Return address line, e.g. Postbus 20301 2500 EH Den Haag"),
    "addressee_lines": N_("Address block lines (list)"),
    "signatory_office": N_("Office of the first signatory, without article"),
    "signatory_name": N_("Name of the first signatory"),
    "signatories": N_("List of {office, name}"),
    "co_signatories_phrase": N_("The co-signatories for “mede namens” (e.g. “de Minister van …”), may be empty"),
    "body": N_("Rich body: use {{p body }} on its own paragraph"),
    "case_number": N_("Case number, e.g. 2021Z19601"),
    "askers_phrase": N_("Who asked, as the letter names them (e.g. “de leden Podt (D66) en Ceder (ChristenUnie)”)"),
    "questions_subject": N_("What the questions are about"),
    "questions_submitted": N_("Date the questions were submitted; use |nl_date"),
    "qa_items": N_("Questions and answers in order: {kind: 'question', number, text} or {kind: 'answer', numbers, label, body}"),
    "postponement_reason": N_("Reason for the postponement"),
}

KNOWN_VARIABLE_NAMES: frozenset[str] = frozenset(KNOWN_VARIABLES)
