//! Coding in the app, driven in-process on every back end: an assignment for two coders who
//! code blind (by offsets, whole answers and accepted suggestions), refusals that store
//! nothing, finishing once, the lead's disagreements and consensus with the decisions log,
//! the agreement page checked against the statistics engine, the slow-question register,
//! search, and every new route walked as every role and a stranger.

use crate::common;

use axum::http::{header, StatusCode};
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world, then = coding_world,
    two_coders_code_blind_and_the_lead_settles => coding_story,
    every_coding_route_as_every_role => authorisation_story,
);

const TEXT_1: &str =
    "We werken met de leercyclus van Kolb. Mogen we ingrijpen als bewoners dat niet willen?";
const TEXT_2: &str = "Praktijkgericht leren in de wijk, stap voor stap.";

struct Coding {
    coder1: PersonId,
    coder2: PersonId,
    lead: PersonId,
    book: CodebookId,
    /// rationale, rationale.learning_theory, rationale.practice_based
    codes: Vec<CodeId>,
    responses: Vec<ResponseId>,
}

async fn coding_world(w: &World) -> Coding {
    let store = &w.store;
    let hash = leernet_web::auth::hash_password(common::PASSWORD).unwrap();
    let mut ids = Vec::new();
    for e in ["coder1", "coder2", "other-researcher"] {
        ids.push(
            store
                .add_person(&NewPerson {
                    email: Email::parse(&format!("{e}@example.org")).unwrap(),
                    name: format!("Codeur {e}"),
                    role: Role::Researcher,
                    networks: vec![],
                    password_hash: Some(hash.clone()),
                })
                .await
                .unwrap(),
        );
    }
    let lead = store
        .account_by_email("researcher@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let wave = store
        .add_wave(w.instrument, "2023", WaveStatus::Closed)
        .await
        .unwrap();
    let resp = |n: &str, net, text: &str| NewResponse {
        network: net,
        respondent: n.into(),
        status: ResponseStatus::Submitted,
        answers: [
            ("rationale_text".to_owned(), text.to_owned()),
            ("network_name".to_owned(), format!("Netwerk {n}")),
        ]
        .into_iter()
        .collect(),
    };
    let responses = store
        .add_responses(wave, &[resp("r1", w.a, TEXT_1), resp("r2", w.b, TEXT_2)])
        .await
        .unwrap();
    let code = |k: &str, p: Option<&str>| NewCode {
        key: k.into(),
        parent: p.map(str::to_owned),
        name: Bilingual {
            nl: format!("NL {k}"),
            en: format!("EN {k}"),
        },
        description: Bilingual::default(),
        ..Default::default()
    };
    let book = store
        .add_codebook(
            "Codeboek",
            &[
                code("rationale", None),
                NewCode {
                    colour: Some(Colour::parse("#9467BD").unwrap()),
                    ..code("rationale.learning_theory", Some("rationale"))
                },
                code("rationale.practice_based", Some("rationale")),
            ],
        )
        .await
        .unwrap();
    let codes = store.codebooks().await.unwrap()[0]
        .codes
        .iter()
        .map(|c| c.id)
        .collect();
    Coding {
        coder1: ids[0],
        coder2: ids[1],
        lead,
        book,
        codes,
        responses,
    }
}

async fn logged_in(w: &World, email: &str) -> (Client, String) {
    let mut c = Client::new(&w.app);
    c.login(email).await;
    let csrf = c.session_csrf().await;
    (c, csrf)
}

/// The lead makes an assignment of the two answers for both coders; returns its id.
async fn make_assignment(w: &World, k: &Coding) -> i64 {
    let (mut lead, csrf) = logged_in(w, "researcher@example.org").await;
    let page = lead.get("/coding").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("value=\"rationale_text\""),
        "open question offered"
    );
    let p = lead
        .post_owned(
            "/coding/assignments",
            &[
                ("csrf_token".into(), csrf),
                ("name".into(), "Ronde 1".into()),
                ("question".into(), "rationale_text".into()),
                ("wave".into(), String::new()),
                ("codebook".into(), k.book.0.to_string()),
                ("coder".into(), k.coder1.0.to_string()),
                ("coder".into(), k.coder2.0.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    p.location().rsplit('/').next().unwrap().parse().unwrap()
}

async fn coding_story(w: &World, k: &Coding) {
    let store = &w.store;
    let id = make_assignment(w, k).await;
    let a = store.assignment(AssignmentId(id)).await.unwrap().unwrap();
    assert_eq!(a.items, k.responses);
    assert_eq!(a.lead, k.lead);
    let base = format!("/coding/assignments/{id}");

    // Coder 1 sees the queue and the first answer with the respondent's network beside it.
    let (mut c1, csrf1) = logged_in(w, "coder1@example.org").await;
    let q = c1.get(&base).await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains("Netwerk Wijk A") && q.body.contains("Netwerk Wijk B"));
    let p = c1.get(&format!("{base}/answers/1")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("leercyclus van Kolb"));
    assert!(p.body.contains("Netwerk Wijk A"));
    assert!(p.body.contains("/static/coding.js"));
    assert!(p.body.contains("rel=\"next\""));
    // The shipped rules suggest learning theory for "leercyclus"; the lexicon a slow question.
    assert!(
        p.body.contains("class=\"suggestion\""),
        "a suggestion is shown"
    );
    assert!(
        p.body.contains("Mogen we ingrijpen"),
        "a slow-question candidate"
    );
    assert_eq!(
        c1.get(&format!("{base}/answers/3")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c1.get(&format!("{base}/answers/0")).await.status,
        StatusCode::NOT_FOUND
    );

    let post = |fields: Vec<(&str, String)>, csrf: &str| {
        let mut f: Vec<(String, String)> = vec![("csrf_token".into(), csrf.to_owned())];
        f.extend(fields.into_iter().map(|(a, b)| (a.to_owned(), b)));
        f
    };
    let theory = k.codes[1].0.to_string();
    let practice = k.codes[2].0.to_string();
    let len1 = TEXT_1.chars().count();
    // Bad input: outside the text, reversed, not numbers, unknown code. Nothing stored.
    for (fields, status, msg) in [
        (
            vec![
                ("code", theory.clone()),
                ("start", "0".into()),
                ("end", (len1 + 1).to_string()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "0–{} ligt niet binnen het antwoord van {len1} tekens",
                len1 + 1
            ),
        ),
        (
            vec![
                ("code", theory.clone()),
                ("start", "9".into()),
                ("end", "3".into()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "9–3 ligt niet binnen".to_owned(),
        ),
        (
            vec![
                ("code", theory.clone()),
                ("start", "a".into()),
                ("end", "3".into()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "als hele getallen".to_owned(),
        ),
        (
            vec![
                ("code", "99999".into()),
                ("start", "0".into()),
                ("end", "3".into()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Kies een code uit het codeboek".to_owned(),
        ),
    ] {
        let p = c1
            .post_owned(&format!("{base}/answers/1/codings"), &post(fields, &csrf1))
            .await;
        assert_eq!(p.status, status, "{msg}");
        assert!(p.body.contains(&msg), "{msg}: {}", p.body);
    }
    assert!(store
        .assignment_codings(AssignmentId(id), None)
        .await
        .unwrap()
        .is_empty());
    // Without the CSRF token: refused.
    let p = c1
        .post(
            &format!("{base}/answers/1/codings"),
            &[("code", &theory), ("whole", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    // Coder 1: "leercyclus van Kolb" (17..36) by offsets as the script sends them, and the
    // second answer whole.
    let span = |s: usize, e: usize| -> String { TEXT_1.chars().skip(s).take(e - s).collect() };
    assert_eq!(span(17, 36), "leercyclus van Kolb");
    let p = c1
        .post_owned(
            &format!("{base}/answers/1/codings"),
            &post(
                vec![
                    ("code", theory.clone()),
                    ("start", "17".into()),
                    ("end", "36".into()),
                    ("memo", "Kolb".into()),
                ],
                &csrf1,
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = c1
        .post_owned(
            &format!("{base}/answers/2/codings"),
            &post(
                vec![("code", practice.clone()), ("whole", "1".into())],
                &csrf1,
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let own1 = store
        .assignment_codings(AssignmentId(id), Some(k.coder1))
        .await
        .unwrap();
    assert_eq!(own1.len(), 2);
    assert_eq!(
        (own1[1].segment.start, own1[1].segment.end),
        (0, TEXT_2.chars().count())
    );
    let p = c1.get(&format!("{base}/answers/1")).await;
    assert!(
        p.body.contains("<q>leercyclus van Kolb</q>"),
        "own coding shown in the list of passages"
    );
    // Highlighted in the text in its code's colour, with the code's name in text beside it.
    let class = format!("c-{theory}");
    let mark = format!("<mark class=\"coded {class}\" data-s=\"17\"");
    assert!(p.body.contains(&mark), "{}", p.body);
    assert!(p.body.contains(&format!(
        "<li class=\"stripe {class}\">NL rationale.learning_theory</li>"
    )));
    let css = c1
        .get(&format!("/coding/codebooks/{}/colours.css", k.book.0))
        .await;
    assert!(
        css.body
            .contains(&format!(".{class} {{ --code: #9467BD; }}")),
        "{}",
        css.body
    );

    // Coder 2 accepts the suggestion for answer 1 (its span comes from the rules) and rejects
    // nothing else; answer 2 gets no code. Coder 2 never sees coder 1's work.
    let (mut c2, csrf2) = logged_in(w, "coder2@example.org").await;
    let p = c2.get(&format!("{base}/answers/1")).await;
    let offered = p.body.matches("class=\"suggestion\"").count();
    assert!(
        !p.body.contains("<q>leercyclus van Kolb</q>") && !p.body.contains("<mark"),
        "blind: not the other's coding"
    );
    assert!(!p.body.contains("Kolb</"));
    let start = common::fill::hidden(
        &p.body[p.body.find("class=\"suggestion\"").unwrap()..],
        "start",
    )
    .unwrap();
    let end = common::fill::hidden(
        &p.body[p.body.find("class=\"suggestion\"").unwrap()..],
        "end",
    )
    .unwrap();
    let code = common::fill::hidden(
        &p.body[p.body.find("class=\"suggestion\"").unwrap()..],
        "code",
    )
    .unwrap();
    assert_eq!(code, theory);
    // A decision that is neither accept nor reject, or a span that is no number, is refused
    // with a message on the answer's page, and nothing is stored.
    for (decision, s) in [("maybe", start.clone()), ("accept", "zeven".to_owned())] {
        let p = c2
            .post_owned(
                &format!("{base}/answers/1/suggestions"),
                &post(
                    vec![
                        ("code", code.clone()),
                        ("start", s),
                        ("end", end.clone()),
                        ("decision", decision.into()),
                    ],
                    &csrf2,
                ),
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{decision}");
        let want = if decision == "maybe" {
            "Kies of u de suggestie aanneemt of afwijst."
        } else {
            "Begin en eind van het fragment moeten hele getallen zijn"
        };
        assert!(p.body.contains(want), "{}", p.body);
        assert_eq!(
            p.body.matches("class=\"suggestion\"").count(),
            offered,
            "the suggestion is still offered"
        );
        assert!(store
            .assignment_codings(AssignmentId(id), Some(k.coder2))
            .await
            .unwrap()
            .is_empty());
    }
    // A form without its decision is asked again with the same message; a field posted
    // twice is no form the page sends: a bad request in the coder's language (not the
    // framework's plain text naming the field). Nothing is stored either way.
    for (fields, status, want) in [
        (
            vec![
                ("code", code.clone()),
                ("start", start.clone()),
                ("end", end.clone()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Kies of u de suggestie aanneemt of afwijst.",
        ),
        (
            vec![
                ("code", code.clone()),
                ("start", start.clone()),
                ("end", end.clone()),
                ("decision", "accept".into()),
                ("decision", "reject".into()),
            ],
            StatusCode::BAD_REQUEST,
            "Het verzoek kon niet worden gelezen",
        ),
    ] {
        let p = c2
            .post_owned(
                &format!("{base}/answers/1/suggestions"),
                &post(fields, &csrf2),
            )
            .await;
        assert_eq!(p.status, status, "{}", p.body);
        assert!(p.body.contains(want), "{}", p.body);
        assert!(store
            .assignment_codings(AssignmentId(id), Some(k.coder2))
            .await
            .unwrap()
            .is_empty());
    }
    let p = c2
        .post_owned(
            &format!("{base}/answers/1/suggestions"),
            &post(
                vec![
                    ("code", code.clone()),
                    ("start", start.clone()),
                    ("end", end.clone()),
                    ("decision", "accept".into()),
                ],
                &csrf2,
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = c2.get(&format!("{base}/answers/1")).await;
    assert_eq!(
        p.body.matches("class=\"suggestion\"").count(),
        offered - 1,
        "a decided suggestion is gone"
    );
    assert_eq!(
        store
            .assignment_codings(AssignmentId(id), Some(k.coder2))
            .await
            .unwrap()
            .len(),
        1
    );
    // Coder 2 confirms the slow question.
    let slow_at = p.body.find("/slow\"").unwrap();
    let s_start = common::fill::hidden(&p.body[slow_at..], "start").unwrap();
    let s_end = common::fill::hidden(&p.body[slow_at..], "end").unwrap();
    let p = c2
        .post_owned(
            &format!("{base}/answers/1/slow"),
            &post(
                vec![
                    ("start", s_start),
                    ("end", s_end),
                    ("status", "confirmed".into()),
                ],
                &csrf2,
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let reg = store.slow_question_register(Some(w.a)).await.unwrap();
    assert_eq!(reg.len(), 1);
    // A verdict that is neither confirmed nor rejected is refused and changes nothing.
    let p = c2
        .post_owned(
            &format!("{base}/answers/1/slow"),
            &post(
                vec![
                    ("start", reg[0].start.to_string()),
                    ("end", reg[0].end.to_string()),
                    ("status", "rejected!".into()),
                ],
                &csrf2,
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Kies of dit een trage vraag is of niet."));
    assert_eq!(store.slow_question_register(Some(w.a)).await.unwrap(), reg);
    assert_eq!(reg[0].status, SlowStatus::Confirmed);

    // The lead cannot see the disagreements yet.
    let (mut lead, csrf_l) = logged_in(w, "researcher@example.org").await;
    let p = lead.get(&format!("{base}/disagreements")).await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("Nog niet alle codeurs zijn klaar"));
    assert!(
        !p.body.contains("leercyclus"),
        "no answer text before everyone finished"
    );
    assert_eq!(
        lead.get(&format!("{base}/answers/1")).await.status,
        StatusCode::NOT_FOUND
    );

    // Blind on the study-wide pages too: while the assignment is open, neither the agreement
    // page nor search by code shows a coder (or anyone) the other coder's work. Coder 1 coded
    // answer 2 as practice-based; coder 2 did not.
    let practice_key = "rationale.practice_based";
    let no_agreement = "Er zijn (nog) geen coderingen van twee of meer codeurs";
    for c in [&mut c2, &mut lead] {
        let p = c.get("/coding/agreement").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains(no_agreement), "no figures yet");
        assert!(!p.body.contains("Codeur coder1"));
        let p = c.get(&format!("/coding/search?code={practice_key}")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(
            !p.body.contains("Praktijkgericht leren in de wijk"),
            "search by code does not reveal coder 1's coding"
        );
    }

    // Finishing: once; after that nothing changes.
    let p = c1
        .post(&format!("{base}/finish"), &[("csrf_token", &csrf1)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = c1
        .post(&format!("{base}/finish"), &[("csrf_token", &csrf1)])
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("U had al gezegd dat u klaar bent"));
    let p = c1
        .post_owned(
            &format!("{base}/answers/1/codings"),
            &post(
                vec![("code", theory.clone()), ("whole", "1".into())],
                &csrf1,
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert_eq!(
        store
            .assignment_codings(AssignmentId(id), Some(k.coder1))
            .await
            .unwrap()
            .len(),
        2
    );
    let p = c2
        .post(&format!("{base}/finish"), &[("csrf_token", &csrf2)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // Everyone finished: the codings reach the study-wide pages.
    let p = c2.get("/coding/agreement").await;
    assert!(!p.body.contains(no_agreement));
    assert!(p.body.contains("Codeur coder1") && p.body.contains("Codeur coder2"));
    let p = c2.get(&format!("/coding/search?code={practice_key}")).await;
    assert!(p.body.contains("Praktijkgericht leren in de wijk"));

    // Now the lead sees both side by side, and settles answer 1 on coder 1's span.
    let p = lead.get(&format!("{base}/disagreements")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Codeur coder1") && p.body.contains("Codeur coder2"));
    assert!(p.body.contains("codeurs verschillen"));
    assert_eq!(
        c1.get(&format!("{base}/disagreements")).await.status,
        StatusCode::NOT_FOUND
    );
    let take = own1[0].id.0.to_string();
    let p = lead
        .post(
            &format!("{base}/answers/1/consensus"),
            &[("csrf_token", &csrf_l), ("take", &take), ("why", "")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Zeg waarom"));
    let p = lead
        .post(
            &format!("{base}/answers/1/consensus"),
            &[("csrf_token", &csrf_l), ("take", "999999"), ("why", "x")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(store.consensus_codings().await.unwrap().is_empty());
    let p = lead
        .post(
            &format!("{base}/answers/1/consensus"),
            &[
                ("csrf_token", &csrf_l),
                ("take", &take),
                ("why", "De naam van het model hoort erbij"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let consensus = store.consensus_codings().await.unwrap();
    assert_eq!(consensus.len(), 1);
    assert_eq!(
        (
            consensus[0].segment.start,
            consensus[0].segment.end,
            consensus[0].coder
        ),
        (17, 36, k.lead)
    );
    // The log on the assignment page: who, what, why.
    let p = lead.get(&base).await;
    assert!(p.body.contains("De naam van het model hoort erbij"));
    // In words, with the question's label and the code's name: no variable names or keys.
    let label = lead
        .get("/coding")
        .await
        .body
        .split("value=\"rationale_text\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert!(!label.is_empty());
    for want in [
        format!("opdracht gemaakt: ‘Ronde 1’: 2 antwoorden op de vraag ‘{label}’, codeurs Codeur coder1, Codeur coder2"),
        "consensus: antwoord 1: ‘NL rationale.learning_theory’ (tekens 17–36)".to_owned(),
    ] {
        assert!(p.body.contains(&want), "{want}: {}", p.body);
    }
    for never in ["rationale_text", "of question", "[17–36)", "finished with"] {
        assert!(!p.body.contains(never), "{never}: {}", p.body);
    }

    // Agreement of this assignment, as the statistics engine computes it on the same units.
    let p = lead
        .get(&format!("/coding/agreement?assignment={id}&overlap=50"))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    let codings = store
        .assignment_codings(AssignmentId(id), None)
        .await
        .unwrap();
    let books = store.codebooks().await.unwrap();
    let answers: Vec<(ResponseId, String)> = k
        .responses
        .iter()
        .map(|r| (*r, "rationale_text".to_owned()))
        .collect();
    let coders = [k.coder1, k.coder2];
    // By answer: the three codes of the family on both answers; presence per coder.
    let mut units = Vec::new();
    for r in &k.responses {
        for c in &k.codes {
            units.push(
                coders
                    .iter()
                    .map(|p| {
                        Some(u32::from(codings.iter().any(|x| {
                            x.segment.response == *r && x.code == *c && x.coder == *p
                        })))
                    })
                    .collect::<Vec<_>>(),
            );
        }
    }
    let pa = leernet_stats::agreement::percent_agreement(&units).unwrap();
    let figures =
        leernet_analysis::coding_agreement::agreement_of(&books, &codings, &answers, &coders, 0.5)
            .unwrap();
    assert_eq!(figures.by_answer.units, 6);
    assert_eq!(figures.by_answer.percent_agreement, Some(pa));
    assert_eq!(
        figures.by_answer.krippendorff_alpha,
        leernet_stats::agreement::krippendorff_alpha_nominal(&units).ok()
    );
    let shown = format!("{:.1}", 100.0 * pa).replace('.', ",");
    assert!(p.body.contains(&shown), "{shown} on the page");
    // The page says what each coder left uncoded, names codes by their names (never their
    // keys), and by segment gives κₙ, never a Cohen or Krippendorff figure per code.
    assert!(p.body.contains("id=\"coder-progress\""));
    assert!(p.body.contains("κₙ"));
    assert!(
        !p.body.contains("<th scope=\"row\">rationale."),
        "a code key in the agreement table: {}",
        p.body
    );
    for code in &figures.codes {
        assert!(
            code.by_segment.cohen_kappa.is_none() && code.by_segment.krippendorff_alpha.is_none()
        );
        if let Some(k) = code.by_segment.kappa_n {
            assert!(k >= 0.0 || code.by_segment.percent_agreement.unwrap_or(0.0) < 0.5);
        }
    }
    let bad = lead.get("/coding/agreement?overlap=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // Codebook changes: with a reason, logged; bad keys and duplicates refused.
    let book_url = format!("/coding/codebooks/{}", k.book.0);
    let add = |key: &str, why: &str| {
        vec![
            ("csrf_token".to_owned(), csrf_l.clone()),
            ("key".to_owned(), key.to_owned()),
            ("parent".to_owned(), k.codes[0].0.to_string()),
            ("name_nl".to_owned(), "Morele vragen".to_owned()),
            ("name_en".to_owned(), "Moral questions".to_owned()),
            ("why".to_owned(), why.to_owned()),
        ]
    };
    let p = lead
        .post_owned(&format!("{book_url}/codes"), &add("rationale.moral", ""))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Zeg waarom"));
    let p = lead
        .post_owned(&format!("{book_url}/codes"), &add("met spatie", "x"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = lead
        .post_owned(&format!("{book_url}/codes"), &add("rationale", "x"))
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    let p = lead
        .post_owned(
            &format!("{book_url}/codes"),
            &add("rationale.moral", "Vaak gezien in ronde 1"),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = lead.get(&book_url).await;
    // the log says it with the code's name, never its key
    assert!(
        p.body.contains("code toegevoegd: ‘Morele vragen’ (versie ")
            && p.body.contains("Vaak gezien in ronde 1"),
        "{}",
        p.body
    );
    assert!(!p.body.contains("added to codebook"));
    // each code shows its auto-coding rules (from content/autocode.toml, which the page does
    // not name); a code without rules says that leernet does not suggest it
    assert!(
        p.body.contains("Regels voor automatisch coderen")
            && p.body.contains("De suggesties komen uit vaste regels")
            && !p.body.contains("autocode.toml")
    );
    assert!(
        p.body.contains("<code>kolb</code>"),
        "rationale.learning_theory's keywords"
    );
    assert!(p.body.contains("<code>community of practice</code>"));
    assert!(
        p.body.contains("Voor deze code zijn er geen regels"),
        "rationale.moral has none"
    );
    let added = store.coding_decisions(None).await.unwrap();
    assert_eq!(added.last().unwrap().kind, DecisionKind::CodeAdded);
    assert_eq!(added.last().unwrap().person, k.lead);

    // Criteria, examples and a colour: an invalid colour is refused with a message and
    // nothing is stored; a valid one is shown as a swatch beside its hex code.
    let with_fields = |key: &str, colour: &str| {
        let mut f = add(key, "Ethiek kwam vaak terug");
        f.extend(
            [
                ("inclusion_nl", "Een vraag naar wat goed is"),
                ("inclusion_en", "A question about what is good"),
                ("exclusion_nl", "Regels van de organisatie"),
                ("exclusion_en", "Rules of the organisation"),
                ("examples_nl", "Mag dit wel?\r\nVoor wie doen we het?"),
                ("examples_en", "May we do this?"),
                ("colour", colour),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        f
    };
    assert_eq!(store.codebooks().await.unwrap()[0].version, 2);
    for bad in ["rood", "#12345", "rgb(1,2,3)"] {
        let p = lead
            .post_owned(
                &format!("{book_url}/codes"),
                &with_fields("rationale.ethics", bad),
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(p.body.contains("geen geldige kleur"), "{}", p.body);
    }
    assert_eq!(store.codebooks().await.unwrap()[0].version, 2);
    let p = lead
        .post_owned(
            &format!("{book_url}/codes"),
            &with_fields("rationale.ethics", "#2ca02c"),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let book = store.codebooks().await.unwrap()[0].clone();
    assert_eq!(book.version, 3);
    let ethics = book
        .codes
        .iter()
        .find(|c| c.key == "rationale.ethics")
        .unwrap();
    assert_eq!(ethics.colour.as_ref().unwrap().as_str(), "#2CA02C");
    assert_eq!(ethics.examples.nl, "Mag dit wel?\nVoor wie doen we het?");
    assert_eq!(ethics.exclusion.en, "Rules of the organisation");
    let p = lead.get(&book_url).await;
    for shown in [
        "fill=\"#2CA02C\"",
        "</svg> #2CA02C",
        "Een vraag naar wat goed is",
        "A question about what is good",
        "<li>Voor wie doen we het?</li>",
        "name=\"inclusion_nl\"",
        "name=\"exclusion_en\"",
        "name=\"examples_nl\"",
        "name=\"colour\"",
        "Huidige versie van het codeboek: <strong>3</strong>",
        &format!("href=\"{book_url}/versions/2\""),
    ] {
        assert!(p.body.contains(shown), "{shown} missing");
    }
    // Changing the colour and the criteria: the log says what changed, the version goes up.
    let mut change = vec![
        ("csrf_token".to_owned(), csrf_l.clone()),
        ("name_nl".to_owned(), ethics.name.nl.clone()),
        ("name_en".to_owned(), ethics.name.en.clone()),
        (
            "inclusion_nl".to_owned(),
            "Een vraag naar wat juist is".to_owned(),
        ),
        ("inclusion_en".to_owned(), ethics.inclusion.en.clone()),
        ("exclusion_nl".to_owned(), ethics.exclusion.nl.clone()),
        ("exclusion_en".to_owned(), ethics.exclusion.en.clone()),
        ("examples_nl".to_owned(), ethics.examples.nl.clone()),
        ("examples_en".to_owned(), ethics.examples.en.clone()),
        ("colour".to_owned(), "#D62728".to_owned()),
        ("why".to_owned(), "Juist is preciezer".to_owned()),
    ];
    let change_url = format!("{book_url}/codes/{}", ethics.id.0);
    let p = lead.post_owned(&change_url, &change).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let last = store.coding_decisions(None).await.unwrap().pop().unwrap();
    assert!(
        last.what.contains("inclusion criteria (NL) changed")
            && last.what.contains("colour #2CA02C became #D62728"),
        "{}",
        last.what
    );
    // On the page, in words: the code's name and the parts changed.
    let page = lead.get(&book_url).await.body;
    let said = format!(
        "code gewijzigd: ‘{}’, insluitcriteria, kleur (versie 4)",
        ethics.name.nl
    );
    assert!(page.contains(&said), "{said}: {page}");
    // The same again changes nothing: refused, the version stays.
    let p = lead.post_owned(&change_url, &change).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("verandert niets"));
    // A real change without a reason: refused, the version stays. (The colour is replaced,
    // not posted twice: a field posted twice is no form of leernet's and gets 400.)
    change.retain(|(k, _)| k != "why" && k != "colour");
    change.push(("colour".to_owned(), "#000000".to_owned()));
    let p = lead.post_owned(&change_url, &change).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(store.codebooks().await.unwrap()[0].version, 4);
    // The versions: listed with who and why; an old one can be read, unchanged.
    let p = lead.get(&book_url).await;
    assert!(p.body.contains("Juist is preciezer") && p.body.contains("Ethiek kwam vaak terug"));
    let p = lead.get(&format!("{book_url}/versions/3")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Een vraag naar wat goed is") && p.body.contains("#2CA02C"));
    assert!(!p.body.contains("Een vraag naar wat juist is"));
    assert!(
        !p.body.contains(&format!("action=\"{book_url}/codes")),
        "read only"
    );
    let p = lead.get(&format!("{book_url}/versions/1")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        !p.body.contains("rationale.moral"),
        "version 1 is as it was made"
    );
    let p = lead.get(&format!("{book_url}/versions/4")).await;
    assert!(
        p.body.contains("Een vraag naar wat juist is")
            && p.body.contains("Dit is de huidige versie")
    );
    assert_eq!(
        lead.get(&format!("{book_url}/versions/5")).await.status,
        StatusCode::NOT_FOUND
    );

    // The register and search.
    let p = lead.get("/coding/slow-questions").await;
    assert!(p.body.contains("Netwerk Wijk A") && p.body.contains("bevestigd"));
    // Coder 2's confirmed slow question moves to network A's log, once; the facilitator
    // sees it there, without an author.
    let entry = store.slow_question_register(Some(w.a)).await.unwrap()[0].id;
    let move_url = format!("/coding/slow-questions/{entry}/move");
    assert!(p.body.contains(&move_url), "the move button");
    let (mut fac, _) = logged_in(w, "fac-a@example.org").await;
    assert!(!fac
        .get("/ws/wijk-a/questions")
        .await
        .body
        .contains("Mogen we ingrijpen"));
    let p = lead
        .post(&move_url, &[("csrf_token", csrf_l.as_str())])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = lead.get("/coding/slow-questions").await;
    assert!(!p.body.contains(&move_url) && p.body.contains("In het logboek van het netwerk"));
    let p = lead
        .post(&move_url, &[("csrf_token", csrf_l.as_str())])
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("staat al in het logboek"));
    let log = store.slow_question_log(Some(w.a), None).await.unwrap();
    assert_eq!(log.len(), 1, "a second move added nothing");
    assert_eq!(log[0].author, None);
    let p = fac.get("/ws/wijk-a/questions").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Mogen we ingrijpen"), "{}", p.body);
    let p = lead.get("/coding/search?q=praktijk").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains("<mark>Praktijkgericht</mark> leren"),
        "stemmed: praktijk finds Praktijkgericht, highlighted"
    );
    assert!(!p.body.contains("leercyclus van Kolb"));
    let p = lead.get("/coding/search?q=leren&network=wijk-b").await;
    assert!(p.body.contains("Praktijkgericht <mark>leren</mark>") && !p.body.contains("Kolb"));
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Login,
    Ok,
    Done,
    Forbidden,
    NotFound,
    Conflict,
    Unprocessable,
}

type Route = (
    &'static str,
    String,
    Vec<(&'static str, String)>,
    [Expect; 8],
);

async fn authorisation_story(w: &World, k: &Coding) {
    use Expect::*;
    let id = make_assignment(w, k).await;
    let base = format!("/coding/assignments/{id}");
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("other-researcher@example.org"),
        Some("coder2@example.org"),
        Some("coder1@example.org"),
    ];
    let code = k.codes[1].0.to_string();
    let slow_entry = w
        .store
        .judge_slow_question(
            k.responses[0],
            "rationale_text",
            38,
            TEXT_1.chars().count(),
            SlowStatus::Confirmed,
            k.coder1,
            1,
        )
        .await
        .unwrap()
        .unwrap();
    let staff_no = [Login, Ok, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok];
    let routes: Vec<Route> = vec![
        ("GET", "/coding".into(), vec![], staff_no),
        ("GET", "/coding/agreement".into(), vec![], staff_no),
        ("GET", "/coding/slow-questions".into(), vec![], staff_no),
        ("GET", "/coding/search?q=leren".into(), vec![], staff_no),
        ("GET", "/static/coding.js".into(), vec![], [Ok; 8]),
        (
            "GET",
            format!("/coding/codebooks/{}", k.book.0),
            vec![],
            staff_no,
        ),
        (
            "GET",
            "/coding/codebooks/99999".into(),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "POST",
            format!("/coding/codebooks/{}/codes/{}", k.book.0, k.codes[0].0),
            vec![
                ("name_nl", "Visie".into()),
                ("name_en", "Rationale".into()),
                ("why", "Korter".into()),
            ],
            // After the first researcher's change, the same change changes nothing.
            [
                Login,
                Done,
                Forbidden,
                Forbidden,
                Forbidden,
                Unprocessable,
                Unprocessable,
                Unprocessable,
            ],
        ),
        // The codebook's versions: whoever may see the codebook page.
        (
            "GET",
            format!("/coding/codebooks/{}/versions/1", k.book.0),
            vec![],
            staff_no,
        ),
        (
            "GET",
            format!("/coding/codebooks/{}/versions/99", k.book.0),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "GET",
            "/coding/codebooks/99999/versions/1".into(),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "GET",
            base.clone(),
            vec![],
            [Login, Ok, Forbidden, Forbidden, Forbidden, NotFound, Ok, Ok],
        ),
        (
            "GET",
            "/coding/assignments/99999".into(),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "GET",
            format!("{base}/answers/1"),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, Ok, Ok,
            ],
        ),
        (
            "POST",
            format!("{base}/answers/1/codings"),
            vec![("code", code.clone()), ("whole", "1".into())],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, Done, Done,
            ],
        ),
        (
            "POST",
            format!("{base}/answers/1/suggestions"),
            vec![
                ("code", code.clone()),
                ("start", "17".into()),
                ("end", "27".into()),
                ("decision", "reject".into()),
            ],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, Done, Done,
            ],
        ),
        (
            "POST",
            format!("{base}/answers/1/slow"),
            vec![
                ("start", "38".into()),
                ("end", "40".into()),
                ("status", "rejected".into()),
            ],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, Done, Done,
            ],
        ),
        (
            "POST",
            format!("{base}/answers/1/codings/999999/delete"),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "GET",
            format!("/coding/agreement?assignment={id}"),
            vec![],
            [
                Login, Conflict, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "POST",
            "/coding/assignments".into(),
            vec![
                ("name", "Nog een".into()),
                ("question", "rationale_text".into()),
                ("codebook", k.book.0.to_string()),
                ("coder", k.coder1.0.to_string()),
            ],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Done, Done, Done,
            ],
        ),
        // The lead's pages, while coders are busy: 409; to anyone else they do not exist.
        (
            "GET",
            format!("{base}/disagreements"),
            vec![],
            [
                Login, Conflict, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "POST",
            format!("{base}/answers/1/consensus"),
            vec![("why", "omdat".into())],
            [
                Login, Conflict, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        // Moving a confirmed slow question: researchers only; the first move wins, the
        // next ones find it moved.
        (
            "POST",
            format!("/coding/slow-questions/{slow_entry}/move"),
            vec![],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Conflict, Conflict, Conflict,
            ],
        ),
        (
            "POST",
            "/coding/slow-questions/999999/move".into(),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        // Finishing last: coder 2 finishes first, so the lead's pages stay closed to the end.
        (
            "POST",
            format!("{base}/finish"),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, Done, Done,
            ],
        ),
    ];
    for (i, who) in visitors.iter().enumerate() {
        let mut c = Client::new(&w.app);
        if let Some(email) = who {
            c.login(email).await;
        }
        let csrf = match who {
            Some(_) => c.session_csrf().await,
            None => c.get("/login").await.csrf(),
        };
        for (method, path, fields, expect) in &routes {
            let p = if *method == "GET" {
                c.get(path).await
            } else {
                let mut f: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
                f.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
                c.post(path, &f).await
            };
            let got = match p.status {
                StatusCode::OK => Ok,
                StatusCode::SEE_OTHER if p.location().starts_with("/login") => Login,
                StatusCode::SEE_OTHER => Done,
                StatusCode::FORBIDDEN => Forbidden,
                StatusCode::NOT_FOUND => NotFound,
                StatusCode::CONFLICT => Conflict,
                StatusCode::UNPROCESSABLE_ENTITY => Unprocessable,
                s => panic!("{method} {path} as {who:?}: unexpected {s}: {}", p.body),
            };
            assert_eq!(got, expect[i], "{method} {path} as {who:?}");
            assert!(p.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        }
    }
    // The nav shows coding to researchers only.
    let (mut r, _) = logged_in(w, "other-researcher@example.org").await;
    assert!(r.get("/my").await.body.contains("href=\"/coding\""));
    let (mut m, _) = logged_in(w, "coordinator@example.org").await;
    assert!(!m.get("/my").await.body.contains("href=\"/coding\""));
    // Both coders finished: now the lead's pages open.
    let (mut lead, _) = logged_in(w, "researcher@example.org").await;
    assert_eq!(
        lead.get(&format!("{base}/disagreements")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        lead.get(&format!("/coding/agreement?assignment={id}"))
            .await
            .status,
        StatusCode::OK
    );
}
