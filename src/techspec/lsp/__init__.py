"""The techspec language server (``techspec lsp``): the linter, the outline and the repairs
of ``techspec fix`` inside any editor that speaks the Language Server Protocol.

One module per feature: ``diagnostics`` (lint as you type), ``symbols`` (the outline),
``actions`` (quick fixes and suppressions), ``hover``, ``completion``; ``server`` wires them
to pygls and ``positions`` converts between techspec's and the protocol's positions.
"""
