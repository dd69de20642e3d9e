"""Fixtures for the letter pipeline tests: pure modules, no database, no Flask app."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the package is not installed in the test venv
    sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures" / "letters"
TEMPLATES = ROOT / "letter_templates"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def seed_letter() -> dict:
    return json.loads((FIXTURES / "seed_letter.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def kamerbrief_template() -> bytes:
    return (TEMPLATES / "kamerbrief.docx").read_bytes()


@pytest.fixture(scope="session")
def seed_rendered(seed_letter, kamerbrief_template):
    """The seed letter through the shipped Kamerbrief template, rendered once per session."""
    from letters_helpers import seed_context

    from parliament_tracker.letters.engine.pipeline import render_letter

    return render_letter(kamerbrief_template, seed_context(seed_letter), font_family="DejaVu Sans")


@pytest.fixture(scope="session")
def dev_cert(tmp_path_factory):
    """A development PKI created once per session (RSA key generation is the slow part)."""
    from parliament_tracker.letters.engine.signing import make_dev_certificate

    return make_dev_certificate(tmp_path_factory.mktemp("pki") / "signing.p12", "test-passphrase",
                                "Parliament Tracker test signer")


@pytest.fixture(scope="session")
def foreign_cert(tmp_path_factory):
    from parliament_tracker.letters.engine.signing import make_dev_certificate

    return make_dev_certificate(tmp_path_factory.mktemp("pki-other") / "other.p12", "other", "Someone else")


@pytest.fixture(scope="session")
def loaded_signer(dev_cert):
    from parliament_tracker.letters.engine.signing import load_signer

    return load_signer(dev_cert.p12_path, "test-passphrase")


@pytest.fixture(scope="session")
def signed_seed_pdf(seed_rendered, loaded_signer) -> bytes:
    from parliament_tracker.letters.engine.signing import sign_pdf

    return sign_pdf(seed_rendered.pdf, loaded_signer, reason="Vastgesteld", location="Den Haag")
