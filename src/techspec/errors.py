"""The one error hierarchy.  Messages name the file, line or field; the exit code
and HTTP status travel with the class so the edges (CLI, API) translate them in one place."""

from __future__ import annotations


class TechspecError(Exception):
    """Base class: a problem the user can fix, reported as one clear line."""

    exit_code = 2
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str = "",
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        """Advice for the command line only (``see 'techspec list'``), which a web page
        or an API client could not follow: the CLI prints it after the message."""
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return f"{where}{self.message}"


class InputError(TechspecError):
    """A file that cannot be read as a spec: missing, not UTF-8, binary, too large."""

    http_status = 422


class NotASpec(InputError):
    """Text that is readable but is no spec of the template (a README): callers that
    searched a directory pass over it, as ``techspec lint`` does."""


class TemplateError(TechspecError):
    """A template that does not compile into rules."""

    http_status = 422


class ConfigError(TechspecError):
    """A bad ``[tool.techspec]`` / ``techspec.toml`` setting."""


class UsageError(TechspecError):
    """A bad command-line argument or option value."""
