//! Who may work on a case, and what a case's documents may be and be called.
use crate::account::Role;
use crate::validation::{Invalid, bounded_text};
use crate::{OrganizationId, Status};

/// Only an active mediator of the organisation handling the case may be assigned to it.
///
/// # Errors
/// `not_a_mediator_here`.
pub fn check_assignee(
    role: Role,
    organization_id: OrganizationId,
    status: Status,
    handling_organization: OrganizationId,
) -> Result<(), Invalid> {
    if role == Role::Mediator
        && organization_id == handling_organization
        && status == Status::Active
    {
        Ok(())
    } else {
        Err(Invalid::new(
            "not_a_mediator_here",
            "an active mediator of the organisation handling the case",
        ))
    }
}

/// An uploaded file has content.
///
/// # Errors
/// `required` for an empty file.
pub fn check_content(content: &[u8]) -> Result<(), Invalid> {
    if content.is_empty() {
        Err(Invalid::new("required", "the file is empty"))
    } else {
        Ok(())
    }
}

/// A document's file name as uploaded: 1 to 200 characters, no directories, no control
/// characters (it is offered back in `Content-Disposition`).
///
/// # Errors
/// `required`, `too_long`, `invalid_characters` or `invalid_format`.
pub fn filename(name: &str) -> Result<String, Invalid> {
    let name = bounded_text(name, 200)?;
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        Err(Invalid::new(
            "invalid_format",
            "a file name, without directories",
        ))
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn only_active_mediators_of_the_handling_organisation_are_assignable() {
        let (here, there) = (
            OrganizationId::from(Uuid::from_u128(1)),
            OrganizationId::from(Uuid::from_u128(2)),
        );
        assert!(check_assignee(Role::Mediator, here, Status::Active, here).is_ok());
        assert!(check_assignee(Role::Mediator, there, Status::Active, here).is_err());
        assert!(check_assignee(Role::Mediator, here, Status::Disabled, here).is_err());
        assert!(check_assignee(Role::Auditor, here, Status::Active, here).is_err());
    }

    #[test]
    fn file_names_have_no_directories() {
        assert_eq!(filename(" 证据.pdf ").unwrap(), "证据.pdf");
        for bad in ["../etc/passwd", "a\\\\b", "..", "", "a\u{0}b"] {
            assert!(filename(bad).is_err(), "{bad:?} accepted");
        }
    }
}
