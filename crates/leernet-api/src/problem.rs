//! RFC 9457 problem details: every error of the API is one, as `application/problem+json`,
//! titled in the language the client asks for (`Accept-Language`, Dutch unless English is
//! asked), from the `[api]` section of the catalogue.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leernet_core::i18n::Catalog;
use leernet_core::Lang;
use serde::Serialize;
use std::sync::OnceLock;
use utoipa::ToSchema;

/// A problem `type` URI: a tag URI (RFC 4151) per kind, which names the kind without
/// pretending to be a page.
macro_rules! problem_type {
    ($kind:literal) => {
        concat!("tag:leernet.org,2026:problem/", $kind)
    };
}

/// The `type` of a problem made for a status alone (by axum or a layer).
fn kind_of_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => problem_type!("too-large"),
        StatusCode::METHOD_NOT_ALLOWED => problem_type!("method-not-allowed"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => problem_type!("unsupported-media-type"),
        StatusCode::NOT_FOUND => problem_type!("not-found"),
        s if s.is_server_error() => problem_type!("internal"),
        _ => problem_type!("bad-request"),
    }
}

/// The media type of a problem detail.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The catalogue of the API's texts (the shipped `locales/*.toml`).
pub fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| {
        Catalog::from_toml(
            include_str!("../../../locales/nl.toml"),
            include_str!("../../../locales/en.toml"),
        )
        .expect("the shipped catalogues are complete (tested)")
    })
}

/// The language of a request's problem details: English when `Accept-Language` starts with
/// a form of English, else Dutch.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).next())
        .and_then(|first| Lang::parse(first.trim()).ok())
        .unwrap_or(Lang::Nl)
}

/// One problem with a submitted response or an imported file (422): where it is and what
/// is wrong.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq, Default)]
pub struct FieldProblem {
    /// The response it is about: its index in the request's `responses` (from 0); absent
    /// for a problem of the whole request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The row of an imported file (1-based, as a spreadsheet shows it; the header is row 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The column of an imported file, by its header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The question (or `network`) it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// An RFC 9457 problem detail.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// What kind of problem it is, one URI per kind (`tag:leernet.org,2026:problem/not-found`,
    /// …; the list is in `docs/api.md`); stable, so a program can tell kinds apart without
    /// reading the title.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Every problem with the submitted responses (422 only).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<FieldProblem>,
}

/// What went wrong, before it is put in words.
#[derive(Debug)]
pub enum ApiError {
    /// No token, or one nobody has (401).
    Unauthorized,
    Expired,
    Revoked,
    /// A read token on a write route (403).
    Forbidden,
    /// Does not exist, or is not the caller's (404; the same answer for both).
    NotFound,
    /// A tampered or foreign page cursor (400).
    BadCursor,
    /// A query parameter that is not valid (400).
    BadQuery,
    /// An `updated_since` that is not an RFC 3339 time with its offset (400).
    BadTime,
    /// The responses break the form's rules (422).
    Invalid(Vec<FieldProblem>),
    /// The token's rate is used up: try again after so many seconds (429).
    TooMany(u64),
    /// A write to an archived study, which can be read but not changed (409).
    Archived,
    /// A `wave` that names no wave of the study (400): the study's waves, by name.
    UnknownWave(String),
    /// A failure of the server (500); the cause is logged, never shown.
    Internal(String),
    /// A request axum could not read (a body that is not JSON, too large, …): its status.
    Status(StatusCode),
}

impl ApiError {
    /// An internal error from any cause (logged with the request's span, not shown).
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }

    /// The problem detail in `lang`.
    pub fn problem(&self, lang: Lang) -> (StatusCode, Problem) {
        let c = catalog();
        let t = |k: &str| c.t(lang, &format!("api.{k}"));
        let (status, title, detail) = match self {
            ApiError::Status(s) => {
                let p = for_status(*s, lang);
                (*s, p.title, p.detail)
            }
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                t("unauthorized"),
                t("unauthorized_detail"),
            ),
            ApiError::Expired => (StatusCode::UNAUTHORIZED, t("expired"), t("expired_detail")),
            ApiError::Revoked => (StatusCode::UNAUTHORIZED, t("revoked"), t("revoked_detail")),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, t("forbidden"), t("forbidden_detail")),
            ApiError::NotFound => (StatusCode::NOT_FOUND, t("not_found"), t("not_found_detail")),
            ApiError::BadCursor => (StatusCode::BAD_REQUEST, t("bad_request"), t("bad_cursor")),
            ApiError::BadQuery => (StatusCode::BAD_REQUEST, t("bad_request"), t("bad_query")),
            ApiError::BadTime => (StatusCode::BAD_REQUEST, t("bad_request"), t("bad_time")),
            ApiError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                t("invalid"),
                t("invalid_detail"),
            ),
            ApiError::TooMany(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                t("too_many"),
                t("too_many_detail"),
            ),
            ApiError::Archived => (StatusCode::CONFLICT, t("archived"), t("archived_detail")),
            ApiError::UnknownWave(known) => (
                StatusCode::BAD_REQUEST,
                t("unknown_wave"),
                t("unknown_wave_detail").replace("{known}", known),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                t("internal"),
                t("internal_detail"),
            ),
        };
        let errors = match self {
            ApiError::Invalid(e) => e.clone(),
            _ => Vec::new(),
        };
        (
            status,
            Problem {
                kind: self.kind().into(),
                title,
                status: status.as_u16(),
                detail,
                errors,
            },
        )
    }

    /// The `type` URI of this kind of problem.
    fn kind(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => problem_type!("unauthorized"),
            ApiError::Expired => problem_type!("token-expired"),
            ApiError::Revoked => problem_type!("token-revoked"),
            ApiError::Forbidden => problem_type!("write-scope-needed"),
            ApiError::NotFound => problem_type!("not-found"),
            ApiError::BadCursor => problem_type!("bad-cursor"),
            ApiError::BadQuery => problem_type!("bad-query"),
            ApiError::BadTime => problem_type!("bad-time"),
            ApiError::Invalid(_) => problem_type!("invalid"),
            ApiError::TooMany(_) => problem_type!("too-many-requests"),
            ApiError::Archived => problem_type!("study-archived"),
            ApiError::UnknownWave(_) => problem_type!("unknown-wave"),
            ApiError::Internal(_) => problem_type!("internal"),
            ApiError::Status(s) => kind_of_status(*s),
        }
    }

    /// The response in `lang`.
    pub fn respond(self, lang: Lang) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "the API could not answer");
        }
        let (status, p) = self.problem(lang);
        let mut r = problem_response(status, &p);
        if let ApiError::TooMany(secs) = self {
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}

/// A problem detail as a response.
pub fn problem_response(status: StatusCode, p: &Problem) -> Response {
    let body = serde_json::to_vec(p).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body,
    )
        .into_response()
}

/// The problem detail for an error response that a layer or axum made without one (a body
/// over the limit, a body that is not JSON, a method the route does not have): its status,
/// with the catalogue's words for it.
pub fn for_status(status: StatusCode, lang: Lang) -> Problem {
    let c = catalog();
    let t = |k: &str| c.t(lang, &format!("api.{k}"));
    let (title, detail) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (t("too_large"), t("too_large_detail")),
        StatusCode::METHOD_NOT_ALLOWED => (t("bad_method"), t("not_found_detail")),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (t("unsupported"), t("unsupported_detail")),
        StatusCode::NOT_FOUND => (t("not_found"), t("not_found_detail")),
        s if s.is_server_error() => (t("internal"), t("internal_detail")),
        _ => (t("bad_request"), t("bad_query")),
    };
    Problem {
        kind: kind_of_status(status).into(),
        title,
        status: status.as_u16(),
        detail,
        errors: Vec::new(),
    }
}
