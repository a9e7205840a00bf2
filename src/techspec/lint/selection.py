"""Rule selection, as in ruff: ``select`` and ``ignore`` take codes, code prefixes
(``TS1`` selects TS100-TS199) or rule names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Selection:
    select: tuple[str, ...] = ()
    """Empty means every rule."""
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        if self.select and not any(_covers(s, code) for s in self.select):
            return False
        return not any(_covers(i, code) for i in self.ignore)

    def adding_ignores(self, codes: tuple[str, ...]) -> Selection:
        return Selection(self.select, self.ignore + codes)


def _covers(selector: str, code: str) -> bool:
    wanted = selector.strip().casefold().split("/", 1)[0]  # TS101/missing-section -> ts101
    if wanted in ("all", "*"):
        return True
    if code.casefold().startswith(wanted):
        return True
    from techspec.lint.rules.registry import get_rule

    rule = get_rule(code)
    return rule is not None and rule.name.casefold() == wanted
