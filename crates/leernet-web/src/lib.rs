//! leernet-web: the web app — server-rendered pages in Dutch and English, read from the store.
//!
//! Why it exists: researchers, facilitators and members use leernet in the browser. The app
//! holds no state of its own beyond what [`AppState`] wraps (the store, templates and the
//! catalogue, and caches of what the store holds: parsed forms, and the study's figures
//! with the data generation they were computed for), so several instances can serve one
//! PostgreSQL database.
//!
//! Invariants:
//! - every HTML response carries the security headers of PRODUCT.md ("HTTP surface");
//! - no inline script or style (the Content-Security-Policy forbids them);
//! - every page exists in Dutch and English (Dutch unless the visitor chose English);
//! - errors show a friendly page; the cause goes to the log, never answer text.

mod access;
mod admin;
mod audit;
pub mod auth;
mod coding;
mod error;
mod figures;
mod form;
mod home;
pub mod import_export;
mod instruments;
mod lang;
pub mod mail;
pub mod notify;
pub mod observe;
mod page;
mod pages;
mod people;
pub mod portal;
mod portal_admin;
pub use leernet_app::accounts::password;
mod profile;
mod qca;
mod reset;
mod structure;
pub mod survey;
mod tokens;
mod types;
mod wave_actions;
pub mod workspace;

use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use leernet_analysis::{Overview, ProjectContent};
use leernet_core::i18n::Catalog;
use leernet_core::{InstrumentId, Lang, SharedClock};
use leernet_store::Store;
use leernet_xlsform::Form;
use minijinja::Environment;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use error::AppError;
pub use lang::PageLang;
pub use portal::{Portal, StudyOptions};

/// What every request handler shares.
pub struct AppState {
    pub store: Store,
    pub overview: Overview,
    /// The content the analysis runs with (the project's `content/` over the shipped files).
    pub content: ProjectContent,
    catalog: Catalog,
    /// The catalogue's tables (Dutch, English) as template values, converted once.
    catalog_values: [minijinja::Value; 2],
    env: Environment<'static>,
    /// Cookies get `Secure` (the app is served over HTTPS).
    pub secure_cookies: bool,
    /// The address respondents reach the app at (for the links in the CSV), when known.
    pub public_url: Option<String>,
    /// Instruments read once: forms are immutable per instrument version.
    forms: Mutex<HashMap<InstrumentId, CachedForm>>,
    /// The mailer of `[smtp]`, when configured (invitations by e-mail).
    pub mailer: Option<Arc<mail::Mailer>>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`server.trusted_proxies`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Held while the workspace outbox is being sent (one send at a time).
    notify_lock: tokio::sync::Mutex<()>,
    /// The study's figures, computed once per data generation and wave choice
    /// (`leernet_app::figures`), shared with the JSON API when the portal is given the
    /// installation's caches.
    figures: Arc<leernet_app::figures::FigureCache>,
    /// The report and handreiking templates with their catalogue, parsed once.
    reports: leernet_report::Reports,
    /// The one clock every handler reads the time from (`leernet_core::clock`).
    pub clock: SharedClock,
    /// Where this study's pages are: `/studies/{slug}` when the app serves an installation
    /// (`portal.rs`), empty when it serves one store on its own. Every study link of a page
    /// and every redirect starts with it ([`AppState::link`]).
    base: String,
    /// The installation's own pages (login, the list of studies): no study menu.
    front: bool,
    /// Who may log in, and their role here: the installation's accounts, sessions and roles
    /// in this study when the app serves an installation; otherwise the store's own.
    accounts: Option<StudyAccounts>,
}

/// The installation behind a study's pages: accounts, sessions and the login throttle are
/// the installation's (one login for every study), and a person's role here is their role
/// in `study` there (the study's `persons` row is only its projection).
#[derive(Debug, Clone)]
pub struct StudyAccounts {
    pub installation: leernet_store::Installation,
    pub study: leernet_store::StudyId,
}

impl AppState {
    /// Builds the state around a store, with the shipped overview, templates and catalogue;
    /// every time the app records or compares is read from `clock`.
    pub fn new(store: Store, clock: SharedClock) -> AppState {
        let mut env = Environment::new();
        // A name a template does not get is an error, not an empty string: a typo fails a
        // test instead of rendering nothing.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // A column header with soft hyphens between its long words' syllables (the report's
        // rule), so a narrow column on a phone wraps at a syllable, never anywhere in a word.
        env.add_filter("syllables", |h: String, lang: String| {
            let lang = leernet_core::Lang::parse(&lang).ok();
            minijinja::Value::from_safe_string(leernet_report::render_html::header_text(&h, lang))
        });
        for (name, src) in [
            ("base.html", include_str!("../templates/base.html")),
            ("overview.html", include_str!("../templates/overview.html")),
            ("networks.html", include_str!("../templates/networks.html")),
            ("network.html", include_str!("../templates/network.html")),
            ("error.html", include_str!("../templates/error.html")),
            ("login.html", include_str!("../templates/login.html")),
            (
                "instruments.html",
                include_str!("../templates/instruments.html"),
            ),
            // a questionnaire's check, preview and test links (issue 18, item 2)
            (
                "instrument.html",
                include_str!("../templates/instrument.html"),
            ),
            ("my.html", include_str!("../templates/my.html")),
            ("waves.html", include_str!("../templates/waves.html")),
            ("wave.html", include_str!("../templates/wave.html")),
            (
                "wave_revoke.html",
                include_str!("../templates/wave_revoke.html"),
            ),
            ("response.html", include_str!("../templates/response.html")),
            ("import.html", include_str!("../templates/import.html")),
            (
                "import_export.html",
                include_str!("../templates/import_export.html"),
            ),
            ("audit.html", include_str!("../templates/audit.html")),
            ("qca.html", include_str!("../templates/qca.html")),
            ("types.html", include_str!("../templates/types.html")),
            ("survey.html", include_str!("../templates/survey.html")),
            ("ws_nav.html", include_str!("../templates/ws_nav.html")),
            (
                "waves_switch.html",
                include_str!("../templates/waves_switch.html"),
            ),
            (
                "ws_networks.html",
                include_str!("../templates/ws_networks.html"),
            ),
            (
                "ws_methods.html",
                include_str!("../templates/ws_methods.html"),
            ),
            ("ws_home.html", include_str!("../templates/ws_home.html")),
            (
                "ws_sessions.html",
                include_str!("../templates/ws_sessions.html"),
            ),
            (
                "ws_settings.html",
                include_str!("../templates/ws_settings.html"),
            ),
            (
                "ws_handles.html",
                include_str!("../templates/ws_handles.html"),
            ),
            (
                "ws_uptake.html",
                include_str!("../templates/ws_uptake.html"),
            ),
            (
                "ws_profile_response.html",
                include_str!("../templates/ws_profile_response.html"),
            ),
            (
                "member_check.html",
                include_str!("../templates/member_check.html"),
            ),
            (
                "ws_figures.html",
                include_str!("../templates/ws_figures.html"),
            ),
            (
                "ws_session.html",
                include_str!("../templates/ws_session.html"),
            ),
            (
                "ws_agenda.html",
                include_str!("../templates/ws_agenda.html"),
            ),
            (
                "ws_questions.html",
                include_str!("../templates/ws_questions.html"),
            ),
            (
                "ws_stories.html",
                include_str!("../templates/ws_stories.html"),
            ),
            (
                "coding_index.html",
                include_str!("../templates/coding_index.html"),
            ),
            (
                "coding_assignment.html",
                include_str!("../templates/coding_assignment.html"),
            ),
            (
                "coding_answer.html",
                include_str!("../templates/coding_answer.html"),
            ),
            (
                "coding_disagreements.html",
                include_str!("../templates/coding_disagreements.html"),
            ),
            (
                "coding_agreement.html",
                include_str!("../templates/coding_agreement.html"),
            ),
            (
                "coding_slow.html",
                include_str!("../templates/coding_slow.html"),
            ),
            (
                "coding_codebook.html",
                include_str!("../templates/coding_codebook.html"),
            ),
            (
                "coding_codebook_version.html",
                include_str!("../templates/coding_codebook_version.html"),
            ),
            (
                "coding_code_fields.html",
                include_str!("../templates/coding_code_fields.html"),
            ),
            (
                "coding_search.html",
                include_str!("../templates/coding_search.html"),
            ),
            // documents in the browser and coding them (issue 20)
            (
                "coding_documents.html",
                include_str!("../templates/coding_documents.html"),
            ),
            (
                "coding_document.html",
                include_str!("../templates/coding_document.html"),
            ),
            (
                "coding_document_code.html",
                include_str!("../templates/coding_document_code.html"),
            ),
            (
                "coding_document_disagreements.html",
                include_str!("../templates/coding_document_disagreements.html"),
            ),
            (
                "coding_differences.html",
                include_str!("../templates/coding_differences.html"),
            ),
            (
                "coding_workbench.html",
                include_str!("../templates/coding_workbench.html"),
            ),
            (
                "coding_document_attrs.html",
                include_str!("../templates/coding_document_attrs.html"),
            ),
            // Retrieval (issue 20, data side).
            (
                "coding_passages.html",
                include_str!("../templates/coding_passages.html"),
            ),
            (
                "coding_matrix.html",
                include_str!("../templates/coding_matrix.html"),
            ),
            (
                "coding_cooccurrence.html",
                include_str!("../templates/coding_cooccurrence.html"),
            ),
            (
                "survey_message.html",
                include_str!("../templates/survey_message.html"),
            ),
            ("profile.html", include_str!("../templates/profile.html")),
            (
                "workplace.html",
                include_str!("../templates/workplace.html"),
            ),
            (
                "workplaces.html",
                include_str!("../templates/workplaces.html"),
            ),
            (
                "report_preview.html",
                include_str!("../templates/report_preview.html"),
            ),
            ("studies.html", include_str!("../templates/studies.html")),
            (
                "studies_admin.html",
                include_str!("../templates/studies_admin.html"),
            ),
            ("tokens.html", include_str!("../templates/tokens.html")),
            (
                "tokens_revoke.html",
                include_str!("../templates/tokens_revoke.html"),
            ),
            // people and structure in the browser (issue 18, item 1)
            ("people.html", include_str!("../templates/people.html")),
            ("person.html", include_str!("../templates/person.html")),
            (
                "people_role_fields.html",
                include_str!("../templates/people_role_fields.html"),
            ),
            (
                "people_link.html",
                include_str!("../templates/people_link.html"),
            ),
            (
                "structure.html",
                include_str!("../templates/structure.html"),
            ),
            (
                "structure_edit.html",
                include_str!("../templates/structure_edit.html"),
            ),
            (
                "structure_fields.html",
                include_str!("../templates/structure_fields.html"),
            ),
            (
                "reset_forgot.html",
                include_str!("../templates/reset_forgot.html"),
            ),
            (
                "reset_password.html",
                include_str!("../templates/reset_password.html"),
            ),
        ] {
            env.add_template(name, src)
                .expect("shipped templates parse");
        }
        leernet_report::format::register(&mut env);
        let catalog = leernet_report::catalog();
        AppState {
            store,
            overview: Overview::builtin(),
            content: ProjectContent::builtin(),
            catalog_values: [Lang::Nl, Lang::En]
                .map(|l| minijinja::Value::from_serialize(catalog.table(l))),
            catalog,
            env,
            secure_cookies: false,
            public_url: None,
            forms: Mutex::new(HashMap::new()),
            mailer: None,
            trusted_proxies: Vec::new(),
            notify_lock: tokio::sync::Mutex::new(()),
            figures: Arc::new(leernet_app::figures::FigureCache::default()),
            reports: leernet_report::Reports::new(),
            clock,
            base: String::new(),
            front: false,
            accounts: None,
        }
    }

    /// Serves this study as part of an installation: its pages under `base`
    /// (`/studies/{slug}`), people logged in and given their roles by `accounts`.
    pub fn in_installation(mut self, base: String, accounts: StudyAccounts) -> AppState {
        self.base = base;
        self.accounts = Some(accounts);
        self
    }

    /// The installation's own pages (login, logout, the list of studies): no study menu.
    pub(crate) fn into_front(mut self) -> AppState {
        self.front = true;
        self.base = String::new();
        self
    }

    /// Where this study's pages are (`/studies/{slug}`, or empty when the app serves one
    /// store on its own).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The address of this study's page `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The installation behind this study, when the app serves one.
    pub fn accounts(&self) -> Option<&StudyAccounts> {
        self.accounts.as_ref()
    }

    /// The catalogue's table for `lang` as a template value (`t` in every template).
    pub(crate) fn catalog_value(&self, lang: Lang) -> minijinja::Value {
        self.catalog_values[usize::from(lang == Lang::En)].clone()
    }

    /// How many times this app computed the study's figures (once per change of the data,
    /// never once per page view: `figures.rs`).
    pub fn figure_computations(&self) -> u64 {
        self.figures.computations()
    }

    /// Now, in Unix seconds, from the app's clock.
    pub fn now(&self) -> i64 {
        self.clock.unix_seconds()
    }

    /// Now, as days since 1970-01-01 UTC (the XLSForm engine's `today()`), from the app's
    /// clock.
    pub fn today(&self) -> f64 {
        self.clock.days_since_epoch()
    }

    /// Uses a project's content (its `content/` folder over the shipped files) for every
    /// figure the app shows.
    pub fn with_content(mut self, content: ProjectContent) -> AppState {
        // The project's report.toml and handreiking.toml were checked when the content was
        // read (`leernet serve` checks them before it serves); a bad one keeps the shipped.
        if let Ok(r) = leernet_report::Reports::new().with_content(&content.report_files) {
            self.reports = r;
        }
        self.overview = content.overview.clone();
        self.figures = Arc::new(leernet_app::figures::FigureCache::new(content.clone()));
        self.content = content;
        self
    }

    /// Takes the study's figures from `cache` (the installation's, shared with the JSON
    /// API) instead of a cache of its own; `cache` computes with the same content as
    /// [`AppState::with_content`] was given.
    pub fn with_figure_cache(mut self, cache: Arc<leernet_app::figures::FigureCache>) -> AppState {
        self.figures = cache;
        self
    }

    /// Sets the SMTP server invitations are sent through (`[smtp]` in `leernet.toml`).
    pub fn with_smtp(
        mut self,
        smtp: Option<&mail::SmtpSettings>,
    ) -> Result<AppState, mail::MailError> {
        self.mailer = smtp.map(mail::Mailer::new).transpose()?.map(Arc::new);
        Ok(self)
    }

    /// Sets the reverse proxies whose `X-Forwarded-For` header names the client, so that the
    /// per-address login throttle counts clients, not the proxy.
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> AppState {
        self.trusted_proxies = proxies;
        self
    }

    /// Sets the public address (`https://…` makes cookies `Secure`).
    pub fn with_public_url(mut self, url: Option<String>) -> AppState {
        self.secure_cookies = url.as_deref().is_some_and(|u| u.starts_with("https://"));
        self.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self
    }

    /// The form of an instrument, read from the store once and then kept.
    pub async fn form(&self, id: InstrumentId) -> anyhow::Result<Arc<Form>> {
        Ok(self.cached_form(id).await?.form)
    }

    /// [`AppState::form`] with what is known of it once read.
    pub(crate) async fn cached_form(&self, id: InstrumentId) -> anyhow::Result<CachedForm> {
        if let Some(f) = self
            .forms
            .lock()
            .map_err(|_| anyhow::anyhow!("form cache poisoned"))?
            .get(&id)
        {
            return Ok(f.clone());
        }
        let inst = self
            .store
            .instruments()
            .await?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| anyhow::anyhow!("there is no instrument {id}"))?;
        let form = Arc::new(
            Form::from_workbook(&inst.workbook, &inst.file_name)
                .map_err(|e| anyhow::anyhow!("instrument {id} does not read: {e}"))?,
        );
        let cached = CachedForm {
            uses_last_saved: survey::uses_last_saved(&form),
            form,
        };
        self.forms
            .lock()
            .map_err(|_| anyhow::anyhow!("form cache poisoned"))?
            .insert(id, cached.clone());
        Ok(cached)
    }
}

/// A form of the cache, with what the survey asks of it on every request, found once.
#[derive(Clone)]
pub(crate) struct CachedForm {
    pub(crate) form: Arc<Form>,
    /// [`survey::uses_last_saved`]: a scan of every text of the form, which took about 1%
    /// of a survey save's CPU when made per request.
    pub(crate) uses_last_saved: bool,
}

/// The largest request body accepted (a survey page with long open answers fits easily).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler may set a stricter policy of its own (the report preview pins its one
    // stylesheet by hash); every other response gets the app's.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// The whole app as a router (tests drive it with `oneshot`).
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::overview))
        .route("/networks", get(pages::networks))
        .route("/networks/{slug}", get(pages::network))
        .route("/networks/{slug}/profile", get(profile::profile))
        .route(
            "/networks/{slug}/handreiking.html",
            get(profile::handreiking_html),
        )
        .route(
            "/networks/{slug}/handreiking.docx",
            get(profile::handreiking_docx),
        )
        .route(
            "/networks/{slug}/handreiking.pdf",
            get(profile::handreiking_pdf),
        )
        .route("/profile", get(profile::my_profile))
        .route("/workplaces", get(profile::workplaces))
        .route("/workplaces/{slug}", get(profile::workplace))
        .route("/admin/report", get(profile::report_preview))
        .route("/admin/report/{file}", get(profile::report_file))
        .route("/healthz", get(pages::healthz))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/static/survey.js", get(survey::script))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        // people and structure in the browser (issue 18, item 1)
        .route("/login/forgot", get(reset::forgot_page).post(reset::forgot))
        .route(
            "/login/password/{secret}",
            get(reset::password_page).post(reset::set_password),
        )
        .route("/admin/people", get(people::list).post(people::invite))
        .route("/admin/people/{id}", get(people::person_page))
        .route("/admin/people/{id}/role", post(people::change_role))
        .route("/admin/people/{id}/active", post(people::set_active))
        .route("/admin/people/{id}/link", post(people::new_link))
        .route("/admin/structure", get(structure::page))
        .route(
            "/admin/structure/workplaces",
            post(structure::add_workplace),
        )
        .route("/admin/structure/networks", post(structure::add_network))
        .route(
            "/admin/structure/workplaces/{slug}",
            get(structure::workplace).post(structure::save_workplace),
        )
        .route(
            "/admin/structure/workplaces/{slug}/archive",
            post(structure::archive_workplace),
        )
        .route(
            "/admin/structure/networks/{slug}",
            get(structure::network).post(structure::save_network),
        )
        .route(
            "/admin/structure/networks/{slug}/archive",
            post(structure::archive_network),
        )
        .route("/my", get(admin::my))
        .route(
            "/admin/instruments",
            get(instruments::list).post(instruments::upload).layer(
                axum::extract::DefaultBodyLimit::max(instruments::MAX_WORKBOOK_BYTES),
            ),
        )
        // a questionnaire's check, preview and test links (issue 18, item 2)
        .route("/admin/instruments/{id}", get(instruments::instrument))
        .route(
            "/admin/instruments/{id}/preview",
            get(survey::preview::show).post(survey::preview::save),
        )
        .route(
            "/admin/instruments/{id}/preview/relevance",
            post(survey::preview::relevance),
        )
        .route(
            "/admin/instruments/{id}/test-links",
            post(instruments::make_test_link),
        )
        .route(
            "/admin/instruments/{id}/test-answers/wipe",
            post(instruments::wipe_test_answers),
        )
        .route("/admin/waves", get(admin::waves).post(admin::create_wave))
        .route("/admin/waves/current", post(admin::set_current_wave))
        .route("/admin/waves/{id}", get(admin::wave))
        .route("/admin/waves/{id}/status", post(admin::set_status))
        .route("/admin/waves/{id}/invitations", post(admin::invite))
        .route(
            "/admin/waves/{id}/invitations.csv",
            get(admin::invitations_csv),
        )
        .route("/admin/waves/{id}/send", post(mail::send_invitations))
        // waves at scale (issue 18, item 3)
        .route(
            "/admin/waves/{id}/invitations/{inv}/revoke",
            get(wave_actions::revoke_page).post(wave_actions::revoke),
        )
        .route(
            "/admin/waves/{id}/invitations/{inv}/resend",
            post(wave_actions::resend),
        )
        .route("/admin/waves/{id}/remind", post(wave_actions::remind))
        .route("/admin/waves/{id}/reminders", post(wave_actions::schedule))
        .route("/static/wave.js", get(wave_actions::script))
        .route(
            "/admin/import",
            get(import_export::import_page)
                .post(import_export::import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    import_export::MAX_IMPORT_BODY,
                )),
        )
        .route("/admin/export", get(import_export::export))
        .route("/responses/{id}", get(admin::response))
        .route("/admin/audit", get(audit::list))
        .route("/analysis/qca", get(qca::page))
        .route("/analysis/types", get(types::page))
        .route("/analysis/types/{number}/name", post(types::name))
        .route("/static/coding.js", get(coding::script))
        .route("/coding", get(coding::index))
        .route("/coding/assignments", post(coding::create))
        .route("/coding/assignments/{id}", get(coding::assignment))
        .route("/coding/assignments/{id}/finish", post(coding::finish))
        .route(
            "/coding/assignments/{id}/disagreements",
            get(coding::disagreements),
        )
        .route(
            "/coding/assignments/{id}/answers/{pos}",
            get(coding::answer),
        )
        .route(
            "/coding/assignments/{id}/answers/{pos}/codings",
            post(coding::add_coding),
        )
        .route(
            "/coding/assignments/{id}/answers/{pos}/codings/{coding}/delete",
            post(coding::delete_coding),
        )
        .route(
            "/coding/assignments/{id}/answers/{pos}/suggestions",
            post(coding::decide),
        )
        .route(
            "/coding/assignments/{id}/answers/{pos}/slow",
            post(coding::judge_slow),
        )
        .route(
            "/coding/assignments/{id}/answers/{pos}/consensus",
            post(coding::settle),
        )
        .route(
            "/coding/slow-questions/{entry}/move",
            post(coding::move_slow),
        )
        .route("/coding/codebooks/{id}", get(coding::codebook))
        .route("/coding/codebooks/{id}/codes", post(coding::add_code))
        .route(
            "/coding/codebooks/{id}/versions/{n}",
            get(coding::codebook_version),
        )
        .route(
            "/coding/codebooks/{id}/codes/{code}",
            post(coding::change_code),
        )
        .route(
            "/coding/codebooks/{id}/codes/{code}/memos",
            post(coding::add_code_memo),
        )
        .route("/coding/memos/{memo}", post(coding::change_memo))
        // documents in the browser and coding them (issue 20)
        .route(
            "/coding/documents",
            get(coding::documents::list)
                .post(coding::documents::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    coding::documents::MAX_UPLOAD_BODY,
                )),
        )
        .route("/coding/documents/{id}", get(coding::documents::document))
        .route(
            "/coding/documents/{id}/memos",
            post(coding::documents::add_memo),
        )
        .route(
            "/coding/codebooks/{id}/colours.css",
            get(coding::documents::colours),
        )
        .route(
            "/coding/document-assignments",
            post(coding::document_coding::create),
        )
        .route(
            "/coding/assignments/{id}/documents/{pos}",
            get(coding::document_coding::page),
        )
        .route(
            "/coding/assignments/{id}/documents/{pos}/codings",
            post(coding::document_coding::add),
        )
        .route(
            "/coding/assignments/{id}/documents/{pos}/codings/{coding}",
            post(coding::document_coding::change),
        )
        .route(
            "/coding/assignments/{id}/documents/{pos}/codings/{coding}/delete",
            post(coding::document_coding::delete),
        )
        .route(
            "/coding/assignments/{id}/documents/{pos}/consensus",
            post(coding::document_coding::settle),
        )
        .route(
            "/coding/assignments/{id}/differences/{code}",
            get(coding::document_coding::differences),
        )
        .route(
            "/coding/documents/{id}/speakers",
            post(coding::documents::set_speaker),
        )
        .route(
            "/coding/assignments/{id}/answers/{pos}/codings/{coding}",
            post(coding::change_coding),
        )
        .route("/coding/agreement", get(coding::agreement))
        .route("/coding/slow-questions", get(coding::slow_register))
        .route("/coding/search", get(coding::search))
        // Retrieval (issue 20, data side).
        .route("/coding/passages", get(coding::passages))
        .route("/coding/matrix", get(coding::matrix))
        .route("/coding/cooccurrence", get(coding::cooccurrence))
        .route("/s/{token}", get(survey::show).post(survey::save))
        .route("/s/{token}/relevance", post(survey::relevance))
        .route("/ws", get(workspace::networks))
        // these four are `leernet_core::RESERVED_NETWORK_SLUGS`: no network may take them
        .route("/ws/methods", get(workspace::methods))
        .route("/ws/export", get(workspace::export))
        .route("/ws/notify", post(workspace::notify))
        .route("/ws/erase", post(workspace::erase))
        // the network space's meetings and settings (issue 26); `settings` and `calendar` are
        // reserved network slugs too
        .route("/ws/settings", get(workspace::settings))
        .route("/ws/calendar", post(workspace::renew_feed))
        .route("/ws/calendar/revoke", post(workspace::revoke_feed))
        .route("/ws/calendar/{file}", get(workspace::feed))
        .route("/static/ws-votes.js", get(workspace::votes_script))
        .route(
            "/ws/{slug}/sessions/{id}/calendar.ics",
            get(workspace::session_ics),
        )
        .route(
            "/ws/{slug}/sessions/{id}/details",
            post(workspace::reschedule),
        )
        .route("/ws/{slug}/sessions/{id}/cancel", post(workspace::cancel))
        .route("/ws/{slug}/handles", get(workspace::uptake::handles))
        .route("/ws/{slug}/handles/{key}", post(workspace::uptake::take_up))
        .route(
            "/ws/{slug}/handles/{key}/report",
            post(workspace::uptake::report),
        )
        .route("/admin/uptake", get(workspace::uptake::overview))
        .route(
            "/ws/{slug}/profile-response",
            get(workspace::member_check::page).post(workspace::member_check::respond),
        )
        .route(
            "/admin/member-check",
            get(workspace::member_check::overview),
        )
        .route("/ws/{slug}", get(workspace::home))
        .route(
            "/ws/{slug}/sessions",
            get(workspace::sessions).post(workspace::plan),
        )
        .route(
            "/ws/{slug}/sessions/{id}",
            get(workspace::session).post(workspace::record),
        )
        .route("/ws/{slug}/agenda", get(workspace::agenda))
        .route("/ws/{slug}/rounds", post(workspace::open_round))
        .route("/ws/{slug}/rounds/{id}/topics", post(workspace::propose))
        .route("/ws/{slug}/rounds/{id}/votes", post(workspace::vote))
        .route("/ws/{slug}/rounds/{id}/close", post(workspace::close))
        .route(
            "/ws/{slug}/questions",
            get(workspace::questions).post(workspace::ask),
        )
        .route("/ws/{slug}/questions/{id}", post(workspace::edit_question))
        .route(
            "/ws/{slug}/questions/{id}/follow-up",
            post(workspace::follow_up),
        )
        .route(
            "/ws/{slug}/stories",
            get(workspace::stories).post(workspace::tell),
        )
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::with_visitor,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(observe::request_span))
        .with_state(state)
}

/// Serves the app on `listener` until ctrl-c. `LEERNET_PUBLIC_URL` (optional) names the
/// address respondents reach it at; an `https://` address makes cookies `Secure`.
pub async fn serve(
    store: Store,
    listener: tokio::net::TcpListener,
    clock: SharedClock,
) -> std::io::Result<()> {
    let public_url = std::env::var("LEERNET_PUBLIC_URL")
        .ok()
        .filter(|s| !s.is_empty());
    let options = ServeOptions {
        public_url,
        ..ServeOptions::new(clock)
    };
    serve_with(store, listener, options).await
}

/// What the server allows one connection: how long it waits for a request's head (also for
/// the next request on an idle keep-alive connection), for the next piece of a request's
/// body, and how many connections it keeps open at once. A half-sent request or an idle
/// socket is closed when its time is up, so no number of them can exhaust the process's
/// file descriptors; past `max_connections`, new connections wait in the kernel's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// `server.header_timeout_secs` (default 10).
    pub header_timeout: std::time::Duration,
    /// `server.body_timeout_secs` (default 30).
    pub body_timeout: std::time::Duration,
    /// `server.max_connections` (default 256).
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(10),
            body_timeout: std::time::Duration::from_secs(30),
            max_connections: 256,
        }
    }
}

/// What `leernet serve` takes from the project's settings.
#[derive(Debug)]
pub struct ServeOptions {
    /// The address people reach the app at (`server.public_url`); `https://` makes cookies
    /// `Secure`.
    pub public_url: Option<String>,
    /// The project's content (its `content/` folder over the shipped files).
    pub content: ProjectContent,
    /// A study's own content, by slug (its `studies/<slug>/content/` folder over the
    /// project's); a study not named here has [`ServeOptions::content`].
    pub study_content: std::collections::BTreeMap<String, ProjectContent>,
    /// The mail server for invitations and notifications (`[smtp]`), when configured.
    pub smtp: Option<mail::SmtpSettings>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`server.trusted_proxies`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Timeouts and the connection limit.
    pub limits: ConnectionLimits,
    /// The clock the app reads the time from (the binary passes the system clock).
    pub clock: SharedClock,
    /// Routes served beside the app's own (the JSON API, `leernet-api`, when the binary
    /// has an installation at hand); they keep their own layers.
    pub extra: Option<Router>,
    /// The studies' figure caches when they are shared with [`ServeOptions::extra`] (the
    /// JSON API), made from the same `content` and `study_content`; `None`: the app makes
    /// its own.
    pub figures: Option<Arc<leernet_app::figures::FigureCaches>>,
}

impl ServeOptions {
    /// The defaults (the shipped content, no public address, no `[smtp]`, the default
    /// limits) around the clock the app is to read the time from.
    pub fn new(clock: SharedClock) -> ServeOptions {
        ServeOptions {
            public_url: None,
            content: ProjectContent::builtin(),
            study_content: std::collections::BTreeMap::new(),
            smtp: None,
            trusted_proxies: Vec::new(),
            limits: ConnectionLimits::default(),
            clock,
            extra: None,
            figures: None,
        }
    }
}

/// Serves the app on `listener` until ctrl-c, with the project's settings.
pub async fn serve_with(
    store: Store,
    listener: tokio::net::TcpListener,
    options: ServeOptions,
) -> std::io::Result<()> {
    serve_until(store, listener, options, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves the app on `listener` until `stop` completes, then lets open requests finish (for
/// at most 10 seconds). Each connection is HTTP/1.1 with the [`ConnectionLimits`].
pub async fn serve_until(
    store: Store,
    listener: tokio::net::TcpListener,
    options: ServeOptions,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    if let Ok(a) = listener.local_addr() {
        tracing::info!(addr = %a, backend = ?store.backend(), "serving");
    }
    let limits = options.limits;
    let state = Arc::new(
        AppState::new(store, options.clock)
            .with_public_url(options.public_url)
            .with_content(options.content)
            .with_trusted_proxies(options.trusted_proxies)
            .with_smtp(options.smtp.as_ref())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?,
    );
    let mut routes = app(state);
    if let Some(extra) = options.extra {
        routes = extra.merge(routes);
    }
    run(routes, listener, limits, stop).await
}

/// Serves an installation until ctrl-c ([`serve_installation_until`]).
pub async fn serve_installation(
    installation: leernet_store::Installation,
    listener: tokio::net::TcpListener,
    options: ServeOptions,
) -> std::io::Result<()> {
    serve_installation_until(installation, listener, options, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves an installation (every active study under `/studies/{slug}`, one login for all:
/// [`portal`]) on `listener` until `stop` completes, as [`serve_until`] does for one store.
pub async fn serve_installation_until(
    installation: leernet_store::Installation,
    listener: tokio::net::TcpListener,
    options: ServeOptions,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    if let Ok(a) = listener.local_addr() {
        tracing::info!(addr = %a, backend = ?installation.backend(), "serving an installation");
    }
    let limits = options.limits;
    let extra = options.extra;
    let figures = options.figures.unwrap_or_else(|| {
        Arc::new(leernet_app::figures::FigureCaches::new(
            options.content.clone(),
            options.study_content.clone(),
        ))
    });
    let portal = Portal::open_sharing(
        installation,
        StudyOptions {
            public_url: options.public_url,
            content: options.content,
            study_content: options.study_content,
            smtp: options.smtp,
            trusted_proxies: options.trusted_proxies,
            clock: options.clock,
        },
        figures,
    )
    .await
    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    let portal = Arc::new(portal);
    // The figures are ready before the first visitor asks.
    let warming = tokio::spawn(portal.clone().warm());
    let mut routes = portal::app(portal.clone());
    if let Some(extra) = extra {
        routes = extra.merge(routes);
    }
    let served = run(routes, listener, limits, stop).await;
    warming.abort();
    portal.close().await;
    served
}

/// The accept loop of [`serve_until`] and [`serve_installation_until`].
async fn run(
    router: Router,
    listener: tokio::net::TcpListener,
    limits: ConnectionLimits,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use tower::Service;
    let mut make = router
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.body_timeout,
        ))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(svc) = make.call(peer).await;
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout);
        let conn = graceful.watch(http.serve_connection(
            hyper_util::rt::TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(svc),
        ));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(10)) => {}
    }
    Ok(())
}
