//! The slow-question register with its move to a network's log, and full-text search over
//! open answers and the speaker turns (paragraphs) of documents, hits highlighted and linked.

use super::*;

/// `GET /coding/slow-questions`: the register of confirmed and rejected slow-question
/// candidates, per network.
pub async fn slow_register(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    v.require(RESEARCHER)?;
    slow_register_page(&state, &v, None, StatusCode::OK).await
}

/// `POST /coding/slow-questions/{entry}/move`: a confirmed candidate becomes an entry of its
/// network's slow-question log (anonymous: it came from an answer), once.
pub async fn move_slow(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(entry): Path<i64>,
    HtmlForm(f): HtmlForm<CsrfOnly>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    match state
        .store
        .move_slow_question_to_log(entry, user.id, state.now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link("/coding/slow-questions")).into_response()),
        Err(Refusal::NoSlowQuestion) => Err(AppError::NotFound(lang)),
        Err(r) => {
            let (key, status) = refusal(&r);
            slow_register_page(&state, &v, Some(key), status).await
        }
    }
}

pub(super) async fn slow_register_page(
    state: &AppState,
    v: &Visitor,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let store = &state.store;
    let names = person_names(&store.persons().await?);
    let responses: BTreeMap<ResponseId, leernet_core::Response> = store
        .responses(None)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut groups = Vec::new();
    for n in store.networks().await? {
        let entries: Vec<_> = store
            .slow_question_register(Some(n.id))
            .await?
            .into_iter()
            .map(|c| {
                let text = responses
                    .get(&c.response)
                    .and_then(|r| r.answers.get(&c.question))
                    .map(|t| fragment(t, c.start, c.end))
                    .unwrap_or_default();
                minijinja::context! {
                    id => c.id,
                    text => text,
                    question => c.question,
                    status => c.status.as_str(),
                    coder => names.get(&c.coder).cloned().unwrap_or_default(),
                    movable => c.status == SlowStatus::Confirmed && c.moved_to.is_none(),
                    moved => c.moved_to.is_some(),
                }
            })
            .collect();
        if !entries.is_empty() {
            groups.push(minijinja::context! { network => n.name, entries => entries });
        }
    }
    let mut res = crate::page::render(
        state,
        v,
        "coding_slow.html",
        minijinja::context! { groups => groups, error => error },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// The query of the search page.
#[derive(Debug, serde::Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    wave: Option<String>,
    network: Option<String>,
    question: Option<String>,
    code: Option<String>,
}

/// `GET /coding/search`: full-text search over every submitted open answer (Dutch stemming
/// and compounds), filtered by wave, network, question and code.
pub async fn search(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<SearchForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    let store = &state.store;
    let data = store.study_data().await?;
    let questions = open_questions(&state, lang).await?;
    let open: BTreeSet<&str> = questions.iter().map(|(n, _)| n.as_str()).collect();
    let keys: BTreeMap<CodeId, &str> = data
        .codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c.key.as_str()))
        .collect();
    let mut codes_of: BTreeMap<(ResponseId, &str), BTreeSet<&str>> = BTreeMap::new();
    let reading = coding_agreement::content_codings(&data);
    for c in &reading {
        if let Some(k) = keys.get(&c.code) {
            codes_of
                .entry((c.segment.response, c.segment.question.as_str()))
                .or_default()
                .insert(k);
        }
    }
    let wave_names: BTreeMap<WaveId, &str> =
        data.waves.iter().map(|w| (w.id, w.name.as_str())).collect();
    let networks: BTreeMap<NetworkId, &Network> = data.networks.iter().map(|n| (n.id, n)).collect();
    let mut docs = Vec::new();
    let mut texts: Vec<(ResponseId, String, String)> = Vec::new();
    // Speaker turns (paragraphs without turns) of documents: (document, start, speaker, text).
    type Unit = (usize, usize, Option<String>, String);
    let mut units: Vec<Unit> = Vec::new();
    for r in data
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Submitted)
    {
        for (question, text) in &r.answers {
            if !open.contains(question.as_str()) || text.trim().is_empty() {
                continue;
            }
            docs.push(leernet_text::SearchDoc {
                id: texts.len() as u64,
                wave: r.wave.0.to_string(),
                network: networks
                    .get(&r.network)
                    .map(|n| n.slug.as_str().to_owned())
                    .unwrap_or_default(),
                question: question.clone(),
                codes: codes_of
                    .get(&(r.id, question.as_str()))
                    .map(|s| s.iter().map(|k| (*k).to_owned()).collect())
                    .unwrap_or_default(),
                text: text.clone(),
            });
            texts.push((r.id, question.clone(), text.clone()));
        }
    }
    // Documents are searched by unit, ids after the answers'; a question filter leaves them
    // out (they answer none).
    let located = leernet_analysis::documents::located(&data);
    for (di, d) in data.documents.iter().enumerate() {
        for (ui, (start, end)) in leernet_analysis::documents::units(d)
            .into_iter()
            .enumerate()
        {
            let Some(text) = span_text(&d.text, start, end) else {
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            let codes: BTreeSet<String> = located
                .iter()
                .filter(|l| l.document.info.id == d.info.id && l.unit == ui)
                .filter_map(|l| keys.get(&l.coding.code).map(|k| (*k).to_owned()))
                .collect();
            docs.push(leernet_text::SearchDoc {
                id: (texts.len() + units.len()) as u64,
                wave: d.info.wave.map(|w| w.0.to_string()).unwrap_or_default(),
                network: d
                    .info
                    .network
                    .and_then(|n| networks.get(&n))
                    .map(|n| n.slug.as_str().to_owned())
                    .unwrap_or_default(),
                question: String::new(),
                codes: codes.into_iter().collect(),
                text: text.to_owned(),
            });
            let speaker = d.turns.get(ui).map(|t| t.speaker.clone());
            units.push((di, start, speaker, text.to_owned()));
        }
    }
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let query = leernet_text::SearchQuery {
        text: q.q.clone().unwrap_or_default(),
        wave: nonempty(&q.wave),
        network: nonempty(&q.network),
        question: nonempty(&q.question),
        code: nonempty(&q.code),
        limit: 50,
    };
    let asked = !query.text.trim().is_empty()
        || query.wave.is_some()
        || query.network.is_some()
        || query.question.is_some()
        || query.code.is_some();
    let mut hits = Vec::new();
    if asked {
        let index = leernet_text::SearchIndex::build(&docs)?;
        let labels: BTreeMap<&str, &str> = questions
            .iter()
            .map(|(n, l)| (n.as_str(), l.as_str()))
            .collect();
        for h in index.search(&query)? {
            let i = h.id as usize;
            if let Some((rid, question, text)) = texts.get(i) {
                let r = data.responses.iter().find(|r| r.id == *rid);
                hits.push(minijinja::context! {
                    parts => super::retrieval::marked_parts(text, &super::retrieval::highlights(&query.text, text)),
                    source => labels.get(question.as_str()).copied().unwrap_or_default(),
                    kind => "documents_data.kind_answer",
                    href => super::retrieval::answer_href(&state, *rid),
                    network => r.and_then(|r| networks.get(&r.network)).map(|n| n.name.clone()),
                    wave => r.and_then(|r| wave_names.get(&r.wave)).map(|w| (*w).to_owned()),
                    speaker => Option::<String>::None,
                });
            } else if let Some((di, start, speaker, text)) =
                i.checked_sub(texts.len()).and_then(|u| units.get(u))
            {
                let d = &data.documents[*di];
                hits.push(minijinja::context! {
                    parts => super::retrieval::marked_parts(text, &super::retrieval::highlights(&query.text, text)),
                    source => d.info.title.clone(),
                    kind => super::retrieval::kind_key(d.info.kind),
                    href => super::retrieval::document_href(&state, d.info.id, *start),
                    network => d.info.network.and_then(|n| networks.get(&n)).map(|n| n.name.clone()),
                    wave => d.info.wave.and_then(|w| wave_names.get(&w)).map(|w| (*w).to_owned()),
                    speaker => speaker.clone(),
                });
            }
        }
    }
    crate::page::render(
        &state,
        &v,
        "coding_search.html",
        minijinja::context! {
            q => q.q.clone().unwrap_or_default(),
            wave => query.wave.clone(),
            network => query.network.clone(),
            question => query.question.clone(),
            code => query.code.clone(),
            asked => asked,
            hits => hits,
            waves => data.waves.iter().map(|w| minijinja::context! { id => w.id.0.to_string(), name => w.name.clone() }).collect::<Vec<_>>(),
            networks => data.networks.iter().map(|n| minijinja::context! { slug => n.slug.as_str().to_owned(), name => n.name.clone() }).collect::<Vec<_>>(),
            questions => questions.iter().map(|(n, l)| minijinja::context! { name => n.clone(), label => l.clone() }).collect::<Vec<_>>(),
            codes => data.codebooks.iter().flat_map(|b| &b.codes).map(|c| minijinja::context! { key => c.key.clone(), name => c.name.get(lang).to_owned() }).collect::<Vec<_>>(),
        },
    )
}
