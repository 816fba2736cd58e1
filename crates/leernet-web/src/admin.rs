//! The pages behind the login: a person's own page (`/my`), the researcher's waves (create,
//! open, close, invite, the invitation links as CSV), the response monitor, and the response
//! viewer.
//!
//! Who sees what (checked here, walked by the authorisation test in `tests/it/fieldwork.rs`):
//! - researcher: every wave, invitation and response; the only one who changes anything;
//! - coordinator: the waves and the monitor's counts, never a link or an answer;
//! - facilitator: their networks' network-questionnaire invitations and those responses;
//! - member: their own invitations and answers.

use crate::auth::{User, Visitor};
use crate::form::HtmlForm;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leernet_core::*;
use leernet_store::{InvitationKind, InvitationRow, NewInvitation};
use rand::RngCore;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const STAFF: &[Role] = &[Role::Researcher, Role::Coordinator];
const RESEARCHER: &[Role] = &[Role::Researcher];
const ANYONE: &[Role] = &[
    Role::Researcher,
    Role::Coordinator,
    Role::Facilitator,
    Role::Member,
];
/// The most links one invitation request may make per network.
const MAX_LINKS_PER_NETWORK: usize = 500;

/// A fresh invitation token from the operating system's randomness (160 bits).
pub fn new_token() -> InvitationToken {
    let mut b = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    InvitationToken::from_random(b)
}

fn wave_status_key(s: WaveStatus) -> &'static str {
    match s {
        WaveStatus::Draft => "admin.status_draft",
        WaveStatus::Open => "admin.status_open",
        WaveStatus::Closed => "admin.status_closed",
    }
}

/// One invitation as a person's own page lists it.
fn invitation_line(
    inv: &InvitationRow,
    waves: &[Wave],
    instruments: &BTreeMap<InstrumentId, Bilingual>,
    networks: &BTreeMap<NetworkId, String>,
    response: Option<ResponseId>,
    lang: Lang,
) -> minijinja::Value {
    let wave = waves.iter().find(|w| w.id == inv.wave);
    minijinja::context! {
        wave => wave.map(|w| w.name.clone()),
        instrument => wave.and_then(|w| instruments.get(&w.instrument)).map(|t| t.get(lang).to_owned()),
        status_key => wave.map(|w| wave_status_key(w.status)),
        open => wave.is_some_and(|w| w.status == WaveStatus::Open),
        network => networks.get(&inv.network).cloned(),
        link => format!("/s/{}", inv.token.as_str()),
        submitted => inv.status == Some(ResponseStatus::Submitted),
        started => inv.status.is_some(),
        response => response.map(|r| r.0),
    }
}

/// `GET /my`: what this person can do, with their own invitations.
pub async fn my(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(ANYONE)?;
    let store = &state.store;
    let mut lines = Vec::new();
    // The networks whose profile and workspace this person may open (facilitators and
    // members: their own), for the links on the page.
    let own_networks: Vec<_> = if matches!(user.role, Role::Facilitator | Role::Member) {
        store
            .networks()
            .await?
            .into_iter()
            .filter(|n| user.networks.contains(&n.id))
            .map(|n| minijinja::context! { slug => n.slug.as_str().to_owned(), name => n.name })
            .collect()
    } else {
        Vec::new()
    };
    if matches!(user.role, Role::Facilitator | Role::Member) {
        let waves = store.waves().await?;
        let instruments: BTreeMap<_, _> = store
            .instruments()
            .await?
            .into_iter()
            .map(|i| (i.id, i.title))
            .collect();
        let networks: BTreeMap<_, _> = store
            .networks()
            .await?
            .into_iter()
            .map(|n| (n.id, n.name))
            .collect();
        for inv in store.invitations(None).await? {
            if !own_invitation(user, &inv) {
                continue;
            }
            let rid = if inv.status == Some(ResponseStatus::Submitted) {
                store.invitation_response_id(&inv).await?
            } else {
                None
            };
            lines.push(invitation_line(
                &inv,
                &waves,
                &instruments,
                &networks,
                rid,
                lang,
            ));
        }
    }
    // a researcher's home (issue 18, item 4)
    let home = if user.role == Role::Researcher {
        Some(crate::home::researcher_home(&state, lang, user).await?)
    } else {
        None
    };
    crate::page::render(
        &state,
        &v,
        "my.html",
        minijinja::context! {
            home => home,
            staff => STAFF.contains(&user.role),
            researcher => user.role == Role::Researcher,
            coordinator => user.role == Role::Coordinator,
            facilitator => user.role == Role::Facilitator,
            own_networks => own_networks,
            invitations => lines,
            role_key => format!("admin.role_{}", user.role.as_str()),
        },
    )
}

/// Whether an invitation is this person's own: a member's by person, a facilitator's as the
/// network questionnaire of one of their networks (or addressed to them).
fn own_invitation(user: &User, inv: &InvitationRow) -> bool {
    inv.person == Some(user.id)
        || (user.role == Role::Facilitator
            && inv.kind == InvitationKind::Network
            && user.networks.contains(&inv.network))
}

/// The networks whose response monitor `user` may see: `None` (every one) for a researcher;
/// for a coordinator the networks of their own Werkplaatsen (those of the networks linked to
/// them).
fn monitored_networks(user: &User, networks: &[Network]) -> Option<BTreeSet<NetworkId>> {
    if user.role == Role::Researcher {
        return None;
    }
    let mine: BTreeSet<WorkplaceId> = networks
        .iter()
        .filter(|n| user.networks.contains(&n.id))
        .map(|n| n.workplace)
        .collect();
    Some(
        networks
            .iter()
            .filter(|n| mine.contains(&n.workplace))
            .map(|n| n.id)
            .collect(),
    )
}

/// The rows of a monitor within `visible` ([`monitored_networks`]).
fn monitored(
    mut monitor: Vec<leernet_store::MonitorRow>,
    visible: &Option<BTreeSet<NetworkId>>,
) -> Vec<leernet_store::MonitorRow> {
    if let Some(v) = visible {
        monitor.retain(|m| v.contains(&m.network));
    }
    monitor
}

/// `GET /admin/waves`: every wave with its instrument, status and counts; the researcher
/// also gets the form to make a new one.
pub async fn waves(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    let user = v.require(STAFF)?;
    waves_page(&state, &v, user, None, StatusCode::OK).await
}

async fn waves_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let instruments = store.instruments().await?;
    let visible = monitored_networks(user, &store.networks().await?);
    let waves = store.waves().await?;
    let mut rows = Vec::new();
    for w in waves.iter().cloned() {
        let m = monitored(store.wave_monitor(w.id).await?, &visible);
        let inst = instruments.iter().find(|i| i.id == w.instrument);
        rows.push(minijinja::context! {
            id => w.id.0,
            name => w.name,
            instrument => inst.map(|i| i.title.get(lang).to_owned()),
            status_key => wave_status_key(w.status),
            invited => m.iter().map(|r| r.invited).sum::<i64>(),
            submitted => m.iter().map(|r| r.submitted).sum::<i64>(),
        });
    }
    let current = current_wave_forms(state, &instruments, &waves, lang).await?;
    let instruments: Vec<_> = instruments
        .iter()
        .map(|i| {
            minijinja::context! {
                id => i.id.0,
                // its title and version, never its form_id (issue 18: no internals on a page)
                title => format!("{} ({})", i.title.get(lang), i.version),
            }
        })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "waves.html",
        minijinja::context! {
            waves => rows,
            instruments => instruments,
            researcher => user.role == Role::Researcher,
            error => error,
            current => current,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// Per questionnaire (form id, the latest version's title): the choices of the wave its
/// figures rest on, the one in force marked.
async fn current_wave_forms(
    state: &AppState,
    instruments: &[leernet_core::Instrument],
    waves: &[leernet_core::Wave],
    lang: leernet_core::Lang,
) -> Result<Vec<minijinja::Value>, AppError> {
    let chosen = state.store.current_waves().await?;
    let t = state.catalog.table(lang);
    let mut forms: Vec<&leernet_core::Instrument> = Vec::new();
    for i in instruments.iter().rev() {
        if !forms.iter().any(|f| f.form_id == i.form_id) {
            forms.push(i);
        }
    }
    forms.reverse();
    let mut out = Vec::new();
    for (n, i) in forms.into_iter().enumerate() {
        let names =
            leernet_app::waves::names_of(instruments, waves, &i.form_id).unwrap_or_default();
        if names.is_empty() {
            continue;
        }
        let now = chosen.get(&i.form_id).map(|c| c.as_text().to_owned());
        let mut options = vec![minijinja::context! {
            value => "",
            label => t["admin.current_default"].clone(),
            selected => now.is_none(),
        }];
        for name in &names {
            options.push(minijinja::context! {
                value => name,
                label => name,
                selected => now.as_deref() == Some(name.as_str()),
            });
        }
        for (value, key) in [
            (WaveChoice::LATEST, "admin.current_latest"),
            (WaveChoice::ALL, "admin.current_all"),
        ] {
            options.push(minijinja::context! {
                value => value,
                label => t[key].clone(),
                selected => now.as_deref() == Some(value),
            });
        }
        out.push(minijinja::context! {
            id => format!("current-{n}"),
            form => i.form_id.clone(),
            title => i.title.get(lang).to_owned(),
            options => options,
        });
    }
    Ok(out)
}

/// The posted choice of the wave a questionnaire's figures rest on, as text; checked by
/// [`CurrentWave::try_from`].
#[derive(Debug, serde::Deserialize)]
pub struct CurrentWaveForm {
    csrf_token: Option<String>,
    #[serde(default)]
    form: String,
    /// A wave's name, `latest`, `all`, or empty for the default.
    #[serde(default)]
    choice: String,
}

/// The choice as domain values: a questionnaire's form id (1 to 200 characters) and the
/// wave choice (`None`: the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentWave {
    pub form: String,
    pub choice: Option<WaveChoice>,
}

impl TryFrom<&CurrentWaveForm> for CurrentWave {
    type Error = ();

    fn try_from(f: &CurrentWaveForm) -> Result<CurrentWave, ()> {
        let form = f.form.trim();
        let choice = f.choice.trim();
        if form.is_empty() || form.chars().count() > 200 || choice.chars().count() > 100 {
            return Err(());
        }
        Ok(CurrentWave {
            form: form.to_owned(),
            choice: (!choice.is_empty()).then(|| WaveChoice::parse(choice)),
        })
    }
}

/// `POST /admin/waves/current`: the wave a questionnaire's figures rest on (researchers);
/// audited; 303 back to the waves page. A questionnaire or wave the study does not have is
/// refused with the page and nothing changes.
pub async fn set_current_wave(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<CurrentWaveForm>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let refuse = || {
        waves_page(
            &state,
            &v,
            user,
            Some("admin.current_unknown"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(c) = CurrentWave::try_from(&f) else {
        return refuse().await;
    };
    match leernet_app::waves::set_current(
        &state.store,
        &c.form,
        c.choice.as_ref(),
        &leernet_store::Actor::Person(user.id),
        state.clock.unix_seconds(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&state.link("/admin/waves#current-waves")).into_response()),
        Err(leernet_app::waves::CurrentWaveError::Store(e)) => Err(e.into()),
        Err(_) => refuse().await,
    }
}

/// The posted form that makes a wave, as text; checked by [`NewWave::try_from`].
#[derive(Debug, serde::Deserialize)]
pub struct NewWaveForm {
    csrf_token: Option<String>,
    /// The instrument's id, from the form's select.
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    name: String,
}

/// A new wave as domain values: the instrument (still to be found in the store) and a
/// name of 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWave {
    pub instrument: InstrumentId,
    pub name: String,
}

/// Why a new-wave form was refused; each its message's key in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewWaveError {
    /// No instrument chosen, or no id at all.
    Instrument,
    /// An empty name, or one longer than 100 characters.
    Name,
    /// The name the test links of a questionnaire use (`(test)`).
    Reserved,
}

impl NewWaveError {
    /// The message's key in the catalogue.
    pub fn key(self) -> &'static str {
        match self {
            NewWaveError::Instrument => "admin.pick_instrument",
            NewWaveError::Name => "admin.wave_name",
            NewWaveError::Reserved => "admin.wave_name_reserved",
        }
    }
}

impl TryFrom<&NewWaveForm> for NewWave {
    type Error = NewWaveError;

    fn try_from(f: &NewWaveForm) -> Result<NewWave, NewWaveError> {
        let instrument = f
            .instrument
            .trim()
            .parse::<i64>()
            .map(InstrumentId)
            .map_err(|_| NewWaveError::Instrument)?;
        let name = f.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(NewWaveError::Name);
        }
        if name == leernet_store::TEST_WAVE_NAME {
            return Err(NewWaveError::Reserved);
        }
        Ok(NewWave {
            instrument,
            name: name.to_owned(),
        })
    }
}

/// `POST /admin/waves`: a new wave (draft) of an instrument; 303 to its page.
pub async fn create_wave(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<NewWaveForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let refuse = |e: NewWaveError| {
        waves_page(
            &state,
            &v,
            user,
            Some(e.key()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let instruments = state.store.instruments().await?;
    // An instrument the store does not hold is as good as none chosen; then the name.
    let wave = match NewWave::try_from(&f) {
        Err(NewWaveError::Instrument) => return refuse(NewWaveError::Instrument).await,
        Ok(w) if !instruments.iter().any(|i| i.id == w.instrument) => {
            return refuse(NewWaveError::Instrument).await
        }
        Err(e) => return refuse(e).await,
        Ok(w) => w,
    };
    match state
        .store
        .add_wave(wave.instrument, &wave.name, WaveStatus::Draft)
        .await
    {
        Ok(id) => Ok(Redirect::to(&state.link(&format!("/admin/waves/{}", id.0))).into_response()),
        Err(leernet_store::StoreError::Conflict(_)) => {
            waves_page(
                &state,
                &v,
                user,
                Some("admin.wave_exists"),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(AppError::internal(lang, e)),
    }
}

async fn wave_or_404(state: &AppState, id: i64, lang: Lang) -> Result<Wave, AppError> {
    state
        .store
        .wave(WaveId(id))
        .await?
        .ok_or(AppError::NotFound(lang))
}

/// Invitations shown on one page of a wave's list (issue 18: 611 invitations are not one
/// table).
pub const INVITATIONS_PAGE: usize = 50;
/// The longest search text taken from the address bar (characters).
const MAX_SEARCH_CHARS: usize = 200;

/// The wave page's address-bar choices for its invitations list: search text (address or
/// network), status, network id, page (from 1). Anything unreadable counts as not given.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct WaveQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub network: String,
    #[serde(default)]
    pub page: String,
}

impl WaveQuery {
    fn search(&self) -> String {
        self.q
            .trim()
            .chars()
            .take(MAX_SEARCH_CHARS)
            .collect::<String>()
            .to_lowercase()
    }

    fn status(&self) -> Option<&'static str> {
        ["not_started", "in_progress", "submitted", "revoked"]
            .into_iter()
            .find(|s| *s == self.status)
    }

    fn network(&self) -> Option<NetworkId> {
        self.network.trim().parse().ok().map(NetworkId)
    }

    fn page(&self) -> usize {
        self.page
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }
}

/// The status an invitation is filtered and shown by.
fn invitation_status(inv: &InvitationRow) -> &'static str {
    if inv.revoked_at.is_some() {
        return "revoked";
    }
    match inv.status {
        None => "not_started",
        Some(ResponseStatus::InProgress) => "in_progress",
        Some(ResponseStatus::Submitted) => "submitted",
    }
}

/// What the invitations form had when it was refused, shown again as typed (issue 18), or
/// the defaults for a fresh page.
#[derive(Debug, Clone, Default)]
pub(crate) struct InviteTyped {
    pub mode: String,
    pub count: String,
    pub emails: String,
    pub networks: BTreeSet<i64>,
    pub workplaces: BTreeSet<i64>,
    pub all: bool,
    /// Which field the error is about (`networks`, `count`, `emails`), for its link.
    pub field: Option<&'static str>,
    /// The bad addresses with their line (1-based).
    pub bad: Vec<(usize, String)>,
}

/// What a wave's page shows besides the wave: an error (with the form as typed), a notice,
/// the report of sending by e-mail, the invitations list's choices.
#[derive(Debug, Default)]
pub(crate) struct WaveExtras {
    pub error: Option<String>,
    pub notice: Option<String>,
    pub mail: Option<minijinja::Value>,
    pub typed: Option<InviteTyped>,
    pub query: WaveQuery,
    /// The close form was sent without its confirmation.
    pub confirm_close: bool,
}

/// `GET /admin/waves/{id}`: the wave, its response monitor and (for the researcher) the
/// invitation form and links.
pub async fn wave(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    query: Result<axum::extract::Query<WaveQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let user = v.require(STAFF)?;
    let extras = WaveExtras {
        query: query.map(|q| q.0).unwrap_or_default(),
        ..WaveExtras::default()
    };
    wave_page_with(&state, &v, user, id, extras, StatusCode::OK).await
}

/// The wave's page; `mail` is the report of sending invitations by e-mail, when that was
/// just done (`mail::send_invitations`).
pub(crate) async fn wave_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    error: Option<String>,
    mail: Option<minijinja::Value>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let extras = WaveExtras {
        error,
        mail,
        ..WaveExtras::default()
    };
    wave_page_with(state, v, user, id, extras, status).await
}

/// A share as a whole percentage, or "–" without a denominator.
fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "–".to_owned()
    } else {
        format!("{:.0}%", 100.0 * part as f64 / whole as f64)
    }
}

/// One row of the response rates (a network or a Werkplaats), with its bar's width in the
/// chart (0–100).
fn rate_row(name: String, invited: i64, started: i64, submitted: i64) -> minijinja::Value {
    let bar = if invited > 0 {
        (100 * submitted.clamp(0, invited)) / invited
    } else {
        0
    };
    let short = if name.chars().count() > 30 {
        format!("{}…", name.chars().take(29).collect::<String>())
    } else {
        name.clone()
    };
    minijinja::context! {
        name => name,
        short => short,
        invited => invited,
        started => started,
        submitted => submitted,
        rate => percent(submitted, invited),
        bar => bar,
    }
}

/// The invitation type a wave's form starts with: the network questionnaire for a wave of
/// the study's network questionnaire, member links by address otherwise (issue 18: a member
/// wave no longer defaults to the network questionnaire).
fn default_mode(state: &AppState, instrument: Option<&Instrument>) -> &'static str {
    match instrument {
        Some(i) if i.form_id == state.overview.network_instrument => "network",
        _ => "emails",
    }
}

pub(crate) async fn wave_page_with(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    extras: WaveExtras,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let wave = wave_or_404(state, id, lang).await?;
    let instrument = store
        .instruments()
        .await?
        .into_iter()
        .find(|i| i.id == wave.instrument);
    let networks = store.networks().await?;
    let workplaces = store.workplaces().await?;
    let monitor = monitored(
        store.wave_monitor(wave.id).await?,
        &monitored_networks(user, &networks),
    );
    let name_of = |n: NetworkId| {
        networks
            .iter()
            .find(|x| x.id == n)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let rows: Vec<_> = monitor
        .iter()
        .map(|m| rate_row(name_of(m.network), m.invited, m.started, m.submitted))
        .collect();
    // per Werkplaats: the sums of its networks' rows (checked: a count never wraps)
    let mut per_workplace: BTreeMap<WorkplaceId, (i64, i64, i64)> = BTreeMap::new();
    for m in &monitor {
        let Some(wp) = networks
            .iter()
            .find(|n| n.id == m.network)
            .map(|n| n.workplace)
        else {
            continue;
        };
        let e = per_workplace.entry(wp).or_default();
        *e = (
            e.0.checked_add(m.invited).ok_or_else(|| {
                AppError::internal(lang, anyhow::anyhow!("a response count overflowed"))
            })?,
            e.1.checked_add(m.started).ok_or_else(|| {
                AppError::internal(lang, anyhow::anyhow!("a response count overflowed"))
            })?,
            e.2.checked_add(m.submitted).ok_or_else(|| {
                AppError::internal(lang, anyhow::anyhow!("a response count overflowed"))
            })?,
        );
    }
    let workplace_rows: Vec<_> = workplaces
        .iter()
        .filter_map(|w| {
            per_workplace
                .get(&w.id)
                .map(|(i, s, sub)| rate_row(w.name.clone(), *i, *s, *sub))
        })
        .collect();
    let mut totals = (0i64, 0i64, 0i64);
    for m in &monitor {
        totals = (
            totals.0.checked_add(m.invited).ok_or_else(|| {
                AppError::internal(lang, anyhow::anyhow!("a response count overflowed"))
            })?,
            totals.1.checked_add(m.started).ok_or_else(|| {
                AppError::internal(lang, anyhow::anyhow!("a response count overflowed"))
            })?,
            totals.2.checked_add(m.submitted).ok_or_else(|| {
                AppError::internal(lang, anyhow::anyhow!("a response count overflowed"))
            })?,
        );
    }
    let (ti, ts, tsub) = totals;
    let researcher = user.role == Role::Researcher;
    let sent = if researcher {
        store.invitations_sent(wave.id).await?
    } else {
        Default::default()
    };
    let q = &extras.query;
    let mut invitations = Vec::new();
    let mut invitations_with_email = 0usize;
    let mut total_invitations = 0usize;
    let (search, want_status, want_network) = (q.search(), q.status(), q.network());
    let link_base = state
        .public_url
        .clone()
        .map(|u| u.trim_end_matches('/').to_owned());
    let mut hits = Vec::new();
    if researcher {
        let all = store.invitations(Some(wave.id)).await?;
        total_invitations = all.len();
        for inv in all {
            invitations_with_email += usize::from(inv.email.is_some());
            let network = name_of(inv.network);
            let st = invitation_status(&inv);
            let hit = want_status.is_none_or(|s| s == st)
                && want_network.is_none_or(|n| n == inv.network)
                && (search.is_empty()
                    || network.to_lowercase().contains(&search)
                    || inv
                        .email
                        .as_deref()
                        .is_some_and(|e| e.to_lowercase().contains(&search)));
            if hit {
                hits.push((inv, network, st));
            }
        }
    }
    let matching = hits.len();
    // a page past the last shows the last
    let pages = matching.div_ceil(INVITATIONS_PAGE).max(1);
    let page = q.page().min(pages);
    // only the rows of the page asked for are looked at further
    for (inv, network, st) in hits
        .into_iter()
        .skip((page - 1) * INVITATIONS_PAGE)
        .take(INVITATIONS_PAGE)
    {
        let rid = if inv.status.is_some() {
            store.invitation_response_id(&inv).await?
        } else {
            None
        };
        let path = format!("/s/{}", inv.token.as_str());
        invitations.push(minijinja::context! {
            id => inv.id.0,
            network => network,
            kind_key => format!("admin.kind_{}", inv.kind.as_str()),
            email => inv.email.clone(),
            link => path.clone(),
            full_link => link_base.as_ref().map(|b| format!("{b}{path}")).unwrap_or(path),
            status_key => match st {
                "revoked" => "waves2.status_revoked",
                "not_started" => "admin.not_started",
                "in_progress" => "admin.in_progress",
                _ => "admin.submitted",
            },
            revoked => inv.revoked_at.is_some(),
            submitted => inv.status == Some(ResponseStatus::Submitted),
            response => rid.map(|r| r.0),
            sent => sent.contains_key(&inv.id),
            reminded => inv.reminded_at.is_some(),
        });
    }
    let page_link = |p: usize| {
        let mut s = format!("?page={p}");
        for (k, val) in [
            ("q", q.q.trim()),
            ("status", want_status.unwrap_or("")),
            ("network", q.network.trim()),
        ] {
            if !val.is_empty() {
                s.push_str(&format!("&{k}={}", urlencoding(val)));
            }
        }
        s.push_str("#invitations");
        s
    };
    let paging = minijinja::context! {
        page => page,
        pages => pages,
        first => if matching == 0 { 0 } else { (page - 1) * INVITATIONS_PAGE + 1 },
        last => matching.min(page * INVITATIONS_PAGE),
        matching => matching,
        total => total_invitations,
        prev => (page > 1).then(|| page_link(page - 1)),
        next => (page < pages).then(|| page_link(page + 1)),
        q => q.q.trim().chars().take(MAX_SEARCH_CHARS).collect::<String>(),
        status => want_status.unwrap_or(""),
        network => want_network.map(|n| n.0),
        filtered => !search.is_empty() || want_status.is_some() || want_network.is_some(),
    };
    // an archived network (issue 18) is no choice for new invitations; its rows above stay
    let archived = match state.accounts() {
        Some(acc) => acc.installation.archived_networks().await?,
        None => Vec::new(),
    };
    let typed = extras.typed.clone().unwrap_or_else(|| InviteTyped {
        mode: default_mode(state, instrument.as_ref()).to_owned(),
        count: "5".to_owned(),
        ..InviteTyped::default()
    });
    let network_list: Vec<_> = networks
        .iter()
        .filter(|n| !archived.contains(&n.id))
        .map(|n| minijinja::context! { id => n.id.0, name => n.name.clone(), checked => typed.networks.contains(&n.id.0) })
        .collect();
    let workplace_list: Vec<_> = workplaces
        .iter()
        .filter(|w| networks.iter().any(|n| n.workplace == w.id && !archived.contains(&n.id)))
        .map(|w| minijinja::context! { id => w.id.0, name => w.name.clone(), checked => typed.workplaces.contains(&w.id.0) })
        .collect();
    let remind_due = if researcher {
        leernet_app::reminders::due(store, &wave, None).await?.len()
    } else {
        0
    };
    let remind_after = leernet_app::reminders::schedule_of(store, wave.id).await?;
    let mut res = crate::page::render(
        state,
        v,
        "wave.html",
        minijinja::context! {
            wave => minijinja::context! {
                id => wave.id.0,
                name => wave.name.clone(),
                status => wave.status.as_str(),
                status_key => wave_status_key(wave.status),
            },
            instrument => instrument.map(|i| i.title.get(lang).to_owned()),
            monitor => rows,
            per_workplace => workplace_rows,
            total => minijinja::context! { invited => ti, started => ts, submitted => tsub, rate => percent(tsub, ti) },
            researcher => researcher,
            invitations => invitations,
            paging => paging,
            networks => network_list,
            workplaces => workplace_list,
            typed => minijinja::context! {
                mode => typed.mode,
                count => typed.count,
                emails => typed.emails,
                all => typed.all,
                field => typed.field,
                bad => typed.bad.iter().map(|(l, p)| minijinja::context! { line => l, part => p }).collect::<Vec<_>>(),
            },
            error => extras.error,
            notice => extras.notice,
            confirm_close => extras.confirm_close,
            max_links => MAX_LINKS_PER_NETWORK,
            mail => extras.mail,
            smtp => state.mailer.is_some(),
            with_email => invitations_with_email,
            absolute => link_base.is_some(),
            remind_due => remind_due,
            remind_after => remind_after,
            max_remind_days => leernet_store::MAX_REMIND_AFTER_DAYS,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// Percent-encodes a query value (everything but unreserved characters).
fn urlencoding(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The posted form that opens or closes a wave, as text; checked by
/// [`StatusChange::try_from`].
#[derive(Debug, serde::Deserialize)]
pub struct StatusForm {
    csrf_token: Option<String>,
    #[serde(default)]
    status: String,
    /// "1": the researcher ticked that closing stops the answers (needed to close).
    #[serde(default)]
    confirm: Option<String>,
}

/// What the status form may do to a wave: open it or close it (never back to a draft).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange(pub WaveStatus);

impl TryFrom<&StatusForm> for StatusChange {
    /// A status the form does not offer (only a hand-made request sends one).
    type Error = ();

    fn try_from(f: &StatusForm) -> Result<StatusChange, ()> {
        match f.status.as_str() {
            "open" => Ok(StatusChange(WaveStatus::Open)),
            "closed" => Ok(StatusChange(WaveStatus::Closed)),
            _ => Err(()),
        }
    }
}

/// `POST /admin/waves/{id}/status`: open or close a wave; closing needs the ticked
/// confirmation (issue 18), else the page says so (422) and nothing changes.
pub async fn set_status(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<StatusForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let wave = wave_or_404(&state, id, lang).await?;
    let StatusChange(status) =
        StatusChange::try_from(&f).map_err(|()| AppError::BadRequest(lang))?;
    if status == WaveStatus::Closed
        && wave.status != WaveStatus::Closed
        && f.confirm.as_deref() != Some("1")
    {
        let t = state.catalog.table(lang);
        let extras = WaveExtras {
            error: t.get("waves2.close_unconfirmed").cloned(),
            confirm_close: true,
            ..WaveExtras::default()
        };
        return wave_page_with(
            &state,
            &v,
            user,
            id,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store
        .set_wave_status_audited(
            wave.id,
            status,
            &leernet_store::Actor::Person(user.id),
            state.now(),
        )
        .await?;
    Ok(Redirect::to(&state.link(&format!("/admin/waves/{id}"))).into_response())
}

/// `POST /admin/waves/{id}/invitations`: invitations for the chosen networks (ticked one
/// by one, per Werkplaats, or all): the network questionnaire (one per network, for its
/// facilitator), a number of anonymous member links, or one link per e-mail address. All or
/// nothing; a refused form comes back as typed, with the bad addresses by line.
pub async fn invite(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<InviteForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let wave = wave_or_404(&state, id, lang).await?;
    let store = &state.store;
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let networks = store.networks().await?;
    let archived = match state.accounts() {
        Some(acc) => acc.installation.archived_networks().await?,
        None => Vec::new(),
    };
    let ids = |vals: &[String]| -> Result<BTreeSet<i64>, AppError> {
        vals.iter()
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::BadRequest(lang))
            })
            .collect()
    };
    let mut typed = InviteTyped {
        mode: f.mode.clone(),
        count: f.count.chars().take(10).collect(),
        emails: f.emails.clone(),
        networks: ids(&f.networks)?,
        workplaces: ids(&f.workplaces)?,
        all: f.all.as_deref() == Some("1"),
        field: None,
        bad: Vec::new(),
    };
    let mut chosen = Vec::new();
    for n in &typed.networks {
        match networks.iter().find(|x| x.id.0 == *n) {
            Some(n) => chosen.push(n.id),
            None => return Err(AppError::BadRequest(lang)),
        }
    }
    for w in &typed.workplaces {
        chosen.extend(
            networks
                .iter()
                .filter(|n| n.workplace.0 == *w && !archived.contains(&n.id))
                .map(|n| n.id),
        );
    }
    if typed.all {
        chosen.extend(
            networks
                .iter()
                .filter(|n| !archived.contains(&n.id))
                .map(|n| n.id),
        );
    }
    chosen.sort();
    chosen.dedup();
    let refuse = |typed: InviteTyped, error: String| async {
        let extras = WaveExtras {
            error: Some(error),
            typed: Some(typed),
            ..WaveExtras::default()
        };
        wave_page_with(
            &state,
            &v,
            user,
            id,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    if chosen.is_empty() {
        typed.field = Some("networks");
        return refuse(typed, say("admin.pick_networks")).await;
    }
    let invite = match Invite::try_from(&f) {
        Ok(i) => i,
        Err(InviteError::Mode) => return Err(AppError::BadRequest(lang)),
        Err(e) => {
            typed.field = Some(match e {
                InviteError::Count => "count",
                _ => "emails",
            });
            if let InviteError::BadEmails(bad) = &e {
                typed.bad = bad.clone();
            }
            return refuse(typed, say(e.key())).await;
        }
    };
    let persons = store.persons().await?;
    let existing = store.invitations(Some(wave.id)).await?;
    let mut new = Vec::new();
    match invite {
        Invite::Network => {
            for n in &chosen {
                if existing
                    .iter()
                    .any(|i| i.network == *n && i.kind == InvitationKind::Network)
                {
                    continue;
                }
                // for the network's facilitator, by their address, so that the link can
                // be mailed and reminded like any other (issue 18)
                let facilitator = persons
                    .iter()
                    .find(|p| p.role == Role::Facilitator && p.networks.contains(n));
                new.push(NewInvitation {
                    network: *n,
                    token: new_token(),
                    kind: InvitationKind::Network,
                    person: facilitator.map(|p| p.id),
                    email: facilitator.map(|p| p.email.clone()),
                });
            }
        }
        Invite::Anonymous(count) => {
            for n in &chosen {
                for _ in 0..count {
                    new.push(NewInvitation {
                        network: *n,
                        token: new_token(),
                        kind: InvitationKind::Member,
                        person: None,
                        email: None,
                    });
                }
            }
        }
        Invite::Emails(emails) => {
            for n in &chosen {
                for e in &emails {
                    let person = persons
                        .iter()
                        .find(|p| p.email.as_str().eq_ignore_ascii_case(e.as_str()))
                        .map(|p| p.id);
                    new.push(NewInvitation {
                        network: *n,
                        token: new_token(),
                        kind: InvitationKind::Member,
                        person,
                        email: Some(e.clone()),
                    });
                }
            }
        }
    }
    store.add_invitations(wave.id, &new).await?;
    Ok(Redirect::to(&state.link(&format!("/admin/waves/{id}#invitations"))).into_response())
}

/// What the invitations form posts (`POST /admin/waves/{id}/invitations`): the fields as
/// text, the networks' ids in the order ticked, checked by [`Invite::try_from`].
#[derive(Debug, Default, serde::Deserialize)]
pub struct InviteForm {
    pub csrf_token: Option<String>,
    /// Every ticked `network` (ids as text).
    #[serde(default, rename = "network")]
    pub networks: Vec<String>,
    /// Every ticked Werkplaats (ids as text): all its networks.
    #[serde(default, rename = "workplace")]
    pub workplaces: Vec<String>,
    /// "1": every network (not archived).
    #[serde(default)]
    pub all: Option<String>,
    /// `network`, `anonymous` or `emails`.
    #[serde(default)]
    pub mode: String,
    /// The number of anonymous links per network.
    #[serde(default)]
    pub count: String,
    /// Addresses separated by commas, semicolons or white space.
    #[serde(default)]
    pub emails: String,
}

/// Which invitations to make for each chosen network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invite {
    /// The network questionnaire, one per network, for its facilitator.
    Network,
    /// This many anonymous member links (1 to `MAX_LINKS_PER_NETWORK`).
    Anonymous(usize),
    /// One member link per address, each address once.
    Emails(Vec<Email>),
}

/// Why an invitations form was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteError {
    /// No mode the form offers (only a hand-made request sends one).
    Mode,
    /// A number of links that is no whole number from 1 to `MAX_LINKS_PER_NETWORK`.
    Count,
    /// No address, or more than `MAX_LINKS_PER_NETWORK`.
    NoEmails,
    /// Parts that are no e-mail address, with their line (1-based; each cut at 80
    /// characters; at most 50 named).
    BadEmails(Vec<(usize, String)>),
}

/// The most bad addresses named on the page (the rest are counted in the message's list).
const MAX_BAD_NAMED: usize = 50;

impl InviteError {
    /// The message's key in the catalogue.
    pub fn key(&self) -> &'static str {
        match self {
            InviteError::Mode => "error.bad_request",
            InviteError::Count => "admin.bad_count",
            InviteError::NoEmails => "admin.no_emails",
            InviteError::BadEmails(_) => "admin.bad_emails",
        }
    }
}

impl TryFrom<&InviteForm> for Invite {
    type Error = InviteError;

    fn try_from(f: &InviteForm) -> Result<Invite, InviteError> {
        match f.mode.as_str() {
            "network" => Ok(Invite::Network),
            "anonymous" => f
                .count
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|c| (1..=MAX_LINKS_PER_NETWORK).contains(c))
                .map(Invite::Anonymous)
                .ok_or(InviteError::Count),
            "emails" => {
                let mut bad = Vec::new();
                let mut emails = Vec::new();
                for (line, text) in f.emails.lines().enumerate() {
                    for part in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
                        if part.is_empty() {
                            continue;
                        }
                        match Email::parse(part) {
                            Ok(e) => {
                                if !emails.contains(&e) && emails.len() <= MAX_LINKS_PER_NETWORK {
                                    emails.push(e)
                                }
                            }
                            Err(_) if bad.len() < MAX_BAD_NAMED => {
                                bad.push((line + 1, part.chars().take(80).collect::<String>()))
                            }
                            Err(_) => {}
                        }
                    }
                }
                if !bad.is_empty() {
                    Err(InviteError::BadEmails(bad))
                } else if emails.is_empty() || emails.len() > MAX_LINKS_PER_NETWORK {
                    Err(InviteError::NoEmails)
                } else {
                    Ok(Invite::Emails(emails))
                }
            }
            _ => Err(InviteError::Mode),
        }
    }
}

/// The address respondents reach the app at: `LEERNET_PUBLIC_URL`, else this request's host.
/// The address that links leaving the app (e-mails, the invitations CSV) start with:
/// `server.public_url`; without it, the request's `Host` only when it names this machine
/// (`localhost`, 127.0.0.0/8, `[::1]`), so a forged `Host` never puts another site's address
/// into a member's e-mail. `None`: the link cannot be made until `public_url` is set.
pub(crate) fn public_base(state: &AppState, headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(url) = &state.public_url {
        return Some(url.clone());
    }
    let Some(host) = headers.get(header::HOST) else {
        // In-process requests (tests) carry no Host; a real HTTP/1.1 request always does.
        return Some("http://127.0.0.1:8080".to_owned());
    };
    let authority: axum::http::uri::Authority = host.to_str().ok()?.parse().ok()?;
    let name = authority.host();
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    loopback.then(|| format!("http://{authority}"))
}

fn csv_field(s: &str) -> String {
    // Quote always; a cell a spreadsheet would run as a formula is neutralised by the one
    // rule every CSV of leernet follows.
    let s = leernet_core::outbound::spreadsheet_cell(s);
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `GET /admin/waves/{id}/invitations.csv`: every link of the wave, to send by hand or mail
/// merge: network, kind, e-mail, link, status.
pub async fn invitations_csv(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    let wave = wave_or_404(&state, id, lang).await?;
    let store = &state.store;
    let networks = store.networks().await?;
    let base = public_base(&state, &headers).ok_or(AppError::NeedsPublicUrl(lang))?;
    let mut out = String::from("network,kind,email,link,status\r\n");
    for inv in store.invitations(Some(wave.id)).await? {
        let network = networks
            .iter()
            .find(|n| n.id == inv.network)
            .map(|n| n.slug.as_str().to_owned())
            .unwrap_or_default();
        // a revoked link says so, so that no mail merge sends it (issue 18)
        let status = if inv.revoked_at.is_some() {
            "revoked"
        } else {
            inv.status.map(|s| s.as_str()).unwrap_or("not_started")
        };
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            csv_field(&network),
            csv_field(inv.kind.as_str()),
            csv_field(inv.email.as_deref().unwrap_or("")),
            csv_field(&format!("{base}/s/{}", inv.token.as_str())),
            csv_field(status)
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"wave-{id}-invitations.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        out,
    )
        .into_response())
}

/// `GET /responses/{id}`: one response with its questions' labels and the answers' labels.
/// Researchers see any; a facilitator their networks' network questionnaires; a member
/// their own; coordinators none (no personal data). Others get 404.
pub async fn response(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(&[Role::Researcher, Role::Facilitator, Role::Member])?;
    let store = &state.store;
    let Some((resp, inv)) = store.response_with_invitation(ResponseId(id)).await? else {
        return Err(AppError::NotFound(lang));
    };
    let allowed = user.role == Role::Researcher
        || inv
            .as_ref()
            .is_some_and(|i| own_invitation(user, i) && resp.status == ResponseStatus::Submitted);
    if !allowed {
        return Err(AppError::NotFound(lang));
    }
    let wave = wave_or_404(&state, resp.wave.0, lang).await?;
    let form = state
        .form(wave.instrument)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let code = lang.code();
    let answers = leernet_xlsform::Answers::from_flat(&form, resp.answers.iter());
    let mut segments = vec![Segment::default()];
    answer_segments(&form, form.items(), &answers, code, 0, &mut segments);
    segments.retain(|s| s.legend.is_some() || !s.rows.is_empty());
    let network = store
        .networks()
        .await?
        .into_iter()
        .find(|n| n.id == resp.network)
        .map(|n| n.name);
    // a researcher goes through a wave's responses one by one, and back to the wave (issue 18)
    let (prev, next) = if user.role == Role::Researcher {
        store.response_neighbours(wave.id, ResponseId(id)).await?
    } else {
        (None, None)
    };
    crate::page::render(
        &state,
        &v,
        "response.html",
        minijinja::context! {
            researcher => user.role == Role::Researcher,
            wave_id => wave.id.0,
            prev => prev.map(|r| r.0),
            next => next.map(|r| r.0),
            id => id,
            form_title => form.title(code),
            wave => wave.name,
            network => network,
            submitted => resp.status == ResponseStatus::Submitted,
            segments => segments,
        },
    )
}

/// A run of answers on the response viewer: the top level's, or one repeat instance's under
/// its legend ("Kind 2", as the survey shows it); `level` 1 for a repeat's instances, 2 for a
/// repeat inside one.
#[derive(Debug, Default, serde::Serialize)]
struct Segment {
    legend: Option<String>,
    level: usize,
    rows: Vec<minijinja::Value>,
}

/// An answer as the respondent saw it: choice labels in the page's language.
fn shown_value(
    form: &leernet_xlsform::Form,
    q: &leernet_xlsform::Question,
    val: &str,
    code: &str,
) -> String {
    match q.kind.list().and_then(|l| form.choices(l)) {
        Some(choices) => val
            .split_whitespace()
            .map(|c| {
                choices
                    .iter()
                    .find(|x| x.name == c)
                    .map(|x| x.label.get(code).to_owned())
                    .unwrap_or_else(|| c.to_owned())
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => val.to_owned(),
    }
}

/// Walks `items` in form order and appends the answers to the last segment; each instance
/// of a repeat starts a segment of its own (its nested repeats follow it), and the questions
/// after a repeat continue in a segment without a legend.
fn answer_segments(
    form: &leernet_xlsform::Form,
    items: &[leernet_xlsform::Item],
    answers: &leernet_xlsform::Answers,
    code: &str,
    level: usize,
    out: &mut Vec<Segment>,
) {
    for item in items {
        match *item {
            leernet_xlsform::Item::Question(i) => {
                let Some(q) = form.question_at(i) else {
                    continue;
                };
                let Some(val) = answers.values.get(&q.name) else {
                    continue;
                };
                let label = q.label.get(code);
                let row = minijinja::context! {
                    name => q.name.clone(),
                    label => if label.is_empty() { q.name.clone() } else { label.to_owned() },
                    value => shown_value(form, q, val, code),
                    // the respondent's own words: shown as a quotation
                    own => q.kind == leernet_xlsform::QuestionKind::Text,
                };
                if let Some(last) = out.last_mut() {
                    last.rows.push(row);
                }
            }
            leernet_xlsform::Item::Group(gi) => {
                let Some(g) = form.groups().get(gi) else {
                    continue;
                };
                if !g.repeat {
                    answer_segments(form, &g.items, answers, code, level, out);
                    continue;
                }
                let instances = answers
                    .repeats
                    .get(&g.name)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                if instances.is_empty() {
                    continue;
                }
                let label = match g.label.get(code) {
                    "" => g.name.clone(),
                    l => l.to_owned(),
                };
                for (k, inst) in instances.iter().enumerate() {
                    out.push(Segment {
                        legend: Some(format!("{label} {}", k + 1)),
                        level: level + 1,
                        rows: Vec::new(),
                    });
                    answer_segments(form, &g.items, inst, code, level + 1, out);
                }
                out.push(Segment {
                    legend: None,
                    level,
                    rows: Vec::new(),
                });
            }
        }
    }
}

#[cfg(test)]
mod invite_tests {
    use super::*;

    fn form(mode: &str, count: &str, emails: &str) -> InviteForm {
        InviteForm {
            mode: mode.into(),
            count: count.into(),
            emails: emails.into(),
            ..InviteForm::default()
        }
    }

    #[test]
    fn a_wave_form_becomes_an_instrument_and_a_name_or_its_first_wrong_field() {
        let f = |instrument: &str, name: &str| NewWaveForm {
            csrf_token: None,
            instrument: instrument.into(),
            name: name.into(),
        };
        assert_eq!(
            NewWave::try_from(&f(" 7 ", " Najaar 2026 ")),
            Ok(NewWave {
                instrument: InstrumentId(7),
                name: "Najaar 2026".into()
            })
        );
        for (i, n, e) in [
            ("", "Najaar", NewWaveError::Instrument),
            ("zeven", "Najaar", NewWaveError::Instrument),
            ("99999999999999999999", "", NewWaveError::Instrument),
            ("7", "  ", NewWaveError::Name),
            // the test links' wave has this name (issue 18: the store's own conflict was the
            // only answer, and that wave is in no list)
            ("7", " (test) ", NewWaveError::Reserved),
        ] {
            assert_eq!(NewWave::try_from(&f(i, n)), Err(e), "{i:?} {n:?}");
        }
        assert_eq!(
            NewWave::try_from(&f("7", &"x".repeat(101))),
            Err(NewWaveError::Name)
        );
        let st = |s: &str| {
            StatusChange::try_from(&StatusForm {
                csrf_token: None,
                status: s.into(),
                confirm: None,
            })
        };
        assert_eq!(st("open"), Ok(StatusChange(WaveStatus::Open)));
        assert_eq!(st("closed"), Ok(StatusChange(WaveStatus::Closed)));
        assert_eq!(st("draft"), Err(()));
    }

    #[test]
    fn the_posted_fields_become_a_form_with_every_ticked_network() {
        let f: InviteForm =
            serde_html_form::from_str("csrf_token=t&network=3&mode=anonymous&network=1&count=2")
                .unwrap();
        assert_eq!(f.networks, ["3", "1"]);
        assert_eq!(f.csrf_token.as_deref(), Some("t"));
        assert_eq!(Invite::try_from(&f), Ok(Invite::Anonymous(2)));
    }

    #[test]
    fn an_invitations_form_becomes_an_invite() {
        assert_eq!(
            Invite::try_from(&form("network", "", "")),
            Ok(Invite::Network)
        );
        let e = |s: &str| Email::parse(s).unwrap();
        assert_eq!(
            Invite::try_from(&form(
                "emails",
                "",
                "a@example.org; b@example.org,\na@example.org"
            )),
            Ok(Invite::Emails(vec![e("a@example.org"), e("b@example.org")]))
        );
    }

    #[test]
    fn an_invitations_form_is_refused_for_each_bad_field() {
        let too_many = (0..=MAX_LINKS_PER_NETWORK)
            .map(|i| format!("p{i}@example.org"))
            .collect::<Vec<_>>()
            .join(" ");
        for (f, want) in [
            (form("", "", ""), InviteError::Mode),
            (form("everyone", "", ""), InviteError::Mode),
            (form("anonymous", "", ""), InviteError::Count),
            (form("anonymous", "0", ""), InviteError::Count),
            (form("anonymous", "-2", ""), InviteError::Count),
            (
                form("anonymous", &(MAX_LINKS_PER_NETWORK + 1).to_string(), ""),
                InviteError::Count,
            ),
            (form("emails", "", " ,; "), InviteError::NoEmails),
            (form("emails", "", &too_many), InviteError::NoEmails),
            (
                form("emails", "", "a@example.org anna"),
                InviteError::BadEmails(vec![(1, "anna".into())]),
            ),
        ] {
            assert_eq!(Invite::try_from(&f), Err(want), "{f:?}");
        }
    }
}
