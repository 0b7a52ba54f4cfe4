//! Keyset pages as the application layer answers them: the adapters decode a cursor into a
//! [`PageRequest`] and encode a [`Page`]'s `next_after` back.
pub use ipdr_persistence::repo::{Page, PageRequest};
