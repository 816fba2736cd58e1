//! The lead's disagreements and consensus, and the agreement figures.

use super::*;

/// The lead's view of a finished assignment: 404 for others, 409 while coders are busy.
pub(super) async fn lead_assignment(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
) -> Result<Result<Assignment, Response>, AppError> {
    let lang = v.lang.lang;
    let a = visible_assignment(state, user, id, lang).await?;
    if a.lead != user.id {
        return Err(AppError::NotFound(lang));
    }
    if !a.all_finished() {
        return Ok(Err(assignment_page(
            state,
            v,
            user,
            id,
            Some("coding_ui.err_not_all_finished"),
            StatusCode::CONFLICT,
        )
        .await?));
    }
    Ok(Ok(a))
}

/// `GET /coding/assignments/{id}/disagreements`: per answer, every coder's codings side by
/// side (answers where all coders agree are marked so), the consensus so far, and a form to
/// settle each answer. The lead only, once every coder finished.
pub async fn disagreements(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    disagreements_page(&state, &v, user, id, None, StatusCode::OK).await
}

pub(super) async fn disagreements_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let a = match lead_assignment(state, v, user, id).await? {
        Ok(a) => a,
        Err(res) => return Ok(res),
    };
    if !a.documents.is_empty() {
        return super::document_coding::disagreements_page(state, v, &a, error, status).await;
    }
    let names = person_names(&store.persons().await?);
    let codes: BTreeMap<CodeId, Code> = store
        .codebooks()
        .await?
        .into_iter()
        .flat_map(|b| b.codes)
        .map(|c| (c.id, c))
        .collect();
    let responses: BTreeMap<ResponseId, leernet_core::Response> = store
        .responses(None)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let all = store.assignment_codings(a.id, None).await?;
    let consensus = store.assignment_consensus(a.id).await?;
    let code_name = |c: CodeId| {
        codes
            .get(&c)
            .map(|x| x.name.get(lang).to_owned())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (i, rid) in a.items.iter().enumerate() {
        let text = responses
            .get(rid)
            .and_then(|r| r.answers.get(&a.question))
            .cloned()
            .unwrap_or_default();
        let mine: Vec<&Coding> = all.iter().filter(|c| c.segment.response == *rid).collect();
        // Agreement on this answer: every coder used the same codes on the same spans.
        let sets: Vec<BTreeSet<(CodeId, usize, usize)>> = a
            .coders
            .iter()
            .map(|c| {
                mine.iter()
                    .filter(|x| x.coder == c.coder)
                    .map(|x| (x.code, x.segment.start, x.segment.end))
                    .collect()
            })
            .collect();
        let agree = sets.windows(2).all(|w| w[0] == w[1]);
        let columns: Vec<_> = a
            .coders
            .iter()
            .map(|c| {
                minijinja::context! {
                    coder => names.get(&c.coder).cloned().unwrap_or_default(),
                    codings => mine.iter().filter(|x| x.coder == c.coder).map(|x| minijinja::context! {
                        id => x.id.0,
                        code => code_name(x.code),
                        start => x.segment.start,
                        end => x.segment.end,
                        text => fragment(&text, x.segment.start, x.segment.end),
                    }).collect::<Vec<_>>(),
                }
            })
            .collect();
        let settled: Vec<_> = consensus
            .iter()
            .filter(|c| c.segment.response == *rid)
            .map(|x| {
                minijinja::context! {
                    code => code_name(x.code),
                    start => x.segment.start,
                    end => x.segment.end,
                    text => fragment(&text, x.segment.start, x.segment.end),
                }
            })
            .collect();
        let is_settled = store_has_consensus(&consensus, *rid);
        rows.push(minijinja::context! {
            pos => i + 1,
            text => text,
            agree => agree,
            columns => columns,
            settled => settled,
            is_settled => is_settled,
        });
    }
    let mut res = crate::page::render(
        state,
        v,
        "coding_disagreements.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            question => open_questions(state, lang).await?.into_iter().find(|(n, _)| *n == a.question).map(|(_, l)| l).unwrap_or_default(),
            coders => a.coders.iter().map(|c| names.get(&c.coder).cloned().unwrap_or_default()).collect::<Vec<_>>(),
            rows => rows,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

pub(super) fn store_has_consensus(consensus: &[Coding], rid: ResponseId) -> bool {
    consensus.iter().any(|c| c.segment.response == rid)
}

/// `POST /coding/assignments/{id}/answers/{pos}/consensus`: the lead settles one answer:
/// the coders' codings ticked (`take`, by coding id) become its consensus, with a reason.
pub async fn settle(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    HtmlForm(f): HtmlForm<SettleForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let a = match lead_assignment(&state, &v, user, id).await? {
        Ok(a) => a,
        Err(res) => return Ok(res),
    };
    let rid = item_at(&a, pos, lang)?;
    let posted = match Settlement::try_from(&f) {
        Ok(s) => Ok(s),
        Err(FormRefusal::TooLong) => return Err(AppError::BadRequest(lang)),
        Err(FormRefusal::Message(_)) => Err(()),
    };
    let why = posted.as_ref().map(|s| s.why.as_str()).unwrap_or("");
    let all = state.store.assignment_codings(a.id, None).await?;
    let mut spans: Vec<SpanCode> = Vec::new();
    // A take that is no coding id finds no coding, as one of another answer does not.
    let takes: Vec<Option<i64>> = match &posted {
        Ok(s) => s.take.iter().copied().map(Some).collect(),
        Err(()) => vec![None],
    };
    for t in takes {
        let Some(c) = t.and_then(|t| {
            all.iter()
                .find(|c| c.id.0 == t && c.segment.response == rid)
        }) else {
            let msg = state.catalog.t(lang, "coding_ui.err_no_coding");
            return disagreements_page(
                &state,
                &v,
                user,
                id,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        };
        let s = SpanCode {
            response: rid,
            code: c.code,
            start: c.segment.start,
            end: c.segment.end,
            memo: String::new(),
        };
        if !spans.contains(&s) {
            spans.push(s);
        }
    }
    match state
        .store
        .settle(a.id, user.id, rid, &spans, why, state.now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link(&format!(
            "/coding/assignments/{id}/disagreements#answer-{pos}"
        )))
        .into_response()),
        Err(r) => {
            let (key, status) = refusal(&r);
            let msg = state.catalog.t(lang, key);
            disagreements_page(&state, &v, user, id, Some(msg), status).await
        }
    }
}

/// The query of the agreement page.
#[derive(Debug, serde::Deserialize)]
pub struct AgreementQuery {
    /// Minimum overlap of two segments, in percent (1–100; 50 unless given).
    overlap: Option<String>,
    /// An assignment (its lead only, once finished); the whole study without.
    assignment: Option<String>,
}

pub(super) fn coefficients_view(c: &Coefficients, lang: Lang) -> minijinja::Value {
    let num = |x: Option<f64>| x.map(|v| leernet_report::format::num(v, 3, lang.code()));
    minijinja::context! {
        units => c.units,
        pa => c.percent_agreement.map(|v| leernet_report::format::num(100.0 * v, 1, lang.code())),
        kappa => num(c.cohen_kappa),
        alpha => num(c.krippendorff_alpha),
        kappa_n => num(c.kappa_n),
        notes => c.notes.clone(),
    }
}

/// The minimum overlap of two segments in percent, from a query (1–100; 50 unless given).
pub(super) fn overlap_of(given: Option<&str>, lang: Lang) -> Result<u32, AppError> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(50),
        Some(s) => match s.parse::<u32>() {
            Ok(p) if (1..=100).contains(&p) => Ok(p),
            _ => Err(AppError::BadRequest(lang)),
        },
    }
}

/// `GET /coding/agreement`: agreement per code and overall, by answer and by segment, of the
/// whole study's coders or of one finished assignment's.
pub async fn agreement(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<AgreementQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    let overlap_pct = overlap_of(q.overlap.as_deref(), lang)?;
    let overlap = f64::from(overlap_pct) / 100.0;
    let store = &state.store;
    let data = store.study_data().await?;
    let assignment_id = match q.assignment.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::BadRequest(lang))?),
    };
    let (figures, scope): (Option<CodingAgreement>, Option<String>) = match assignment_id {
        None => (coding_agreement::study_agreement(&data, overlap), None),
        Some(id) => {
            let a = match lead_assignment(&state, &v, user, id).await? {
                Ok(a) => a,
                Err(res) => return Ok(res),
            };
            // An assignment of documents: its units are speaker turns and paragraphs, and
            // each code's figures link to where the coders differ.
            if !a.documents.is_empty() {
                let docs = assignment_documents(store, &a).await?;
                let codings = store.assignment_document_codings(a.id, None).await?;
                let coders: Vec<PersonId> = a.coders.iter().map(|c| c.coder).collect();
                let figures = coding_agreement::document_agreement_of(
                    &data.codebooks,
                    &docs,
                    &codings,
                    &coders,
                    overlap,
                );
                return agreement_page(
                    &state,
                    &v,
                    &data,
                    figures.as_ref(),
                    overlap_pct,
                    Some((a.id.0, a.name.clone())),
                    Some((docs.as_slice(), codings.as_slice())),
                );
            }
            let codings = store.assignment_codings(a.id, None).await?;
            let answers: Vec<(ResponseId, String)> =
                a.items.iter().map(|r| (*r, a.question.clone())).collect();
            let coders: Vec<PersonId> = a.coders.iter().map(|c| c.coder).collect();
            (
                coding_agreement::agreement_of(
                    &data.codebooks,
                    &codings,
                    &answers,
                    &coders,
                    overlap,
                ),
                Some(a.name),
            )
        }
    };
    agreement_page(
        &state,
        &v,
        &data,
        figures.as_ref(),
        overlap_pct,
        assignment_id.zip(scope),
        None,
    )
}

/// The documents of an assignment of documents, in queue order (one gone is left out).
pub(super) async fn assignment_documents(
    store: &leernet_store::Store,
    a: &Assignment,
) -> Result<Vec<Document>, AppError> {
    let mut docs = Vec::with_capacity(a.documents.len());
    for d in &a.documents {
        if let Some(doc) = store.document(*d).await? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// The agreement page: of the study's or an assignment's answers, or, given its documents
/// and codings, of an assignment of documents (units: speaker turns and paragraphs, each
/// code linked to where the coders differ).
fn agreement_page(
    state: &AppState,
    v: &Visitor,
    data: &StudyData,
    figures: Option<&CodingAgreement>,
    overlap_pct: u32,
    assignment: Option<(i64, String)>,
    documents: Option<(&[Document], &[DocumentCoding])>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let overlap = f64::from(overlap_pct) / 100.0;
    let names = person_names(&data.persons);
    let code_names: BTreeMap<CodeId, String> = data
        .codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c.name.get(lang).to_owned()))
        .collect();
    let table = state.catalog.table(lang);
    let say = |k: &str| table.get(k).cloned().unwrap_or_default();
    // Answers, or the speaker turns and paragraphs of documents.
    let units = |k: &str| {
        if documents.is_some() {
            say(&format!("{k}_units"))
        } else {
            say(k)
        }
    };
    let view = figures.map(|f| {
        let name_of = |p: &PersonId| names.get(p).cloned().unwrap_or_default();
        let mut progress: Vec<String> = f
            .coders
            .iter()
            .zip(&f.uncoded)
            .filter(|(_, n)| **n > 0)
            .map(|(p, n)| {
                units("coding_ui.coder_progress")
                    .replace("{coder}", &name_of(p))
                    .replace("{uncoded}", &n.to_string())
                    .replace("{answers}", &f.answers.to_string())
            })
            .collect();
        if progress.is_empty() {
            progress.push(units("coding_ui.progress_all"));
        } else if f.uncoded_by_all > 0 {
            progress.push(
                units("coding_ui.progress_none").replace("{n}", &f.uncoded_by_all.to_string()),
            );
        }
        minijinja::context! {
            coders => f.coders.iter().map(name_of).collect::<Vec<_>>(),
            answers => f.answers,
            progress => progress,
            by_answer => coefficients_view(&f.by_answer, lang),
            coded_by_all => f.by_answer_coded_by_all.as_ref().map(|c| minijinja::context! {
                label => units("coding_ui.coded_by_all").replace("{n}", &f.answers_coded_by_all.to_string()),
                by_answer => coefficients_view(c, lang),
            }),
            by_segment => coefficients_view(&f.by_segment, lang),
            codes => f.codes.iter().map(|c| {
                // where the coders of documents differ on this code: one click away
                let differ = match (documents, &assignment) {
                    (Some((docs, codings)), Some((id, _))) => {
                        let n = coding_agreement::document_differences(docs, codings, &f.coders, c.code, overlap).len();
                        Some(minijinja::context! {
                            n => n,
                            href => state.link(&format!("/coding/assignments/{id}/differences/{}?overlap={overlap_pct}", c.code.0)),
                        })
                    }
                    _ => None,
                };
                minijinja::context! {
                    // a code without a name in this language is named in the other (never its key)
                    name => code_names.get(&c.code).filter(|n| !n.is_empty()).cloned()
                        .or_else(|| data.codebooks.iter().flat_map(|b| &b.codes).find(|x| x.id == c.code).map(|x| x.name.nl.clone()))
                        .unwrap_or_default(),
                    by_answer => coefficients_view(&c.by_answer, lang),
                    by_segment => coefficients_view(&c.by_segment, lang),
                    differ => differ,
                }
            }).collect::<Vec<_>>(),
        }
    });
    crate::page::render(
        state,
        v,
        "coding_agreement.html",
        minijinja::context! {
            figures => view,
            overlap => overlap_pct,
            assignment => assignment.as_ref().map(|a| a.0),
            scope => assignment.map(|a| a.1),
            documents => documents.is_some(),
        },
    )
}
