//! The names of the typology's types (issue 21, item 3): one use case for the types page
//! (`/analysis/types`) and `leernet typology name`, checked and audited the same way.
//!
//! A type is known by its networks, not its number: the clustering numbers its types anew
//! whenever the data change. A name is kept with the networks the type had when it was named
//! ([`leernet_core::TypeNaming`]), and the analysis gives it to the type that overlaps most
//! with them (`leernet_analysis::typology::apply_researchers_names`).

use leernet_analysis::Typology;
use leernet_core::{Bilingual, TypeNaming};
use leernet_store::{Action, Actor, AuditSubject, NewAudit, Store, StoreError};

/// The longest name a type may have, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Why a name was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum TypeNameError {
    /// The study's figures have no typology (no network questionnaire answered, or too few
    /// networks to cluster).
    #[error("the study's figures have no typology yet")]
    NoTypology,
    /// No type has that number.
    #[error("there is no type {number}; the typology has {k} types")]
    NoType { number: usize, k: usize },
    /// The Dutch name is empty.
    #[error("a type's name may not be empty")]
    Empty,
    /// A name is longer than [`MAX_NAME_CHARS`] or holds a line break or other control
    /// character.
    #[error("a type's name is at most {MAX_NAME_CHARS} characters on one line")]
    TooLong,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A checked name in both languages: the Dutch one required, the English one the Dutch when
/// left empty; both trimmed, on one line, at most [`MAX_NAME_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName(Bilingual);

impl TypeName {
    /// Checks a name given in Dutch and (optionally) English.
    pub fn parse(nl: &str, en: &str) -> Result<Self, TypeNameError> {
        let check = |s: &str| -> Result<String, TypeNameError> {
            let s = s.trim();
            if s.chars().count() > MAX_NAME_CHARS || s.chars().any(char::is_control) {
                return Err(TypeNameError::TooLong);
            }
            Ok(s.to_owned())
        };
        let nl = check(nl)?;
        if nl.is_empty() {
            return Err(TypeNameError::Empty);
        }
        let en = check(en)?;
        let en = if en.is_empty() { nl.clone() } else { en };
        Ok(TypeName(Bilingual { nl, en }))
    }

    /// The name in both languages.
    pub fn as_bilingual(&self) -> &Bilingual {
        &self.0
    }
}

/// Names type `number` of `typology` (the figures the researcher saw), or with `None` gives
/// it back the name of the rules in `content/typology.toml`; every earlier name of the same
/// networks is replaced. Writes an audit entry (`typology.name`, the type's number and size).
pub async fn name_type(
    store: &Store,
    typology: Option<&Typology>,
    number: usize,
    name: Option<&TypeName>,
    actor: &Actor,
    at: i64,
) -> Result<(), TypeNameError> {
    let typology = typology
        .filter(|t| t.computed)
        .ok_or(TypeNameError::NoTypology)?;
    let ty = typology
        .types
        .iter()
        .find(|t| t.number == number)
        .ok_or(TypeNameError::NoType {
            number,
            k: typology.types.len(),
        })?;
    let mut networks = ty.networks.clone();
    networks.sort();
    let mut names = store.type_names().await?;
    names.retain(|n| n.overlap(&networks) < 0.5);
    if let Some(name) = name {
        names.push(TypeNaming {
            networks: networks.clone(),
            name: name.as_bilingual().clone(),
        });
    }
    store.set_type_names(&names).await?;
    store
        .audit(&NewAudit {
            at,
            actor: actor.clone(),
            action: Action::TypeName,
            subject: AuditSubject::Project,
            detail: format!(
                "type={number} networks={} named={}",
                networks.len(),
                if name.is_some() { "1" } else { "0" }
            ),
        })
        .await?;
    Ok(())
}
