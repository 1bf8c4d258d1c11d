// The registry's codes that the console offers as choices or checks input against: subject
// types, queue reasons and statuses, the departments (sources) and the form of a subject id.
// Their labels live in i18n.js (name(group, code)); a code the console does not know is shown
// as it is.

export const TYPES = ["person", "enterprise", "building", "parcel"];
export const REASONS = [
  "review_band",
  "conflicting_identifiers",
  "judgement_conflict",
  "ambiguous_record",
  "look_alike",
  "dispute",
];
export const STATUSES = ["open", "decided", "unsure", "dismissed"];
export const SOURCES = [
  "hukou",
  "social_insurance",
  "marriage",
  "market_registry",
  "shareholders",
  "tax",
  "real_estate",
  "housing_buildings",
  "planning_redlines",
];
export const SUBJECT_ID = /^[PEBL]-[0-9]{1,12}$/;
