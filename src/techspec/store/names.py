"""People named in a spec's metadata fields (``**Author**``, ``**Reviewers**``)."""

from __future__ import annotations


def names_in(field: str | None) -> list[str]:
    """The names a field lists (``Ada, Grace and Tom``; ``Ada; Tom & Sue``), in order,
    each once, without a template placeholder (``[List of reviewers]``), a leading ``@``
    or a trailing remark in parentheses (``Tom (Technical Lead)``)."""
    if not field:
        return []
    text = field.replace(";", ",").replace("&", ",").replace(" and ", ",")
    found: dict[str, str] = {}
    for part in text.split(","):
        name = part.strip()
        if name.startswith("[") and name.endswith("]"):
            continue  # a placeholder nobody filled in
        if name.endswith(")") and "(" in name:
            name = name[: name.index("(")].strip()
        name = name.lstrip("@").strip()
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())
