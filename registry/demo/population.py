"""The residents, generated household by household and streamed straight to the exports.

Household kinds (share): single young adult (12%), single elderly (6%), young couple (18%),
couple with children (40%), three generations (couple, children, the head's parents; 14%),
elderly couple (10%): about 2.8 people a household. 35% of households came from elsewhere
(their adults' id numbers carry their birthplace's area code). Twins are born in ~2% of
births (same birth date, surname and address, different given names, consecutive sequence
numbers); the first family always has twins. Families share an address and often a phone.

Only what later exports need is kept in memory: a reservoir sample of adults (for
shareholders, landlords and legal representatives the stream could not fill) and the
issued id numbers (to keep them unique).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from registry.demo import codes, names
from registry.demo.addresses import landline, mobile
from registry.demo.enterprises import AS_OF, Enterprise, PersonRef
from registry.demo.geography import Building
from registry.demo.land import write_ownership
from registry.demo.noise import Noise
from registry.demo.people import (
    Foreigner,
    Household,
    Resident,
    write_hukou,
    write_marriage,
    write_social,
)
from registry.demo.writers import SourceWriter

_KINDS = ("single_young", "single_old", "couple", "family", "three_gen", "elderly_couple")
_KIND_CUM = (0.12, 0.18, 0.36, 0.76, 0.90, 1.0)
MIGRANT_SHARE = 0.35
TWIN_RATE = 0.02
RESERVOIR = 5000


@dataclass(slots=True)
class Collected:
    """What the stream leaves for later exports and the hard-case list."""

    reservoir: list[PersonRef] = field(default_factory=list)
    twins: list[tuple[str, str]] = field(default_factory=list)
    shared_phones: list[tuple[str, ...]] = field(default_factory=list)
    id_typos: list[tuple[str, str, str]] = field(default_factory=list)  # source, key, text
    common: dict[str, list[str]] = field(default_factory=dict)
    foreigners: int = 0
    residents: int = 0


def _years(n: float) -> dt.timedelta:
    return dt.timedelta(days=round(n * 365.25))


class Population:
    """Generates households until ``persons`` residents exist, writing as it goes."""

    def __init__(
        self,
        rng: random.Random,
        noises: dict[str, Noise],
        writers: dict[str, SourceWriter],
        homes: list[Building],
        enterprises: list[Enterprise],
        key_width: int,
    ) -> None:
        self.rng = rng
        self.noises = noises
        self.writers = writers
        self.homes = homes
        self.home_cum = list(itertools.accumulate(float(b.floors * b.rooms) for b in homes))
        self.enterprises = enterprises
        employers = [e for e in enterprises if e.weight > 0]
        self.employers = employers
        self.employer_cum = list(itertools.accumulate(e.weight for e in employers))
        self.key_width = key_width
        self.ids: set[int] = set()
        self.next_index = 0
        self.rep_cursor = 0
        self.rep_rate = 0.0
        self.certificates = 0
        self.seen_adults = 0
        self.out = Collected()

    # -- people -------------------------------------------------------------------------
    def _ref(self, surname: str, given: str, gender: str, birth: dt.date, area: str, seq: int
             ) -> PersonRef | None:  # fmt: skip
        id18 = codes.make_id_number(area, birth, seq)
        body = int(id18[:17])
        if body in self.ids:
            return None
        self.ids.add(body)
        index = self.next_index
        self.next_index += 1
        return PersonRef(
            index, f"person:{index + 1:0{self.key_width}d}", surname, given, id18, birth, gender
        )

    def person(self, surname: str, gender: str, birth: dt.date, area: str) -> PersonRef:
        given = names.draw_given(self.rng, gender, birth.year)
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            ref = self._ref(surname, given, gender, birth, area, seq)
            if ref is not None:
                return ref

    def twins(self, surname: str, birth: dt.date, area: str) -> tuple[PersonRef, PersonRef]:
        rng = self.rng
        g1, g2 = rng.choice("MF"), rng.choice("MF")
        first = names.draw_given(rng, g1, birth.year)
        second = names.draw_given(rng, g2, birth.year)
        while second == first:
            second = names.draw_given(rng, g2, birth.year)
        while True:
            seq = rng.randrange(1, 490) * 2 + (1 if g1 == "M" else 0)
            seq2 = seq + 1 if g1 != g2 else seq + 2
            a = self._ref(surname, first, g1, birth, area, seq)
            if a is None:
                continue
            b = self._ref(surname, second, g2, birth, area, seq2)
            if b is not None:
                return a, b
            self.ids.discard(int(a.id18[:17]))  # give the pair another try; index is spent

    def _birth(self, age_low: float, age_high: float) -> dt.date:
        return AS_OF - _years(self.rng.uniform(age_low, age_high))

    # -- households ---------------------------------------------------------------------
    def run(self, persons: int, progress: Callable[[str, int], None] | None) -> Collected:
        expected_adults = persons * 0.62
        self.rep_rate = min(1.0, len(self.enterprises) / max(1.0, expected_adults) * 0.95)
        households = 0
        next_report = 10_000
        while self.out.residents < persons:
            households += 1
            self._household(households, persons - self.out.residents)
            if progress is not None and self.out.residents >= next_report:
                progress("persons", self.out.residents)
                next_report += 10_000
        if progress is not None:
            progress("persons", self.out.residents)
        return self.out

    def _household(self, number: int, remaining: int) -> None:
        rng = self.rng
        building = self.homes[bisect.bisect_right(self.home_cum, rng.random() * self.home_cum[-1])]
        unit_no = building.allocate_unit()
        home = building.parcel.division.code
        origin = rng.choice(codes.MIGRANT_AREA_CODES) if rng.random() < MIGRANT_SHARE else ""

        def area(birth: dt.date, adult: bool) -> str:
            if origin and (adult or rng.random() < 0.3):
                return origin if rng.random() < 0.7 else rng.choice(codes.MIGRANT_AREA_CODES)
            return codes.birth_area_code(rng, home, birth.year)

        kind = _KINDS[bisect.bisect_left(_KIND_CUM, rng.random())]
        ethnicity = names.ETHNIC_GROUPS.draw(rng)
        members: list[Resident] = []
        couples: list[tuple[PersonRef, PersonRef, dt.date]] = []
        twins: tuple[PersonRef, PersonRef] | None = None
        if kind in ("single_young", "single_old"):
            birth = self._birth(20, 40) if kind == "single_young" else self._birth(55, 92)
            gender = rng.choice("MF")
            head = self.person(names.draw_surname(rng), gender, birth, area(birth, True))
            members.append(Resident(head, "户主", ethnicity, ""))
        else:
            low, high = {"couple": (23, 40), "family": (28, 60), "three_gen": (28, 52)}.get(
                kind, (55, 90)
            )
            h_birth = self._birth(low, high)
            w_birth = min(h_birth + _years(rng.uniform(-2, 5)), AS_OF - _years(20.1))
            husband = self.person(names.draw_surname(rng), "M", h_birth, area(h_birth, True))
            wife = self.person(names.draw_surname(rng), "F", w_birth, area(w_birth, True))
            start = max(h_birth + _years(22), w_birth + _years(20))
            married = min(start + _years(rng.uniform(0, 8)), AS_OF - dt.timedelta(days=30))
            couples.append((husband, wife, married))
            head_is_husband = rng.random() < 0.75
            head, spouse = (husband, wife) if head_is_husband else (wife, husband)
            members.append(Resident(head, "户主", ethnicity, ""))
            members.append(Resident(spouse, "配偶", ethnicity, ""))
            if kind in ("family", "three_gen"):
                surname = husband.surname if rng.random() < 0.9 else wife.surname
                birth = married + _years(rng.uniform(1, 4))
                wanted = 1 if rng.random() < 0.65 else 2
                force_twins = not self.out.twins and number > 1
                while wanted and birth < AS_OF:
                    if force_twins or rng.random() < TWIN_RATE:
                        force_twins = False
                        twins = self.twins(surname, birth, area(birth, False))
                        kids: tuple[PersonRef, ...] = twins
                    else:
                        kids = (self.person(surname, rng.choice("MF"), birth, area(birth, False)),)
                    for kid in kids:
                        relation = "子" if kid.gender == "M" else "女"
                        members.append(Resident(kid, relation, ethnicity, "", husband, wife))
                    wanted -= 1
                    birth = birth + _years(rng.uniform(2, 8))
            if kind == "three_gen":
                f_birth = head.birth - _years(rng.uniform(24, 32))
                m_birth = f_birth + _years(rng.uniform(-1, 4))
                both = rng.random() < 0.6
                alive = "MF" if both else rng.choice("MF")
                old = [
                    self.person(head.surname, "M", f_birth, area(f_birth, True))
                    if g == "M"
                    else self.person(names.draw_surname(rng), "F", m_birth, area(m_birth, True))
                    for g in alive
                ]
                for p in old:
                    relation = "父亲" if p.gender == "M" else "母亲"
                    members.append(Resident(p, relation, ethnicity, ""))
                    if p.gender == "M":
                        members[0].father = p
                    else:
                        members[0].mother = p
                if both:
                    wed = min(f_birth + _years(rng.uniform(22, 28)), head.birth - _years(1))
                    couples.append((old[0], old[1], wed))
        self._finish(Household(f"H{number:09d}", building, unit_no, members[:remaining]),
                     couples, twins, number)  # fmt: skip

    def _finish(
        self,
        hh: Household,
        couples: list[tuple[PersonRef, PersonRef, dt.date]],
        twins: tuple[PersonRef, PersonRef] | None,
        number: int,
    ) -> None:
        rng, out = self.rng, self.out
        present = {m.ref.serial for m in hh.members}
        for m in hh.members:  # parents cut off by the last household's truncation
            if m.father is not None and m.father.serial not in present:
                m.father = None
            if m.mother is not None and m.mother.serial not in present:
                m.mother = None
        house_phone = landline(rng) if rng.random() < 0.25 else ""
        head_phone = mobile(rng)
        own: dict[int, str] = {}
        for m in hh.members:
            p = m.ref
            age = (AS_OF - p.birth).days / 365.25
            if m.relation == "户主":
                own[p.serial] = head_phone
            elif age >= 18 and rng.random() < 0.95:
                own[p.serial] = mobile(rng)
            if p.serial in own and not (age >= 70 and rng.random() < 0.5):
                m.phone = own[p.serial]
            else:
                m.phone = house_phone or head_phone
        write_hukou(self.writers["hukou"], self.noises["hukou"], hh)
        out.residents += len(hh.members)
        phones: dict[str, list[str]] = {}
        for m in hh.members:
            phones.setdefault(m.phone, []).append(m.ref.key)
            self._adult(m.ref, own.get(m.ref.serial, m.phone))
            if m.ref.given in names.POPULAR_GIVEN:
                out.common.setdefault(m.ref.name, []).append(m.ref.key)
        out.shared_phones += [tuple(keys) for keys in phones.values() if len(keys) > 1]
        if twins is not None and twins[0].serial in present and twins[1].serial in present:
            out.twins.append((twins[0].key, twins[1].key))
        district = hh.building.parcel.division.name
        for husband, wife, married in couples:
            if husband.serial in present and wife.serial in present and rng.random() < 0.85:
                self._typos("marriage", write_marriage(
                    self.writers["marriage"], self.noises["marriage"], husband, wife, married,
                    district,
                ))  # fmt: skip
        head = hh.members[0].ref
        if len(hh.members) == 1 and (AS_OF - head.birth).days < 365 * 40 and rng.random() < 0.03:
            self._foreign_marriage(head, district)
        self._ownership(hh, couples)

    def _foreign_marriage(self, head: PersonRef, district: str) -> None:
        name, nationality, passport = names.foreign_person(self.rng)
        index = self.next_index
        self.next_index += 1
        self.out.foreigners += 1
        spouse = Foreigner(f"person:{index + 1:0{self.key_width}d}", name, nationality, passport)
        married = AS_OF - _years(self.rng.uniform(0.2, 8))
        husband, wife = (head, spouse) if head.gender == "M" else (spouse, head)
        self._typos("marriage", write_marriage(
            self.writers["marriage"], self.noises["marriage"], husband, wife, married, district
        ))  # fmt: skip

    def _typos(self, source: str, written: list[tuple[str, str]]) -> None:
        self.out.id_typos += [(source, key, text) for key, text in written]

    def _adult(self, p: PersonRef, phone: str) -> None:
        rng, out = self.rng, self.out
        age = (AS_OF - p.birth).days / 365.25
        if age < 18:
            return
        insured = 0.2 if age < 22 else 0.78 if age < 60 else 0.12 if age < 70 else 0.0
        if self.employers and rng.random() < insured:
            ent = self.employers[
                bisect.bisect_right(self.employer_cum, rng.random() * self.employer_cum[-1])
            ]
            start = max(ent.registered, p.birth + _years(18))
            since = start + dt.timedelta(days=rng.randint(0, max(0, (AS_OF - start).days)))
            self._typos("social_insurance", write_social(
                self.writers["social_insurance"], self.noises["social_insurance"], p, phone,
                ent, since,
            ))  # fmt: skip
        if age >= 22:
            self.seen_adults += 1
            if len(out.reservoir) < RESERVOIR:
                out.reservoir.append(p)
            else:
                j = rng.randrange(self.seen_adults)
                if j < RESERVOIR:
                    out.reservoir[j] = p
        if 25 <= age <= 70 and self.rep_cursor < len(self.enterprises):
            ent = self.enterprises[self.rep_cursor]
            if rng.random() < self.rep_rate and p.birth.year + 20 <= ent.registered.year:
                ent.rep = p
                self.rep_cursor += 1

    def _ownership(
        self, hh: Household, couples: list[tuple[PersonRef, PersonRef, dt.date]]
    ) -> None:
        rng = self.rng
        head = hh.members[0].ref
        r = rng.random()
        owners: list[PersonRef | Enterprise] = [head]
        holder = hh.building.parcel.holder
        if r < 0.72:
            if couples and len(hh.members) > 1 and rng.random() < 0.6:
                owners = [couples[0][0], couples[0][1]]
        elif r < 0.94 and self.out.reservoir:
            owners = [rng.choice(self.out.reservoir)]
        elif holder >= 0:
            owners = [self.enterprises[holder]]
        earliest = max(dt.date(hh.building.completed, 1, 1), head.birth + _years(22))
        span = max(1, (AS_OF - earliest).days)
        registered = min(AS_OF, earliest + dt.timedelta(days=rng.randrange(span)))
        self.certificates += 1
        self._typos("real_estate", write_ownership(
            self.writers["real_estate"], self.noises["real_estate"], hh.building, hh.unit_no,
            owners, registered, self.certificates,
        ))  # fmt: skip
