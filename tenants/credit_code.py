"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), entity type (1), region code (6, GB/T 2260),
organisation code (9), check character (1). The alphabet is 0-9 and A-Z without I, O, S, V, Z;
the check character is 31 - (sum of value * 3^(i-1) mod 31) mod 31.
"""

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
SHAPE = re.compile(rf"^[{ALPHABET}]{{18}}$")


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * weight for ch, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    return bool(SHAPE.match(code)) and check_character(code[:17]) == code[17]


def normalise(code: str) -> str:
    return code.strip().upper()
