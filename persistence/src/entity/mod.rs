//! sea-orm entities, one file per table. Enumerations are stored as their stable lower-case names
//! (the domain's `as_str`), so the tables read well in SQL and need no database enum types.
pub mod accounts;
pub mod agreement_signatures;
pub mod blobs;
pub mod calendar_years;
pub mod case_agreements;
pub mod case_assignments;
pub mod case_deadlines;
pub mod case_documents;
pub mod case_events;
pub mod case_number_counters;
pub mod case_parties;
pub mod case_search_terms;
pub mod cases;
pub mod confirmation_applications;
pub mod idempotency_keys;
pub mod investigator_assignments;
pub mod investigator_conflicts;
pub mod investigators;
pub mod opinion_documents;
pub mod organizations;
pub mod signing_keys;
pub mod superseded_agreements;
pub mod technical_opinions;
