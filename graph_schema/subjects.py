"""pydantic models of the four subject types, in their normalised (canonical) form.

These are the boundary models: what a subject's attributes look like once the normalisers of
:mod:`graph_schema.normalize` have folded a department's raw values. The field list and levels
live in :mod:`graph_schema.fields`; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.subject_types import SubjectType

IsoDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", examples=["1990-01-31"])]
IdNumberStr = Annotated[str, Field(pattern=r"^\d{17}[\dX]$", examples=["11010519491231002X"])]
UsccStr = Annotated[
    str, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", examples=["91350100M000100Y43"])
]
UnitCodeStr = Annotated[str, Field(pattern=r"^[0-9A-Z]{28}$")]
ParcelCodeStr = Annotated[str, Field(pattern=r"^[0-9A-Z]{19}$")]


class SubjectBase(BaseModel):
    """Fields every subject type has."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    subject_type: ClassVar[SubjectType]

    identifiers: dict[str, str] = Field(
        default_factory=dict, description="other identifier schemes: scheme → value"
    )


class Person(SubjectBase):
    """A natural person (citizen or foreign resident)."""

    subject_type: ClassVar[SubjectType] = SubjectType.PERSON
    name: str | None = None
    family_name: str | None = None
    given_name: str | None = None
    id_number: IdNumberStr | None = None
    gender: Literal["M", "F"] | None = None
    birth_date: IsoDate | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    nationality: str | None = None


class Enterprise(SubjectBase):
    """A legal person: enterprise, institution or social organisation."""

    subject_type: ClassVar[SubjectType] = SubjectType.ENTERPRISE
    name: str | None = None
    uscc: UsccStr | None = None
    legal_rep_name: str | None = None
    legal_rep_id_number: IdNumberStr | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    registration_date: IsoDate | None = None
    status: str | None = None
    industry: str | None = None


class Building(SubjectBase):
    """A building, identified by the building part of its real-estate unit codes."""

    subject_type: ClassVar[SubjectType] = SubjectType.BUILDING
    building_code: UnitCodeStr | None = None
    address: str | None = None
    name: str | None = None
    floors: int | None = Field(default=None, ge=0, le=300)
    use: str | None = None
    location: str | None = Field(default=None, description="WKT POINT (lon lat), EPSG:4490")


class Parcel(SubjectBase):
    """A red-line land parcel (宗地), identified by its 19-character parcel code."""

    subject_type: ClassVar[SubjectType] = SubjectType.PARCEL
    parcel_code: ParcelCodeStr | None = None
    geometry: str | None = Field(default=None, description="WKT POLYGON, EPSG:4490")
    land_use: str | None = None
    area: float | None = Field(default=None, ge=0, description="square metres")
    approval_no: str | None = None


SubjectModel = Person | Enterprise | Building | Parcel

MODELS: dict[SubjectType, type[Person] | type[Enterprise] | type[Building] | type[Parcel]] = {
    SubjectType.PERSON: Person,
    SubjectType.ENTERPRISE: Enterprise,
    SubjectType.BUILDING: Building,
    SubjectType.PARCEL: Parcel,
}
