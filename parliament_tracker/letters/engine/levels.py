"""The PAdES baseline levels and the level an installation signs at (pure; no pyHanko)."""

from __future__ import annotations

import enum


class PadesLevel(enum.StrEnum):
    """PAdES baseline levels (ETSI EN 319 142-1), lowest first."""

    B_B = "B-B"  # the signature only
    B_T = "B-T"  # + an RFC 3161 timestamp on the signature: when it was signed
    B_LT = "B-LT"  # + the certificates and revocation data (DSS): checkable after the certificate expires
    B_LTA = "B-LTA"  # + a document timestamp over all of it: the validation data cannot be swapped later

    @property
    def needs_timestamp(self) -> bool:
        return self != PadesLevel.B_B

    @property
    def rank(self) -> int:
        return list(PadesLevel).index(self)


def effective_level(configured: str | None, timestamp_url: str | None) -> PadesLevel:
    """The level an installation signs at: the configured one, or (empty) the highest its
    configuration allows: B-LTA with a timestamp server, B-B without one.

    Raises ``ValueError`` for an unknown level or a level that needs a timestamp server when
    none is configured.
    """
    if not configured:
        return PadesLevel.B_LTA if timestamp_url else PadesLevel.B_B
    try:
        level = PadesLevel(configured.strip().upper().removeprefix("PADES-"))
    except ValueError:
        raise ValueError(f"unknown PAdES level {configured!r}: one of {', '.join(PadesLevel)}") from None
    if level.needs_timestamp and not timestamp_url:
        raise ValueError(f"PAdES {level} needs a timestamp server (SIGNING_TSA_URL)")
    return level
