//! A network's profile, benchmark and handreiking in the app; a coordinator's Werkplaats; the
//! researcher's preview of the study report.
//!
//! Why it exists: the study was done to give every network its handreiking back. A
//! facilitator reads where the network stands on each essential element against the
//! anonymous distribution over all networks (median and quartiles, never another network's
//! name), its type, its themes and its handles, and downloads the handreiking as HTML or DOCX
//! — the same bytes `leernet report` writes, because both call `leernet-report` on the same
//! figures. A coordinator sees the networks of their own Werkplaats side by side; a
//! researcher previews the study report and every network's handreiking.
//!
//! Who sees what (stranger: login first; a role not listed: 403; a network or Werkplaats that
//! is not theirs: 404, as if it did not exist):
//! - a network's profile and handreiking: researchers; the network's own facilitators and
//!   members (members read the same page: everything on it is about their own network or
//!   anonymous); coordinators of the network's Werkplaats;
//! - a Werkplaats page: researchers, and coordinators of that Werkplaats;
//! - the report preview: researchers.
//!
//! A coordinator belongs to the Werkplaatsen of the networks linked to them
//! (`person_networks`, as `leernet user add --role coordinator --network SLUG` links them):
//! the schema needs no table of its own for it, and a coordinator without networks sees no
//! Werkplaats.

use crate::access::{NetworkAccess, StudyPages};
use crate::auth::{User, Visitor};
use crate::pages::WaveQuery;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use leernet_analysis::{FrameworkProfiles, Position, StudyFigures};
use leernet_core::{Lang, Role, WorkplaceId};
use leernet_report::handreiking::{human, position_text};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

type Table = BTreeMap<String, String>;

/// The Werkplaatsen a coordinator belongs to: those of the networks linked to them.
pub(crate) async fn coordinator_workplaces(
    state: &AppState,
    user: &User,
    lang: Lang,
) -> Result<BTreeSet<WorkplaceId>, AppError> {
    let networks = state
        .store
        .networks()
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    Ok(networks
        .iter()
        .filter(|n| user.networks.contains(&n.id))
        .map(|n| n.workplace)
        .collect())
}

fn opt(x: Option<f64>, lang: Lang) -> String {
    x.map(|v| human(v, lang)).unwrap_or_else(|| "–".into())
}

/// An indicator of the network, beside its distribution over all networks.
#[derive(Debug, Serialize)]
struct IndicatorLine {
    label: String,
    source: String,
    score: String,
    n: usize,
    median: String,
    middle: String,
}

/// An element of the network, beside its distribution over all networks.
#[derive(Debug, Serialize)]
struct ElementLine {
    name: String,
    description: String,
    score: String,
    median: String,
    middle: String,
    networks: usize,
    position: String,
    /// `below`, `middle`, `above` or `unknown` (a class for the stylesheet).
    position_key: &'static str,
    indicators: Vec<IndicatorLine>,
}

/// The network's profile against one framework.
#[derive(Debug, Serialize)]
struct FrameworkLine {
    key: String,
    name: String,
    description: String,
    source: String,
    chart: String,
    elements: Vec<ElementLine>,
}

/// A theme the network chose, and how many networks chose it.
#[derive(Debug, Serialize)]
struct ThemeLine {
    label: String,
    count: usize,
    of: usize,
}

fn position_key(p: Position) -> &'static str {
    match p {
        Position::Below => "below",
        Position::Middle => "middle",
        Position::Above => "above",
        Position::Unknown => "unknown",
    }
}

fn framework_line(
    f: &FrameworkProfiles,
    slug: &str,
    lang: Lang,
    t: &Table,
) -> Option<FrameworkLine> {
    let p = f.network(slug)?;
    let mut rows = Vec::new();
    let mut elements = Vec::new();
    for (e, sum) in p.elements.iter().zip(&f.elements) {
        rows.push(leernet_report::chart::ProfileRow {
            label: e.name.get(lang),
            score: e.score,
            benchmark: &sum.benchmark,
        });
        elements.push(ElementLine {
            name: e.name.get(lang).to_owned(),
            description: sum.description.get(lang).to_owned(),
            score: opt(e.score, lang),
            median: opt(sum.benchmark.median, lang),
            middle: format!(
                "{}–{}",
                opt(sum.benchmark.q1, lang),
                opt(sum.benchmark.q3, lang)
            ),
            networks: sum.benchmark.n,
            position: position_text(e.position, t),
            position_key: position_key(e.position),
            indicators: e
                .indicators
                .iter()
                .zip(&sum.indicators)
                .map(|(i, s)| IndicatorLine {
                    label: i.label.get(lang).to_owned(),
                    source: format!("{} / {}", i.instrument, i.question),
                    score: opt(i.score, lang),
                    n: i.n,
                    median: opt(s.benchmark.median, lang),
                    middle: format!(
                        "{}–{}",
                        opt(s.benchmark.q1, lang),
                        opt(s.benchmark.q3, lang)
                    ),
                })
                .collect(),
        });
    }
    Some(FrameworkLine {
        key: f.key.clone(),
        name: f.name.get(lang).to_owned(),
        description: f.description.get(lang).to_owned(),
        source: f.source.get(lang).to_owned(),
        chart: leernet_report::chart::profile_chart(
            &rows,
            &format!("{}: {}", f.name.get(lang), t["profile.chart_title_network"]),
        ),
        elements,
    })
}

/// The themes the network chose (the overview's `themes` section), each with how many
/// networks chose it: counts, never names.
fn themes(fig: &StudyFigures, slug: &str, lang: Lang) -> (Vec<ThemeLine>, Vec<String>) {
    let Some(row) = fig.networks.iter().find(|n| n.slug == slug) else {
        return (Vec::new(), Vec::new());
    };
    let mut out = Vec::new();
    let mut sources = Vec::new();
    for s in fig.sections.iter().filter(|s| s.key == "themes") {
        for tb in &s.tables {
            // the number of answers the themes rest on; never the questionnaire's or the
            // question's internal name (people read labels)
            sources.push(format!("n = {}", tb.n));
            let Some(answer) = row.answers.iter().find(|a| a.question == tb.question) else {
                continue;
            };
            for v in &answer.values {
                let count = tb
                    .rows
                    .iter()
                    .find(|r| r.label == *v)
                    .map(|r| r.count)
                    .unwrap_or(0);
                out.push(ThemeLine {
                    label: v.get(lang).to_owned(),
                    count,
                    of: tb.n,
                });
            }
        }
    }
    (out, sources)
}

/// `GET /networks/{slug}/profile`: the network's profile, benchmark, type, themes and
/// handreiking, with the downloads.
pub async fn profile(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<StudyPages>,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    let (visitor, user, network) = access.into_parts();
    let slug = network.slug.as_str().to_owned();
    let lang = visitor.lang.lang;
    let t = state.catalog.table(lang);
    let served =
        crate::pages::page_figures(&state, lang, &wave, crate::figures::Depth::Pages).await?;
    let fig = &served.figures;
    // Responses to the profile (issue 26): the network's own people are invited to give one;
    // researchers read them here, next to the figures; coordinators see none.
    let response_wave = leernet_analysis::feedback::response_wave(fig);
    let reactions = match user.role {
        leernet_core::Role::Facilitator | leernet_core::Role::Member => {
            minijinja::context! { show => true, own => true }
        }
        leernet_core::Role::Researcher => {
            let all = state
                .store
                .profile_responses(Some(network.id), None)
                .await?;
            minijinja::context! {
                show => true,
                own => false,
                wave => response_wave.clone(),
                rows => crate::workspace::member_check::response_rows(&all, &response_wave),
            }
        }
        _ => minijinja::context! { show => false },
    };
    let Some(row) = fig.networks.iter().find(|n| n.slug == slug) else {
        return Err(AppError::NotFound(lang));
    };
    // The handreiking as its document says it, each handle with why it applies (issue 21).
    let handreiking = fig
        .handles
        .handreikingen
        .iter()
        .find(|h| h.slug == slug)
        .map(|h| {
            let labels = reason_labels(&state, fig);
            state
                .reports
                .handreiking_view_with(fig, &h.slug, lang, labels.get(lang))
        })
        .transpose()
        .map_err(|e| AppError::internal(lang, e))?;
    let frameworks: Vec<FrameworkLine> = fig
        .frameworks
        .iter()
        .filter_map(|f| framework_line(f, &slug, lang, t))
        .collect();
    let network_type = fig
        .frameworks
        .first()
        .and_then(|f| f.network(&slug))
        .and_then(|p| p.network_type.as_ref())
        .map(|ty| ty.name.get(lang).to_owned());
    let (themes, theme_sources) = themes(fig, &slug, lang);
    // Since the previous wave (issue 19): only with two waves that hold answers.
    let change = state
        .reports
        .network_change(fig, &slug, lang)
        .map_err(|e| AppError::internal(lang, e))?;
    crate::page::render(
        &state,
        &visitor,
        "profile.html",
        minijinja::context! {
            slug => network.slug.as_str(),
            name => row.name.clone(),
            workplace => row.workplace_name.clone(),
            workplace_slug => row.workplace_slug.clone(),
            network_response => row.network_response,
            members => row.member_responses,
            network_type => network_type,
            frameworks => frameworks,
            themes => themes,
            theme_sources => theme_sources,
            h => handreiking,
            study_fictional => fig.study.fictional,
            networks_total => fig.networks.len(),
            basis => row.basis.get(lang),
            waves => waves_view(fig, lang),
            change => change,
            reactions => reactions,
            behind => served.behind,
        },
    )
}

/// The waves a page can be switched to, for `_waves.html`: label, `?wave=` value and
/// whether the figures rest on it.
pub(crate) fn waves_view(fig: &StudyFigures, lang: Lang) -> Vec<minijinja::Value> {
    fig.waves
        .options
        .iter()
        .map(|o| {
            minijinja::context! {
                label => o.label.get(lang),
                query => query_value(&o.value),
                current => o.current,
            }
        })
        .collect()
}

/// `value` percent-encoded for a query string.
pub(crate) fn query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `GET /profile`: a facilitator's or member's way to their network's profile (the first
/// of their networks; a person without one gets 404).
pub async fn my_profile(
    State(state): State<Arc<AppState>>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    let lang = visitor.lang.lang;
    let user = visitor.require(&[Role::Facilitator, Role::Member])?;
    let networks = state
        .store
        .networks()
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let Some(n) = networks.iter().find(|n| user.networks.contains(&n.id)) else {
        return Err(AppError::NotFound(lang));
    };
    Ok(
        axum::response::Redirect::to(
            &state.link(&format!("/networks/{}/profile", n.slug.as_str())),
        )
        .into_response(),
    )
}

/// The SHA-256 of every `<style>` element's text, as CSP hash sources.
fn style_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<style") {
        let tail = &rest[i..];
        let Some(open_end) = tail.find('>') else {
            break;
        };
        let body = &tail[open_end + 1..];
        let Some(close) = body.find("</style>") else {
            break;
        };
        out.push(format!(
            "'sha256-{}'",
            base64(&Sha256::digest(&body.as_bytes()[..close]))
        ));
        rest = &body[close..];
    }
    out
}

/// Standard base64 with padding (for CSP hashes; 32 bytes, not worth a dependency).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A file to download (or, `inline`, to show) with its type and name.
fn document(body: Vec<u8>, content_type: &'static str, file_name: &str, inline: bool) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = format!(
        "{}; filename=\"{file_name}\"",
        if inline { "inline" } else { "attachment" }
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Who may show a self-contained document in a frame.
#[derive(Clone, Copy)]
enum Frames {
    /// No page may (a handreiking).
    None,
    /// Pages of this app's own origin may (the report, which `/admin/report` shows); no
    /// other site may.
    ThisApp,
}

/// A self-contained HTML document (the report, a handreiking): its own strict policy allows
/// exactly its own stylesheet (by hash), no script at all, and frames as `frames` says.
fn html_document(html: String, file_name: &str, inline: bool, frames: Frames) -> Response {
    let csp = format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors {}",
        {
            let h = style_hashes(&html);
            if h.is_empty() {
                "'none'".to_owned()
            } else {
                h.join(" ")
            }
        },
        match frames {
            Frames::None => "'none'",
            Frames::ThisApp => "'self'",
        }
    );
    let mut res = document(
        html.into_bytes(),
        "text/html; charset=utf-8",
        file_name,
        inline,
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The formats a handreiking is downloaded in.
#[derive(Clone, Copy)]
enum HandreikingFormat {
    Html,
    Docx,
    Pdf,
}

/// The handreiking of the visitor's network in `format`, as `leernet report` writes it:
/// the HTML opens in the browser, the others download.
async fn handreiking(
    state: &Arc<AppState>,
    access: NetworkAccess<StudyPages>,
    wave: &WaveQuery,
    format: HandreikingFormat,
) -> Result<Response, AppError> {
    let (visitor, _, network) = access.into_parts();
    let lang = visitor.lang.lang;
    let fig = crate::pages::figures_on(state, lang, wave).await?;
    let (reports, slug) = (&state.reports, network.slug.as_str());
    // A network the figures do not hold has no handreiking.
    let missing = |_| AppError::NotFound(lang);
    Ok(match format {
        HandreikingFormat::Html => html_document(
            reports
                .handreiking_html(&fig, slug, lang)
                .map_err(missing)?,
            &format!("{slug}.html"),
            false,
            Frames::None,
        ),
        HandreikingFormat::Docx => document(
            reports
                .handreiking_docx(&fig, slug, lang)
                .map_err(missing)?,
            DOCX,
            &format!("{slug}.docx"),
            false,
        ),
        HandreikingFormat::Pdf => document(
            reports.handreiking_pdf(&fig, slug, lang).map_err(missing)?,
            "application/pdf",
            &format!("{slug}.pdf"),
            false,
        ),
    })
}

/// `GET /networks/{slug}/handreiking.html`: the handreiking as `leernet report` writes it.
pub async fn handreiking_html(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<StudyPages>,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    handreiking(&state, access, &wave, HandreikingFormat::Html).await
}

/// `GET /networks/{slug}/handreiking.docx`: the handreiking as a Word document.
pub async fn handreiking_docx(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<StudyPages>,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    handreiking(&state, access, &wave, HandreikingFormat::Docx).await
}

/// `GET /networks/{slug}/handreiking.pdf`: the handreiking as a PDF.
pub async fn handreiking_pdf(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<StudyPages>,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    handreiking(&state, access, &wave, HandreikingFormat::Pdf).await
}

/// One network on a Werkplaats page.
#[derive(Debug, Serialize)]
struct WorkplaceNetwork {
    slug: String,
    name: String,
    network_response: bool,
    members: usize,
    scores: Vec<String>,
    handles: usize,
    first: usize,
}

/// `GET /workplaces`: the Werkplaatsen the visitor may open (researchers: all; coordinators:
/// their own).
pub async fn workplaces(
    State(state): State<Arc<AppState>>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    let lang = visitor.lang.lang;
    let user = visitor.require(&[Role::Researcher, Role::Coordinator])?;
    let all = state
        .store
        .workplaces()
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let mine = if user.role == Role::Coordinator {
        Some(coordinator_workplaces(&state, user, lang).await?)
    } else {
        None
    };
    let networks = state
        .store
        .networks()
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let list: Vec<_> = all
        .iter()
        .filter(|w| mine.as_ref().is_none_or(|m| m.contains(&w.id)))
        .map(|w| {
            minijinja::context! {
                slug => w.slug.as_str(),
                name => w.name.clone(),
                region => w.region.clone(),
                networks => networks.iter().filter(|n| n.workplace == w.id).count(),
            }
        })
        .collect();
    crate::page::render(
        &state,
        &visitor,
        "workplaces.html",
        minijinja::context! { workplaces => list },
    )
}

/// `GET /workplaces/{slug}`: every network of one Werkplaats with its scores on the study's
/// elements against the median over all networks, and its handles.
pub async fn workplace(
    State(state): State<Arc<AppState>>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    let lang = visitor.lang.lang;
    let user = visitor.require(&[Role::Researcher, Role::Coordinator])?;
    let all = state
        .store
        .workplaces()
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let Some(wp) = all.iter().find(|w| w.slug.as_str() == slug) else {
        return Err(AppError::NotFound(lang));
    };
    if user.role == Role::Coordinator
        && !coordinator_workplaces(&state, user, lang)
            .await?
            .contains(&wp.id)
    {
        return Err(AppError::NotFound(lang));
    }
    let t = state.catalog.table(lang);
    let fig = crate::pages::figures_on(&state, lang, &wave).await?;
    let fw = fig.frameworks.first();
    let columns: Vec<String> = fw
        .map(|f| {
            f.elements
                .iter()
                .map(|e| e.name.get(lang).to_owned())
                .collect()
        })
        .unwrap_or_default();
    let medians: Vec<String> = fw
        .map(|f| {
            f.elements
                .iter()
                .map(|e| opt(e.benchmark.median, lang))
                .collect()
        })
        .unwrap_or_default();
    let networks: Vec<WorkplaceNetwork> = fig
        .networks
        .iter()
        .filter(|n| n.workplace_slug == slug)
        .map(|n| {
            let h = fig.handles.handreikingen.iter().find(|h| h.slug == n.slug);
            WorkplaceNetwork {
                slug: n.slug.clone(),
                name: n.name.clone(),
                network_response: n.network_response,
                members: n.member_responses,
                scores: fw
                    .and_then(|f| f.network(&n.slug))
                    .map(|p| p.elements.iter().map(|e| opt(e.score, lang)).collect())
                    .unwrap_or_default(),
                handles: h.map(|h| h.items.len()).unwrap_or(0),
                first: h
                    .map(|h| h.items.iter().filter(|i| i.priority == 1).count())
                    .unwrap_or(0),
            }
        })
        .collect();
    // The chart: the Werkplaats' median per element against the band of all networks.
    let chart = fw.map(|f| {
        let rows: Vec<(String, Option<f64>)> = f
            .elements
            .iter()
            .enumerate()
            .map(|(ei, e)| {
                let own: Vec<Option<f64>> = f
                    .networks
                    .iter()
                    .filter(|p| p.workplace_slug == slug)
                    .map(|p| p.elements[ei].score)
                    .collect();
                (
                    e.name.get(lang).to_owned(),
                    leernet_analysis::Benchmark::of(&own).median,
                )
            })
            .collect();
        let rows: Vec<leernet_report::chart::ProfileRow<'_>> = rows
            .iter()
            .zip(&f.elements)
            .map(|((label, score), e)| leernet_report::chart::ProfileRow {
                label: label.as_str(),
                score: *score,
                benchmark: &e.benchmark,
            })
            .collect();
        leernet_report::chart::profile_chart(
            &rows,
            &format!("{}: {}", f.name.get(lang), t["profile_ui.workplace_chart"]),
        )
    });
    crate::page::render(
        &state,
        &visitor,
        "workplace.html",
        minijinja::context! {
            name => wp.name.clone(),
            region => wp.region.clone(),
            framework => fw.map(|f| f.name.get(lang).to_owned()),
            columns => columns,
            medians => medians,
            networks => networks,
            networks_total => fig.networks.len(),
            chart => chart,
            study_fictional => fig.study.fictional,
            // the waves the figures rest on, the switch, and the links that keep the choice
            wave_bases => minijinja::Value::from_serialize(&fig.waves.bases),
            waves => waves_view(&fig, lang),
            here => format!("/workplaces/{}", wp.slug.as_str()),
            wave_q => crate::pages::wave_query(&fig),
        },
    )
}

/// The words of the handles' reasons in both languages, made once per computed set of
/// figures: at a national study's scale reading them from every handreiking took most of a
/// profile view's time (`bench/pages/RESULTS.md`).
struct ReasonLabels {
    nl: leernet_report::reasons::Labels,
    en: leernet_report::reasons::Labels,
}

impl ReasonLabels {
    fn get(&self, lang: Lang) -> &leernet_report::reasons::Labels {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

fn reason_labels(state: &AppState, fig: &crate::figures::Figures) -> Arc<ReasonLabels> {
    fig.view(|f| ReasonLabels {
        nl: state.reports.reason_labels(f, Lang::Nl),
        en: state.reports.reason_labels(f, Lang::En),
    })
}

/// `GET /admin/report`: the study report's files in both languages and every network's
/// handreiking, for a researcher to read before publishing.
pub async fn report_preview(
    State(state): State<Arc<AppState>>,
    visitor: Visitor,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    let lang = visitor.lang.lang;
    visitor.require(&[Role::Researcher])?;
    let fig = crate::pages::figures_on(&state, lang, &wave).await?;
    let networks: Vec<_> = fig
        .handles
        .handreikingen
        .iter()
        .map(|h| {
            minijinja::context! {
                slug => h.slug.clone(),
                name => h.name.clone(),
                workplace => h.workplace_name.clone(),
                handles => h.items.len(),
                first => h.items.iter().filter(|i| i.priority == 1).count(),
            }
        })
        .collect();
    crate::page::render(
        &state,
        &visitor,
        "report_preview.html",
        minijinja::context! {
            networks => networks,
            counts => fig.counts.clone(),
            handles_file => fig.handles.file.clone(),
            overridden => state.content.overridden.clone(),
            study_fictional => fig.study.fictional,
            bases => fig.waves.bases.iter().map(|b| b.sentence.get(lang).to_owned()).collect::<Vec<_>>(),
            waves => waves_view(&fig, lang),
            wave => wave.choice().map(|c| query_value(c.as_text())),
        },
    )
}

/// `GET /admin/report/{file}`: `index.html` (shown), `index.docx`, `index.md` or `index.pdf`
/// (downloaded),
/// in the visitor's language, with the section on the networks' practice; the bytes
/// `leernet report` writes (tested byte for byte in `crates/leernet/tests/it/web.rs`).
pub async fn report_file(
    State(state): State<Arc<AppState>>,
    visitor: Visitor,
    Path(file): Path<String>,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    let lang = visitor.lang.lang;
    visitor.require(&[Role::Researcher])?;
    if !matches!(
        file.as_str(),
        "index.html" | "index.docx" | "index.md" | "index.pdf"
    ) {
        return Err(AppError::NotFound(lang));
    }
    let fig = crate::pages::report_figures(&state, lang, &wave).await?;
    // The networks' practice, as `leernet report` adds it: the same bytes as its files.
    let practice = leernet_app::figures::practice(&state.store)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let reports = &state.reports;
    let name = format!("report-{}", lang.code());
    Ok(match file.as_str() {
        // the one document another page of this app shows in a frame (`/admin/report`)
        "index.html" => html_document(
            reports
                .html_with_practice(&fig, &practice, lang)
                .map_err(|e| AppError::internal(lang, e))?,
            &format!("{name}.html"),
            true,
            Frames::ThisApp,
        ),
        "index.docx" => document(
            reports
                .docx_with_practice(&fig, &practice, lang)
                .map_err(|e| AppError::internal(lang, e))?,
            DOCX,
            &format!("{name}.docx"),
            false,
        ),
        "index.pdf" => document(
            reports
                .pdf_with_practice(&fig, &practice, lang)
                .map_err(|e| AppError::internal(lang, e))?,
            "application/pdf",
            &format!("{name}.pdf"),
            false,
        ),
        _ => document(
            reports
                .markdown_with_practice(&fig, &practice, lang)
                .map_err(|e| AppError::internal(lang, e))?
                .into_bytes(),
            "text/markdown; charset=utf-8",
            &format!("{name}.md"),
            false,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_style_hashes() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // The hash of an empty stylesheet, as browsers compute it.
        assert_eq!(
            style_hashes("<style></style>"),
            vec!["'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='".to_owned()]
        );
        assert_eq!(style_hashes("<p>no style</p>").len(), 0);
    }
}
