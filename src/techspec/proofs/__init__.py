"""Proof anyone can check: the server's signing keys and the signed formats built on them.

Everything here is pure (no database, no network): bytes in, bytes or a verdict out, so
that a spec exported to git, an attestation in a CI job or a checkpoint kept by a witness
can be checked with nothing but a public key.  The store, service, API and CLI wire it in.
"""

from techspec.errors import TechspecError


class ProofError(TechspecError):
    """A key, keyring or signed document that cannot be read or used (input error)."""

    exit_code = 2
    http_status = 422


__all__ = ["ProofError"]
