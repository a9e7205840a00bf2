"""Authoring tools over one document: ``fix``, scaffolding, approval write-back, the
content hash, section diffs and HTML/PDF rendering.

They stand on :mod:`techspec.lint` and :mod:`techspec.document`; none touches a store.
"""
