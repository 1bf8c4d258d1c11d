"""Per-attribute comparators: a pair of normalised values → one of a few comparison levels.

Records reach the engine as the ``values`` of :func:`graph_schema.normalize.normalize_fields`.
Every :class:`Feature` reads one value key from both records and returns ``(level, left,
right)``; the level is ``missing`` when either side lacks the value. Levels run from the
strongest agreement to the strongest disagreement. Comparators are pure and picklable
(module-level functions behind :func:`functools.partial`); parsed values are memoised in
bounded module-level caches. Equal values always give the first level.

=====================  ==================================================================
feature (types)        levels, strongest agreement first
=====================  ==================================================================
id_number (person),    ``exact`` (decisive match); ``legacy_equal`` — a raw 15-digit value
legal_rep_id_number    equals the other after 15→18 conversion (decisive match for
(enterprise)           id_number); ``one_typo`` — one substitution; ``transposition`` —
                       one adjacent swap; ``different`` (decisive non-match for id_number:
                       both are valid national ids)
uscc (enterprise),     ``exact`` (decisive); ``one_typo``; ``transposition``; ``different``
parcel_code (parcel)   (decisive non-match)
approval_no (parcel)   same levels as uscc, not decisive
building_code          compared on the 24-character building part (parcel + F + building
(building)             no.): ``exact`` (decisive); ``one_typo``; ``transposition``;
                       ``same_parcel`` — only the 19-character parcel code agrees;
                       ``different`` (decisive non-match)
name, legal_rep_name   ``exact``; ``variant`` — equal after normalisation (traditional →
(person names)         simplified, width, spacing, case, 买买提·艾力/买买提艾力, Xiao Ming /
                       Xiaoming; values are normally already normalised, so this is rare);
                       ``swapped`` — family/given order (张伟/伟张, Zhang Wei/Wei Zhang,
                       艾力·买买提); ``cross_script`` — Han vs Latin, same order-free
                       syllables (张伟/ZHANG Wei); ``homophone`` — same pinyin (张伟/章伟);
                       ``one_char`` — Han, same length ≥ 3, one character differs
                       (张伟明/张伟民; in two-character names that is half the name →
                       ``different``); ``nickname`` — Bob/Robert, Liz/Elizabeth …;
                       ``jaro_winkler`` — Latin Jaro–Winkler ≥ 0.92 (either token order);
                       ``token_set`` — rapidfuzz token-set ratio ≥ 90 (John Smith / John
                       Michael Smith); ``initials`` — J. Smith / John Smith; ``different``
birth_date (person)    ``exact``; ``day_month_swapped``; ``year_off_by_one`` (same month and
                       day); ``partial`` — same year and the months do not contradict (one
                       side partial, or same year-month); ``different``
gender (person)        ``same``; ``different``
phone                  ``exact``; ``same_local`` — same number with one side lacking its
                       area code or extension; ``one_typo`` — same last 8 digits, one
                       substitution or adjacent swap; ``different``
email (person)         ``exact``; ``same_local_part`` — other domain; ``different``
address                component-wise: ``same_room`` (district/road/number/building/unit/
                       room); ``same_building``; ``same_number`` (road + door number, or
                       estate without numbers); ``same_road``; ``same_district``;
                       ``different``. A district known on one side only does not count
                       against; contradicting districts, cities or provinces → different.
                       Non-Chinese addresses: equal word tokens → same_room, else different
identifiers (person)   ``exact`` — a shared scheme (passport …) has equal values;
                       ``cross_scheme`` — a value recurs under another scheme name;
                       ``different`` — shared schemes disagree; missing when nothing shared
name (enterprise)      ``exact``; ``same_core`` — core and branch equal, place prefix and
                       legal form ignored; ``fuzzy_core`` — core ratio ≥ 90, same branch;
                       ``different``; ``other_branch`` — same core, branch differs or only
                       one side has one (a branch is another legal person: strong negative)
name (building)        ``exact``; ``similar`` (ratio ≥ 85); ``different``
location (building)    ``within_30m``; ``within_150m``; ``far`` (haversine)
geometry (parcel)      ``same_shape`` (IoU ≥ 0.9); ``overlap`` (shared area > 0);
                       ``disjoint``
=====================  ==================================================================

:func:`point_in_polygon` is exported for the engine's building → parcel derivation.
"""

from resolution.comparators.base import MISSING, Feature, field_compare, is_missing
from resolution.comparators.features import FEATURES, FEATURES_BY_NAME, compare_records
from resolution.comparators.geometry import haversine_m, point_in_polygon

__all__ = [
    "FEATURES",
    "FEATURES_BY_NAME",
    "MISSING",
    "Feature",
    "compare_records",
    "field_compare",
    "haversine_m",
    "is_missing",
    "point_in_polygon",
]
