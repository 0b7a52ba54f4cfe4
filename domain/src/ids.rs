//! Typed identifiers, so an account id can never be passed where an organisation id is expected.
//!
//! Identifiers are generated outside the domain (it has no clock or randomness); they are UUIDs
//! (version 7 in practice, so that they sort by creation time).
use std::fmt;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies an organisation (a mediation committee, a court, …) of this instance.
    OrganizationId
);
id_type!(
    /// Identifies a user account of this instance.
    AccountId
);

id_type!(
    /// Identifies a mediation case.
    CaseId
);
id_type!(
    /// Identifies a document attached to a case.
    DocumentId
);
id_type!(
    /// Identifies the assignment of a technical investigator to a case.
    AssignmentId
);
id_type!(
    /// Identifies an application for judicial confirmation (司法确认申请).
    ApplicationId
);
