"""The application layer: every operation a person performs, and every rule about who
may perform it.

Each operation takes the acting user, checks permissions, calls the store (which writes
the audit event in the same transaction) and returns a domain result or raises a domain
error (:mod:`techspec.errors`, :mod:`techspec.store.errors`).  It knows nothing of HTTP,
HTML or click: the CLI, the REST API, the web UI and the language server are thin
adapters over it.
"""
