//! sea-orm entities, one file per table. Enumerations are stored as their stable lower-case names
//! (the domain's `as_str`), so the tables read well in SQL and need no database enum types.
pub mod accounts;
pub mod organizations;
pub mod signing_keys;
