"""The one error rendering adds to techspec's hierarchy."""

from __future__ import annotations

from techspec.errors import TechspecError


class RenderError(TechspecError):
    """Output that cannot be produced here, e.g. PDF without WeasyPrint's system libraries.

    A 500 rather than a 4xx: the spec is fine, the machine lacks a library.
    """

    http_status = 500
