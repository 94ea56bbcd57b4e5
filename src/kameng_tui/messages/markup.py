"""Issue 15: a markup rule's formula in words, and its example on a sample cost
(domain/markup.py formula(); the settings screen's pricing panel). "x", not the
multiplication sign: that one is East-Asian-ambiguous (drawn two cells wide in many
Chinese terminals)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "markup.formula.capped": ("售价 = 进价 x {factor}，不超过面值", "price = cost x {factor}, at most the face value"),
    "markup.formula.plain": ("售价 = 进价 x {factor}", "price = cost x {factor}"),
    "markup.formula.face": ("售价 = 面值；没有面值或进价高于面值时，售价 = 进价 x {factor}",
                            "price = the face value; where there is none or the cost is above it, price = cost x {factor}"),
    "markup.example": ("例：进价 {cost} 元 -> 售价 {price} 元", "e.g. cost {cost} -> price {price}"),
}
