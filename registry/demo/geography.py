"""Red-line parcels and the buildings on them, with real-estate codes and coordinates.

Parcels are laid out on a grid over 120.0–120.4°E, 30.1–30.4°N (CGCS2000 lon/lat): each
parcel is a slightly irregular quadrilateral inside its own grid cell, so no two overlap.
A parcel belongs to the district whose centre is nearest (the cell at each district's
centre always holds a parcel, so even a small city has all eight districts); its code
(宗地代码) numbers it within the district's cadastral zone and subzone. Buildings stand
inside their parcel. A building's own code is the parcel code + F + 4-digit building
number + 0000; its units (户) take the floor and room as the last four digits (0301 =
floor 3, room 1).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field

from registry.demo import codes
from registry.demo.addresses import DIVISIONS, Address, Division, estate_name

LON_RANGE = (120.0, 120.4)
LAT_RANGE = (30.1, 30.4)
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(30.25))

# use → (share of parcels, land-use class for the red line, building use)
PARCEL_USES: dict[str, tuple[float, str]] = {
    "住宅": (0.72, "二类居住用地(R2)"),
    "商业": (0.14, "商业用地(B1)"),
    "办公": (0.09, "商务用地(B2)"),
    "工业": (0.05, "一类工业用地(M1)"),
}
HOMESTEAD_LAND_USE = "农村宅基地(H14)"
_RURAL = frozenset({"330109", "330110", "330113", "330114"})


@dataclass(slots=True)
class Parcel:
    index: int
    key: str
    code: str
    division: Division
    use: str
    land_use: str
    road: str
    door: int
    estate: str
    ring: tuple[tuple[float, float], ...]
    area: float
    approval_no: str
    approval_date: dt.date
    holder: int = -1  # enterprise index
    buildings: list[Building] = field(default_factory=list)

    def wkt(self) -> str:
        pts = [*self.ring, self.ring[0]]
        return "POLYGON ((" + ", ".join(f"{x:.6f} {y:.6f}" for x, y in pts) + "))"


@dataclass(slots=True)
class Building:
    index: int
    key: str
    parcel: Parcel
    no: int
    code: str
    use: str
    floors: int
    rooms: int
    lon: float
    lat: float
    completed: int
    name: str
    capacity: int = 1  # floors × rooms as designed; units beyond it are added floors
    stride: int = 1  # units are handed out in a fixed pseudo-random order (stride, offset)
    offset: int = 0
    next_unit: int = 0

    def address(self, unit_no: int = 0) -> Address:
        p = self.parcel
        floor, room = divmod(unit_no, 100)
        label = f"{floor}{room:02d}室" if unit_no else ""
        return Address(p.division.name, p.road, p.door, p.estate, self.no, label)

    def allocate_unit(self) -> int:
        """The next free unit (floor·100 + room); the building grows if it must."""
        k = self.next_unit
        self.next_unit += 1
        if k < self.capacity:
            k = (self.offset + k * self.stride) % self.capacity
        floor, room = divmod(k, self.rooms)
        self.floors = max(self.floors, floor + 1)
        return (floor + 1) * 100 + room + 1

    def random_unit(self, rng: random.Random) -> int:
        """Some unit of the building, not handed out (an address only)."""
        return rng.randint(1, self.floors) * 100 + rng.randint(1, self.rooms)

    def unit_code(self, unit_no: int) -> str:
        return self.code[:-4] + f"{unit_no:04d}"


def _nearest_division(lon: float, lat: float) -> Division:
    scale = math.cos(math.radians(lat))
    return min(DIVISIONS, key=lambda d: ((d.lon - lon) * scale) ** 2 + (d.lat - lat) ** 2)


def _quad(
    rng: random.Random, x0: float, y0: float, cw: float, ch: float
) -> tuple[tuple[tuple[float, float], ...], float]:
    """A quadrilateral inside the cell (x0, y0, cw, ch) and its area in square metres."""
    w = min(rng.uniform(120, 450) / _M_PER_DEG_LON, cw * 0.85)
    h = min(rng.uniform(100, 400) / _M_PER_DEG_LAT, ch * 0.85)
    left = x0 + rng.uniform(0.05 * cw, cw - w - 0.05 * cw) if cw - w > 0.1 * cw else x0
    bottom = y0 + rng.uniform(0.05 * ch, ch - h - 0.05 * ch) if ch - h > 0.1 * ch else y0
    corners = ((0, 0), (1, 0), (1, 1), (0, 1))
    ring = tuple(
        (
            left + (sx + (1 - 2 * sx) * rng.uniform(0, 0.08)) * w,
            bottom + (sy + (1 - 2 * sy) * rng.uniform(0, 0.08)) * h,
        )
        for sx, sy in corners
    )
    area = 0.5 * abs(
        sum(
            (ring[i][0] * ring[(i + 1) % 4][1] - ring[(i + 1) % 4][0] * ring[i][1])
            for i in range(4)
        )
    )
    return ring, round(area * _M_PER_DEG_LON * _M_PER_DEG_LAT, 2)


def _point_in(rng: random.Random, ring: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    """A point well inside a convex-ish quad (bilinear interpolation of its corners)."""
    u, v = rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85)
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = ring
    x = (1 - v) * ((1 - u) * ax + u * bx) + v * ((1 - u) * dx + u * cx)
    y = (1 - v) * ((1 - u) * ay + u * by) + v * ((1 - u) * dy + u * cy)
    return round(x, 6), round(y, 6)


def _building_shape(rng: random.Random, use: str, homestead: bool) -> tuple[int, int]:
    """(floors, rooms per floor) for a building of ``use``."""
    if homestead:
        return 3, 1
    if use == "住宅":
        floors = rng.choice((6, 6, 6, 7, 11, 11, 18, 18, 26, 33))
        return floors, 2 if floors <= 7 else rng.choice((2, 3)) if floors <= 11 else 4
    if use == "工业":
        return rng.randint(1, 6), rng.randint(1, 2)
    return rng.randint(5, 28), rng.randint(6, 10)


def _coprime(rng: random.Random, n: int) -> int:
    """A step in [1, n) sharing no factor with n (1 for n ≤ 2)."""
    if n <= 2:
        return 1
    while True:
        step = rng.randrange(1, n)
        if math.gcd(step, n) == 1:
            return step


def build_geography(
    rng: random.Random, n_parcels: int, n_buildings: int, key_width: int
) -> tuple[list[Parcel], list[Building]]:
    """Parcels (each in its own grid cell) and buildings on them, numbered and coded."""
    aspect = (
        (LON_RANGE[1] - LON_RANGE[0])
        * _M_PER_DEG_LON
        / ((LAT_RANGE[1] - LAT_RANGE[0]) * _M_PER_DEG_LAT)
    )
    cols = max(1, math.ceil(math.sqrt(n_parcels * 1.3 * aspect)))
    rows = max(1, math.ceil(n_parcels * 1.3 / cols))
    cw = (LON_RANGE[1] - LON_RANGE[0]) / cols
    ch = (LAT_RANGE[1] - LAT_RANGE[0]) / rows
    # every district gets the free cell nearest its centre first (if there are enough parcels)
    home: dict[int, Division] = {}
    for d in DIVISIONS[:n_parcels]:
        cell = min(
            (c for c in range(cols * rows) if c not in home),
            key=lambda c: (
                ((c % cols + 0.5) * cw + LON_RANGE[0] - d.lon) ** 2
                + ((c // cols + 0.5) * ch + LAT_RANGE[0] - d.lat) ** 2
            ),
        )
        home[cell] = d
    others = [c for c in range(cols * rows) if c not in home]
    cells = sorted([*home, *rng.sample(others, n_parcels - len(home))])
    uses = list(PARCEL_USES)
    cum = list(itertools.accumulate(s for s, _ in PARCEL_USES.values()))
    per_division: dict[str, int] = {}
    doors: set[tuple[str, int]] = set()
    approvals = itertools.count(1)
    parcels: list[Parcel] = []
    for i, cell in enumerate(cells):
        row, col = divmod(cell, cols)
        x0, y0 = LON_RANGE[0] + col * cw, LAT_RANGE[0] + row * ch
        division = home.get(cell) or _nearest_division(x0 + cw / 2, y0 + ch / 2)
        # the first parcels cover every use, so even a tiny city has homes and offices
        use = uses[i] if i < len(uses) else uses[bisect.bisect_left(cum, rng.random() * cum[-1])]
        homestead = use == "住宅" and division.code in _RURAL and rng.random() < 0.15
        n = per_division.get(division.code, 0)
        per_division[division.code] = n + 1
        zone, rest = divmod(n, 60)
        code = codes.parcel_code(
            division.code, zone + 1, rest // 12 + 1, rest % 12 + 1,
            "J" if homestead else "G", "C" if homestead else "B",
        )  # fmt: skip
        road = rng.choice(division.roads)
        door = rng.randrange(1, 2000)
        while (road, door) in doors:
            door = rng.randrange(1, 2000)
        doors.add((road, door))
        ring, area = _quad(rng, x0, y0, cw, ch)
        approved = dt.date(rng.randint(1985, 2022), rng.randint(1, 12), rng.randint(1, 28))
        approval_no = f"地字第330100{approved.year}{next(approvals):05d}号"
        land_use = HOMESTEAD_LAND_USE if homestead else PARCEL_USES[use][1]
        estate = (
            (division.name[:2] + rng.choice(("村", "社区"))) if homestead else estate_name(rng, use)
        )
        key = f"parcel:{i + 1:0{key_width}d}"
        parcels.append(
            Parcel(i, key, code, division, use, land_use, road, door, estate, ring, area,
                   approval_no, approved)
        )  # fmt: skip
    counts = [1] * n_parcels
    weights = list(itertools.accumulate(3 if p.use == "住宅" else 1 for p in parcels))
    for _ in range(max(0, n_buildings - n_parcels)):
        counts[bisect.bisect_left(weights, rng.random() * weights[-1])] += 1
    buildings: list[Building] = []
    for parcel, count in zip(parcels, counts, strict=True):
        homestead = parcel.land_use == HOMESTEAD_LAND_USE
        for no in range(1, count + 1):
            floors, rooms = _building_shape(rng, parcel.use, homestead)
            lon, lat = _point_in(rng, parcel.ring)
            completed = min(2024, parcel.approval_date.year + rng.randint(2, 5))
            idx = len(buildings)
            b = Building(
                idx, f"building:{idx + 1:0{key_width}d}", parcel, no,
                codes.unit_code(parcel.code, no), parcel.use, floors, rooms, lon, lat,
                completed, f"{parcel.estate}{no}幢",
            )  # fmt: skip
            b.capacity = floors * rooms
            b.stride = _coprime(rng, b.capacity)
            b.offset = rng.randrange(b.capacity)
            parcel.buildings.append(b)
            buildings.append(b)
    return parcels, buildings
