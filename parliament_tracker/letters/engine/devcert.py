"""A self-signed development CA and signing certificate, for `make run`, tests and benches.
Never for production: an installation configures its own PKCS#12 and trust root."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography is imported when a certificate is made, not with the app
    from cryptography import x509


@dataclass(frozen=True)
class DevCertificate:
    p12_path: Path
    root_pem_path: Path


def _name(cn: str) -> x509.Name:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Parliament Tracker (development)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_dev_certificate(path: str | os.PathLike[str], passphrase: str | bytes, common_name: str,
                         *, days: int = 825, key_size: int = 2048,
                         not_before: dt.datetime | None = None) -> DevCertificate:
    """Self-signed development CA plus a signing certificate, as PKCS#12.

    The root CA is written next to it as ``<name>.root-ca.pem`` so validation
    (and ``pdfsig -nssdir``-style checks) can trust it. Never for production.
    Valid from ``not_before`` (default: now) until ``days`` days after now.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID

    pw = passphrase.encode() if isinstance(passphrase, str) else passphrase
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    days += max(0, (now - not_before).days) if not_before is not None else 0
    now = min(now, not_before) if not_before is not None else now
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    ca_name = _name(f"{common_name} development root CA")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, [ca_cert], serialization.BestAvailableEncryption(pw))
    p12_path = Path(path)
    p12_path.parent.mkdir(parents=True, exist_ok=True)
    root_path = p12_path.with_name(p12_path.stem + ".root-ca.pem")
    # Write the key file readable by the owner only.
    fd = os.open(p12_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(p12)
    root_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return DevCertificate(p12_path, root_path)
