"""The context contract: every variable a letter template may use.

Uploaded templates are checked against this set (``fill.check_template``), and
``context.build_context`` always provides every name, so a template that passes
the check can always be filled.
"""

from __future__ import annotations

KNOWN_VARIABLES: dict[str, str] = {
    # Letter metadata
    "subject": "Onderwerp (subject line)",
    "letter_date": "Datum; use {{ letter_date|nl_date }}",
    "our_reference": "Ons kenmerk",
    "your_reference": "Uw kenmerk (e.g. 2021Z19241), may be empty",
    "your_letter_date": "Uw brief van; use |nl_date, may be empty",
    "attachments_count": "Number of attachments (0 = none)",
    "attachments": "List of attachment titles",
    # Sender
    "ministry_name": "Ministerie van …",
    "sender_unit": "Sending unit, e.g. Directoraat-Generaal Migratie",
    "ministry_visiting_address": "Visiting address line",
    "ministry_postal_address": "Postal address line",
    "ministry_website": "Website line",
    "return_address": "Retouradres line, e.g. Postbus 20301 2500 EH Den Haag",
    # Addressee
    "addressee_lines": "Address block lines (list)",
    # Signature
    "signatory_office": "Office of the first signatory, without article",
    "signatory_name": "Name of the first signatory",
    "signatories": "List of {office, name}",
    "co_signatories_phrase": "'de Minister van …' for 'mede namens', may be empty",
    # Body
    "body": "Rich body: use {{p body }} on its own paragraph",
    # Written questions
    "case_number": "Zaak number, e.g. 2021Z19601",
    "askers_phrase": "'de leden Podt (D66) en Ceder (ChristenUnie)'",
    "questions_subject": "What the questions are about",
    "questions_submitted": "Date the questions were submitted; use |nl_date",
    "qa_items": "Questions and answers in order: {kind: 'question', number, text} or "
                "{kind: 'answer', numbers, label, body}",
    "postponement_reason": "Reason for the postponement (uitstelbericht)",
}

KNOWN_VARIABLE_NAMES: frozenset[str] = frozenset(KNOWN_VARIABLES)
