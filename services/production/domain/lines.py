"""An order's lines as production counts them: units per product, and the released quantity
of rule 3 of docs/changes-and-returns.md (P7.2, P7.3)."""

from collections.abc import Sequence

from services.production.domain.commands import Line


def total_units(lines: Sequence[Line]) -> int:
    return sum(line.quantity for line in lines)


def ordered(lines: Sequence[Line]) -> dict[str, int]:
    units: dict[str, int] = {}
    for line in lines:
        units[line.product_code] = units.get(line.product_code, 0) + line.quantity
    return units


def released_lines(released: Sequence[Line], applied: Sequence[Line]) -> tuple[Line, ...]:
    """Rule 3 of a change (P7.2, P7.3): per product the lower of the released and the applied
    quantity; a product the change removed is dropped, one it added counts once released."""
    asked = ordered(applied)
    kept = []
    for code, units in ordered(released).items():
        units = min(units, asked.get(code, 0))
        if units > 0:
            kept.append(Line(code, units))
    return tuple(kept)


def beyond(current: Sequence[Line], wanted: Sequence[Line]) -> tuple[Line, ...]:
    """Per product, the units `wanted` has beyond `current` (the extra of an increase, P7.3)."""
    have = ordered(current)
    extra = []
    for code, units in ordered(wanted).items():
        if units > have.get(code, 0):
            extra.append(Line(code, units - have.get(code, 0)))
    return tuple(extra)


def grew(before: Sequence[Line], after: Sequence[Line]) -> bool:
    """Some product has more units `after` than `before` (P7.3)."""
    old = ordered(before)
    return any(units > old.get(code, 0) for code, units in ordered(after).items())
