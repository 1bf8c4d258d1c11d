"""Training from the data alone: u from random pairs, m by EM, the same model however the
random pairs were computed."""

from __future__ import annotations

import random
from typing import Any

import pytest

from graph_schema.subject_types import SubjectType
from resolution.blocking import blocking_keys, candidate_pairs
from resolution.training import sample_random_patterns, train_model

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def _people(n: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        born = f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        phone = f"139{i:08d}"
        for copy in range(2):
            record = {"name": name, "birth_date": born, "phone": phone, "gender": "M"}
            if copy and rng.random() < 0.3:
                record["phone"] = f"137{i:08d}"
            out.append(record)
    return out


@pytest.fixture(scope="module")
def people() -> list[dict[str, Any]]:
    return _people(300)


def _pairs(records: list[dict[str, Any]]) -> list[tuple[int, int]]:
    keyed = ((i, blocking_keys(SubjectType.PERSON, r)) for i, r in enumerate(records))
    return sorted(candidate_pairs(keyed)[0])


def test_random_pairs_computed_elsewhere_give_the_same_model(
    people: list[dict[str, Any]],
) -> None:
    pairs = _pairs(people)
    inline = train_model(SubjectType.PERSON, people, pairs)
    randoms = sample_random_patterns(SubjectType.PERSON, people)
    given = train_model(SubjectType.PERSON, people, pairs, random_pairs=randoms)
    assert given == inline
    assert randoms.total() <= 50 * len(people)  # a small type samples fewer pairs


def test_the_trained_model_tells_the_copies_apart_from_strangers(
    people: list[dict[str, Any]],
) -> None:
    model = train_model(SubjectType.PERSON, people, _pairs(people))
    name = model.features["name"].levels
    assert name["exact"].m > 0.9 > name["exact"].u * 100  # copies agree, strangers rarely do
    assert model.level_weight("name", "exact") > 0 > model.level_weight("name", "different")
    for feature in model.features.values():
        assert sum(level.u for level in feature.levels.values()) == pytest.approx(1.0)
