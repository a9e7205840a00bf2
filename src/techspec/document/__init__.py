"""The document layer: Markdown text to the :class:`~techspec.document.model.Spec` model.

The parser never raises on text, keeps every node's source position and serializes back
losslessly.  This layer imports nothing else of techspec but :mod:`techspec.errors`.
"""
