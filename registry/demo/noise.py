"""The noise departments add to what they copy, at configurable few-percent rates.

The household register (公安户籍) is the trusted, clean source: every resident once, 18-digit
id number, full canonical address. Every other department copies people and companies with
its own habits and mistakes. Default rates (:class:`NoiseRates`), per value written:

===========================  =====  ========================================================
field                        rate   what happens
===========================  =====  ========================================================
traditional                  0.03   person name in traditional characters (張偉)
homophone                    0.02   one given-name character replaced by a homophone (伟→炜)
pinyin                       0.01   name in pinyin as old systems hold it (ZHANG Wei)
legacy_id                    0.10   15-digit id number, for people born before 2000
                                    (civil affairs: most marriages registered before 1999)
id_typo                      0.015  one digit changed or two adjacent digits swapped: the
                                    check character fails
missing                      0.03   an optional value (phone, id, USCC, date…) left empty
phone_format                 0.30   +86 138-1234-5678, 138 1234 5678, (0571)…
fullwidth                    0.02   full-width digits in a phone or address
address_variant              0.25   building written 5栋 / 5号楼 / 五幢 instead of 5幢
date_variant                 0.15   a date in another parseable style than the usual
enterprise_name_variant      0.30   without / with 杭州市 prefix, (杭州) inside, 有限责任公司
                                    for 有限公司, full-width brackets
uscc_typo                    0.01   one character of a USCC changed: the MOD 31 check fails
===========================  =====  ========================================================

Some rates multiply these (a source that copies more carefully uses a factor below 1:
real-estate and shareholder ids 0.5, market-registration representatives' names 0.3, tax
USCCs 1.3). Facts of a department's era or coverage are not noise and are not scaled:
marriages registered before 1986 mostly lack an id number, 1986–1998 ones carry the
15-digit form (80%), real-estate registrations before 2004 half the time; the household
register does not know 8% of homes' unit codes nor 5% of phones; 30% of companies declare
no unit code for their premises; 10% use a cluster-registration address.

Hard negatives are planted by the population itself, not as noise: shared popular names,
twins, branches (分公司) and families sharing an address and a phone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import asdict, dataclass

from registry.demo import codes, names
from registry.demo.addresses import fullwidth, phone_variant, varied_date


@dataclass(frozen=True, slots=True)
class NoiseRates:
    """Probabilities of each kind of noise (see the module docstring)."""

    traditional: float = 0.03
    homophone: float = 0.02
    pinyin: float = 0.01
    legacy_id: float = 0.10
    id_typo: float = 0.015
    missing: float = 0.03
    phone_format: float = 0.30
    fullwidth: float = 0.02
    address_variant: float = 0.25
    date_variant: float = 0.15
    enterprise_name_variant: float = 0.30
    uscc_typo: float = 0.01

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def scaled(self, factor: float) -> NoiseRates:
        """All rates multiplied by ``factor`` (capped at 1): 0 gives clean copies."""
        return NoiseRates(**{k: min(1.0, v * factor) for k, v in asdict(self).items()})


class Noise:
    """Applies :class:`NoiseRates` with one department's random stream."""

    __slots__ = ("rates", "rng")

    def __init__(self, rng: random.Random, rates: NoiseRates) -> None:
        self.rng = rng
        self.rates = rates

    def missing(self, value: str, factor: float = 1.0) -> str:
        """``value``, or empty at the missing rate times ``factor``."""
        return "" if self.rng.random() < self.rates.missing * factor else value

    def person_name(self, surname: str, given: str, factor: float = 1.0) -> str:
        """The name as this department wrote it."""
        r, rates = self.rng.random(), self.rates
        if r < rates.pinyin * factor:
            return names.pinyin_name(self.rng, surname, given)
        r -= rates.pinyin * factor
        if r < rates.homophone * factor:
            return surname + names.homophone_typo(self.rng, given)
        r -= rates.homophone * factor
        if r < rates.traditional * factor:
            return names.traditional(surname + given)
        return surname + given

    def id_number(
        self, id18: str, birth: dt.date, *, legacy_rate: float | None = None, factor: float = 1.0
    ) -> tuple[str, bool]:
        """The id number as written, and whether it is a planted typo."""
        rates, rng = self.rates, self.rng
        if rng.random() < rates.missing * factor:
            return "", False
        if rng.random() < rates.id_typo * factor:
            return codes.typo_id(rng, id18), True
        legacy = rates.legacy_id if legacy_rate is None else legacy_rate
        if birth.year < 2000 and rng.random() < legacy:
            return codes.to_legacy15(id18), False
        return id18, False

    def uscc(self, uscc: str, factor: float = 1.0) -> str:
        """The USCC as written: missing, typo'd or correct."""
        r = self.rng.random()
        if r < self.rates.missing * factor:
            return ""
        if r < (self.rates.missing + self.rates.uscc_typo) * factor:
            return codes.typo_uscc(self.rng, uscc)
        return uscc

    def phone(self, phone: str, factor: float = 1.0) -> str:
        """The phone as written: often reformatted, sometimes full-width, sometimes missing."""
        if not phone or self.rng.random() < self.rates.missing * factor:
            return ""
        if self.rng.random() < self.rates.phone_format * factor:
            share = self.rates.fullwidth / max(self.rates.phone_format, 1e-9)
            return phone_variant(self.rng, phone, share)
        return phone

    def date(self, d: dt.date, usual: str, factor: float = 1.0) -> str:
        return varied_date(self.rng, d, usual, self.rates.date_variant * factor)

    def fullwidth(self, text: str) -> str:
        return fullwidth(text) if self.rng.random() < self.rates.fullwidth else text

    def chance(self, rate: float) -> bool:
        return self.rng.random() < rate
