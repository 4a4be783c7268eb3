"""Amounts in words for receipts: « vingt-cinq mille francs CFA », "twenty-five thousand CFA francs".

num2words spells the number (French rules: « quatre-vingts », « soixante et onze », « deux
cents »); the currency name follows the grammar of each language: singular for 0 and 1 in
French (« zéro franc », « un franc ») and « de » after a round million or milliard
(« un million de francs CFA »).
"""
from __future__ import annotations

from num2words import num2words


def amount_in_words(amount: int, language: str = "fr") -> str:
    """Spell an integer XOF amount in French or English, currency included."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amount must be an integer number of francs")
    if amount < 0:
        raise ValueError("amount cannot be negative")
    if language == "en":
        words = num2words(amount, lang="en")
        return f"{words} CFA franc" if amount == 1 else f"{words} CFA francs"
    words = num2words(amount, lang="fr")
    if amount in (0, 1):
        return f"{words} franc CFA"
    if words.endswith(("million", "millions", "milliard", "milliards")):
        return f"{words} de francs CFA"
    return f"{words} francs CFA"
