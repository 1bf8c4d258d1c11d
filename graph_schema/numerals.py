"""Chinese numerals in address components (三栋, 十二号楼, 二单元, 一〇一室) to Arabic digits.

Departments write building, unit and room numbers either way; matching needs one form.
Both positional numerals (十二, 三百零一) and digit-by-digit ones (一零一, 二〇三) occur.
"""

from __future__ import annotations

from functools import lru_cache

DIGIT_VALUES: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "洞": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "两": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
UNIT_VALUES: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}

# Characters a regex may accept as a Chinese numeral (洞/幺 are radio-style and too ambiguous).
NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"


@lru_cache(maxsize=4096)
def cn_to_int(text: str) -> int | None:
    """Value of a Chinese numeral, or None when the text is not one.

    >>> cn_to_int("十二"), cn_to_int("三百零一"), cn_to_int("一〇一"), cn_to_int("二十")
    (12, 301, 101, 20)
    """
    if not text:
        return None
    if not any(ch in UNIT_VALUES for ch in text):
        # Digit by digit: 一零一 → 101.
        digits = [DIGIT_VALUES.get(ch) for ch in text]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    total = 0
    pending: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in DIGIT_VALUES and DIGIT_VALUES[ch] == 0:
            continue  # 三百零一: a zero only marks a skipped place
        if ch in DIGIT_VALUES:
            if pending is not None:
                return None  # two digits in a row inside a positional numeral
            pending = DIGIT_VALUES[ch]
        elif ch in UNIT_VALUES:
            unit = UNIT_VALUES[ch]
            if unit >= last_unit:
                return None  # 十百, 百百 …
            total += (1 if pending is None else pending) * unit
            pending = None
            last_unit = unit
        else:
            return None
    if pending is not None:
        total += pending
    return total


def to_digits(text: str) -> str | None:
    """Arabic digits for a number written either way; leading zeros dropped (05 → 5).

    Letters are kept (A座 → "A", 12B → "12B"). Returns None when the text is neither.
    """
    if not text:
        return None
    if text.isascii():
        if text.isdigit():
            return text.lstrip("0") or "0"
        if text.isalnum():
            return text.upper()
        return None
    value = cn_to_int(text)
    return None if value is None else str(value)
