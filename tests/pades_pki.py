"""A test PKI with a real timestamp authority, CRL and OCSP responder over HTTP on 127.0.0.1.

certomancer builds the PKI (root CA, intermediate CA, signer, TSA, OCSP responder) from a config
made here with fresh RSA keys, and its ``Animator`` WSGI app answers RFC 3161, OCSP and CRL
requests; werkzeug's ``make_server`` serves it in a thread. The certificates carry the server's
URLs (CRL distribution point, OCSP in the AIA), so pyHanko fetches revocation data over HTTP
exactly as it would from a real CA.

The signer's certificate expires after ``SIGNER_DAYS``: tests validate "years later", after it
expired, with only what was embedded in the PDF.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

#: the signer certificate's lifetime; the CAs and the TSA live far longer
SIGNER_DAYS = 365
CA_YEARS = 30
ARCH = "testing-ca"
PASSPHRASE = b"pades-test"


@dataclass(frozen=True)
class PadesPki:
    base_url: str
    tsa_url: str
    p12_path: Path
    root_pem_path: Path
    signer_not_after: dt.datetime
    arch: Any  # certomancer PKIArchitecture


def _write_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _config(base_url: str, now: dt.datetime, signer_revoked_at: dt.datetime | None) -> dict[str, Any]:
    start = now - dt.timedelta(days=1)
    far = start + dt.timedelta(days=365 * CA_YEARS)
    ca_validity = {"valid-from": _iso(start), "valid-to": _iso(far)}
    signer: dict[str, Any] = {
        "subject": "signer",
        "issuer": "interm",
        "validity": {"valid-from": _iso(start), "valid-to": _iso(now + dt.timedelta(days=SIGNER_DAYS))},
        "profiles": ["digsig-commitment"],
    }
    if signer_revoked_at is not None:
        signer["revocation"] = {"revoked-since": _iso(signer_revoked_at), "reason": "key_compromise"}
    return {
        "external-url-prefix": base_url,
        "keysets": {ARCH: {"keys": {name: {"path": f"{name}.key.pem"} for name in KEYS}}},
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "NL", "organization-name": "Parliament Tracker test PKI"},
                "entities": {
                    "root": {"common-name": "Test Root CA"},
                    "interm": {"common-name": "Test Intermediate CA"},
                    "interm-ocsp": {"common-name": "Test OCSP responder"},
                    "tsa": {"common-name": "Test Time Stamping Authority"},
                    "signer": {"common-name": "Test Signatory Office"},
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "issuer": "root",
                        "validity": ca_validity,
                        "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": ca_validity,
                        "profiles": [
                            {"id": "simple-ca", "params": {"crl-repo": "interm", "ocsp-service": "interm"}}
                        ],
                    },
                    "interm-ocsp": {"issuer": "interm", "validity": ca_validity, "profiles": ["ocsp-responder"]},
                    "tsa": {
                        "issuer": "root",
                        "validity": ca_validity,
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                            },
                            {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                        ],
                    },
                    "signer": signer,
                },
                "services": {
                    "ocsp": {
                        "interm": {"for-issuer": "interm", "responder-cert": "interm-ocsp", "signing-key": "interm-ocsp"}
                    },
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P90D"},
                        "interm": {"for-issuer": "interm", "signing-key": "interm", "simulated-update-schedule": "P30D"},
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


KEYS = ("root", "interm", "interm-ocsp", "tsa", "signer")


class _LateBoundApp:
    """The server's port goes into the certificates, so the app is set after the server binds."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@contextmanager
def running_pki(folder: Path, *, signer_revoked_at: dt.datetime | None = None) -> Iterator[PadesPki]:
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertLabel, CertomancerConfig
    from werkzeug.serving import make_server

    folder.mkdir(parents=True, exist_ok=True)
    for name in KEYS:
        _write_key(folder / f"{name}.key.pem")
    wsgi = _LateBoundApp()
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    now = dt.datetime.now(dt.UTC)
    config = CertomancerConfig(_config(base_url, now, signer_revoked_at), key_search_dir=str(folder))
    arch = config.get_pki_arch(ARCH)  # type: ignore[arg-type]
    wsgi.app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    p12 = folder / "signer.p12"
    p12.write_bytes(arch.package_pkcs12(CertLabel("signer"), password=PASSPHRASE))
    root = folder / "root-ca.pem"
    root.write_bytes(_pem(arch.get_cert(CertLabel("root")).dump()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield PadesPki(
            base_url=base_url,
            tsa_url=f"{base_url}/{ARCH}/tsa/tsa",
            p12_path=p12,
            root_pem_path=root,
            signer_not_after=arch.get_cert(CertLabel("signer")).not_valid_after,
            arch=arch,
        )
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)
