//! `GET /analysis/types`: the typology's types for researchers — each type's name, what sets
//! it apart, its networks and its largest differences — and `POST
//! /analysis/types/{number}/name`, where a researcher names a type (or gives it back the name
//! of the rules in `content/typology.toml`). The name then stands wherever the type appears:
//! the profiles, the handreikingen and the report.
//!
//! Thin: the form is parsed into [`NameForm`] and checked into a
//! [`leernet_app::typology::TypeName`]; the use case (`leernet_app::typology::name_type`) stores
//! it with the type's networks and audits it, as `leernet typology name` does.

use crate::auth::Visitor;
use crate::form::HtmlForm;
use crate::pages::WaveQuery;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leernet_app::typology::{TypeName, TypeNameError};
use leernet_core::Role;
use std::sync::Arc;

const RESEARCHER: &[Role] = &[Role::Researcher];

/// The posted name form, as text.
#[derive(Debug, serde::Deserialize)]
pub struct NameForm {
    csrf_token: Option<String>,
    #[serde(default)]
    name_nl: String,
    #[serde(default)]
    name_en: String,
    /// Present when the researcher gives the type back its rules' name.
    #[serde(default)]
    reset: Option<String>,
    /// The waves the figures the researcher saw rest on (`?wave=`), kept by the form.
    #[serde(default)]
    wave: Option<String>,
}

/// What a name form asks for: a new name, or the rules' name back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Naming {
    Name(TypeName),
    Reset,
}

impl TryFrom<&NameForm> for Naming {
    type Error = TypeNameError;

    fn try_from(f: &NameForm) -> Result<Self, TypeNameError> {
        if f.reset.is_some() {
            return Ok(Naming::Reset);
        }
        TypeName::parse(&f.name_nl, &f.name_en).map(Naming::Name)
    }
}

/// `GET /analysis/types`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    v.require(RESEARCHER)?;
    render_page(&state, &v, &wave, None, StatusCode::OK).await
}

/// `POST /analysis/types/{number}/name`.
pub async fn name(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(number): Path<String>,
    HtmlForm(f): HtmlForm<NameForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    // a type's number is small: anything else names no type
    let Some(number) = number.parse::<u16>().ok().map(usize::from) else {
        return Err(AppError::NotFound(lang));
    };
    let wave = WaveQuery::from_choice(f.wave.clone());
    let naming = match Naming::try_from(&f) {
        Ok(n) => n,
        Err(e) => {
            return refused(&state, &v, &wave, &f, number, &e).await;
        }
    };
    let fig = crate::pages::figures_on(&state, lang, &wave).await?;
    let name = match &naming {
        Naming::Name(n) => Some(n),
        Naming::Reset => None,
    };
    match leernet_app::typology::name_type(
        &state.store,
        fig.typology.as_ref(),
        number,
        name,
        &leernet_store::Actor::Person(user.id),
        state.clock.unix_seconds(),
    )
    .await
    {
        Ok(()) => {}
        Err(TypeNameError::Store(e)) => return Err(e.into()),
        Err(TypeNameError::NoType { .. } | TypeNameError::NoTypology) => {
            return Err(AppError::NotFound(lang))
        }
        Err(e) => {
            return refused(&state, &v, &wave, &f, number, &e).await;
        }
    }
    let query = crate::pages::wave_query(&fig);
    Ok(Redirect::to(&state.link(&format!("/analysis/types{query}#type-{number}"))).into_response())
}

/// The page again with the form's error, what was typed kept (422).
async fn refused(
    state: &Arc<AppState>,
    v: &Visitor,
    wave: &WaveQuery,
    f: &NameForm,
    number: usize,
    e: &TypeNameError,
) -> Result<Response, AppError> {
    let problem = Problem {
        number,
        key: message_key(e),
        nl: f.name_nl.clone(),
        en: f.name_en.clone(),
    };
    render_page(
        state,
        v,
        wave,
        Some(problem),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A refused name: which type, the message's key, and what was typed.
struct Problem {
    number: usize,
    key: &'static str,
    nl: String,
    en: String,
}

fn message_key(e: &TypeNameError) -> &'static str {
    match e {
        TypeNameError::Empty => "types_ui.name_empty",
        _ => "types_ui.name_too_long",
    }
}

async fn render_page(
    state: &Arc<AppState>,
    v: &Visitor,
    wave: &WaveQuery,
    problem: Option<Problem>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let fig = crate::pages::figures_on(state, lang, wave).await?;
    let own = state.store.type_names().await?;
    let t = state.reports.catalog().table(lang);
    let typology = fig.typology.as_ref();
    let computed = typology.is_some_and(|t| t.computed);
    let types: Vec<minijinja::Value> = typology
        .filter(|t| t.computed)
        .map(|ty| {
            ty.types
                .iter()
                .map(|tp| {
                    let mut members = tp.networks.clone();
                    members.sort();
                    // named by a researcher: a naming of these networks gave it this name
                    let named = own
                        .iter()
                        .any(|n| n.name == tp.name && n.overlap(&members) >= 0.5);
                    let here = problem.as_ref().filter(|p| p.number == tp.number);
                    minijinja::context! {
                        number => tp.number,
                        name => tp.name.get(lang).to_owned(),
                        name_nl => here.map(|p| p.nl.clone()).unwrap_or_else(|| tp.name.nl.clone()),
                        name_en => here.map(|p| p.en.clone()).unwrap_or_else(|| tp.name.en.clone()),
                        error => here.and_then(|p| t.get(p.key).cloned()),
                        named => named,
                        description => tp.description.get(lang).to_owned(),
                        size => tp.size,
                        networks => tp.names.clone(),
                        rows => tp.rows.iter().take(ty.report_rows.max(1)).map(|r| r.text.get(lang).to_owned()).collect::<Vec<_>>(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let errors: Vec<minijinja::Value> = problem
        .as_ref()
        .map(|p| {
            vec![minijinja::context! {
                field => format!("name-nl-{}", p.number),
                message => t.get(p.key).cloned().unwrap_or_default(),
            }]
        })
        .unwrap_or_default();
    let mut response = crate::page::render(
        state,
        v,
        "types.html",
        minijinja::context! {
            computed => computed,
            message => typology.and_then(|t| t.message.as_ref()).map(|m| m.get(lang).to_owned()),
            method => typology.filter(|t| t.computed).map(|t| t.description.get(lang).to_owned()),
            n => typology.map(|t| t.n).unwrap_or(0),
            types => types,
            errors => errors,
            wave => fig.waves.chosen.clone(),
            wave_bases => minijinja::Value::from_serialize(&fig.waves.bases),
            waves => crate::profile::waves_view(&fig, lang),
            wave_q => crate::pages::wave_query(&fig),
            max_chars => leernet_app::typology::MAX_NAME_CHARS,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(nl: &str, en: &str, reset: bool) -> NameForm {
        NameForm {
            csrf_token: None,
            name_nl: nl.into(),
            name_en: en.into(),
            reset: reset.then(String::new),
            wave: None,
        }
    }

    #[test]
    fn a_name_form_is_checked_into_a_naming() {
        let Naming::Name(n) = Naming::try_from(&form("  Samen sturen ", "", false)).unwrap() else {
            panic!("a name")
        };
        assert_eq!(n.as_bilingual().nl, "Samen sturen");
        assert_eq!(
            n.as_bilingual().en,
            "Samen sturen",
            "English falls back on Dutch"
        );
        assert_eq!(
            Naming::try_from(&form("", "", true)).unwrap(),
            Naming::Reset
        );
        assert!(matches!(
            Naming::try_from(&form(" ", "Steering", false)),
            Err(TypeNameError::Empty)
        ));
        assert!(matches!(
            Naming::try_from(&form(&"x".repeat(81), "", false)),
            Err(TypeNameError::TooLong)
        ));
        assert!(matches!(
            Naming::try_from(&form("twee\nregels", "", false)),
            Err(TypeNameError::TooLong)
        ));
        assert!(Naming::try_from(&form(&"é".repeat(80), "", false)).is_ok());
    }
}
