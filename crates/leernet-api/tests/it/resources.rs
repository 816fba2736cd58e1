//! The resources beyond fieldwork — figures, coding, documents, a network's workspace —,
//! `updated_since` and labels on responses, response rates, and file imports; and the role
//! walk over every endpoint × every role × another network's and another study's resources.

use crate::world::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use leernet_core::*;
use leernet_store::workspace::{NewSession, NewSlowQuestion};
use leernet_store::{NewCode, NewCoding, NewDocument, NewResponse, Store};
use serde_json::Value;
use tower::ServiceExt;

leernet_testkit::on_every_backend!(with_url,
    every_endpoint_by_every_role_keeps_to_the_web_apps_rule => resource_walk,
    responses_filter_by_update_time_and_carry_labels_on_request => updated_story,
    waves_carry_their_response_rate => rates_story,
    a_file_import_is_checked_and_stored_all_or_nothing => import_story,
    an_assignments_codings_are_its_lead_and_coders_only_and_blind_while_open => assignment_story,
);

/// What the seed added: ids the stories look for.
struct Seed {
    codebook: i64,
    document: i64,
}

fn bi(s: &str) -> Bilingual {
    Bilingual {
        nl: s.into(),
        en: s.into(),
    }
}

async fn person(store: &Store, email: &str) -> PersonId {
    store
        .persons()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.email.as_str() == email)
        .unwrap()
        .id
}

/// Coding, a document and both n1's and n2's workspace, beside the world's responses.
async fn seed(w: &World) -> Seed {
    let s = &w.store;
    let code = |key: &str| NewCode {
        key: key.into(),
        parent: None,
        name: bi(key),
        description: bi("d"),
        inclusion: bi(""),
        exclusion: bi(""),
        examples: bi(""),
        colour: None,
    };
    let book = s
        .add_codebook("Thema's", &[code("samenwerking"), code("ethiek")])
        .await
        .unwrap();
    let books = s.codebooks().await.unwrap();
    let first_code = books[0].codes[0].id;
    let researcher = person(s, "onderzoeker@example.org").await;
    let rs = s.responses(Some(w.wave)).await.unwrap();
    s.add_codings(&[NewCoding {
        segment: Segment {
            response: rs[1].id,
            question: "opmerking".into(),
            start: 0,
            end: 5,
        },
        code: first_code,
        coder: researcher,
        memo: String::new(),
    }])
    .await
    .unwrap();
    let docs = s
        .add_documents(&[NewDocument {
            title: "Interview n1".into(),
            kind: DocumentKind::Interview,
            network: Some(w.nets[0]),
            workplace: None,
            wave: None,
            date: Some("2026-02-01".into()),
            file_name: "interview.txt".into(),
            format: "txt".into(),
            text: "Geheime tekst van het interview.".into(),
            turns: Vec::new(),
        }])
        .await
        .unwrap();
    let facilitator = person(s, "facilitator@example.org").await;
    // n1: the facilitator's and the member's; n2: nobody's of this world
    for (n, tag) in [(w.nets[0], "n1"), (w.nets[1], "n2")] {
        s.plan_session(
            n,
            &NewSession {
                date: "2026-04-01".into(),
                place: format!("Zaal {tag}"),
                method: "intervision".into(),
                agenda: vec![format!("Agendapunt {tag}")],
                ..NewSession::default()
            },
            None,
            NOW as i64,
        )
        .await
        .unwrap();
        s.add_slow_question(
            &NewSlowQuestion {
                network: n,
                text: format!("Trage vraag {tag}"),
                author: (tag == "n1").then_some(facilitator),
                anonymous: tag == "n1",
                session: None,
                themes: vec![],
            },
            NOW as i64,
        )
        .await
        .unwrap();
        s.open_round(n, &format!("Ronde {tag}"), 3, NOW as i64)
            .await
            .unwrap();
    }
    Seed {
        codebook: book.0,
        document: docs[0].0,
    }
}

/// Every endpoint (reads with a read token, writes with a write token), by role: 200 or
/// 404; a 200 never holds another network's or another study's words.
async fn resource_walk(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let seed = seed(&w).await;
    let (i, wave) = (w.instrument.0, w.wave.0);
    let doc = seed.document;
    let researcher_only = [
        "/api/v1/studies/a/figures".to_owned(),
        "/api/v1/studies/a/codebooks".to_owned(),
        "/api/v1/studies/a/codings".to_owned(),
        "/api/v1/studies/a/documents".to_owned(),
        format!("/api/v1/studies/a/documents/{doc}"),
    ];
    let workspace = |n: &str| {
        [
            format!("/api/v1/studies/a/networks/{n}/sessions"),
            format!("/api/v1/studies/a/networks/{n}/slow-questions"),
            format!("/api/v1/studies/a/networks/{n}/rounds"),
        ]
    };
    let everyone = [
        "/api/v1/studies/a".to_owned(),
        "/api/v1/studies/a/networks".to_owned(),
        "/api/v1/studies/a/instruments".to_owned(),
        format!("/api/v1/studies/a/instruments/{i}"),
        "/api/v1/studies/a/waves".to_owned(),
    ];
    for role in [
        "researcher",
        "coordinator",
        "facilitator",
        "member",
        "outsider",
    ] {
        let t = &w.read[role];
        let expect = |uri: &str| -> StatusCode {
            let in_study = role != "outsider";
            let ok = if researcher_only.iter().any(|u| u == uri) {
                role == "researcher"
            } else if workspace("n1").iter().any(|u| u == uri) {
                matches!(role, "facilitator" | "member")
            } else if workspace("n2").iter().any(|u| u == uri)
                || workspace("n3").iter().any(|u| u == uri)
            {
                false
            } else if uri.ends_with("/responses") {
                matches!(role, "researcher" | "facilitator")
            } else {
                true
            };
            if in_study && ok {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        };
        let mut all: Vec<String> = Vec::new();
        all.extend(everyone.iter().cloned());
        all.extend(researcher_only.iter().cloned());
        for n in ["n1", "n2", "n3"] {
            all.extend(workspace(n));
        }
        all.push(format!("/api/v1/studies/a/instruments/{i}/responses"));
        for uri in &all {
            let a = get(&w.app, uri, t).await;
            assert_eq!(a.status, expect(uri), "{role} {uri}: {}", a.json);
            if a.status != StatusCode::OK {
                assert!(a.is_problem(), "{role} {uri}");
                assert_eq!(a.json["type"], "tag:leernet.org,2026:problem/not-found");
                continue;
            }
            let text = a.json.to_string();
            // nothing of study B, and for everyone but a researcher nothing of n2's or n3's
            // workspace (their words carry the network's slug)
            assert!(!text.contains("Netwerk n4"), "{role} {uri}");
            if role != "researcher" {
                for other in ["Zaal n2", "Trage vraag n2", "Ronde n2", "Agendapunt n2"] {
                    assert!(!text.contains(other), "{role} {uri} shows {other}");
                }
            }
            if role != "researcher" {
                assert!(!text.contains("Geheime tekst"), "{role} {uri}");
            }
        }
        // study B's resources by the same paths: 404 for every role of study A, the
        // outsider (B's researcher) sees them
        for uri in all.iter().filter(|u| !u.contains("/networks/n")) {
            let b = uri.replace("/studies/a", "/studies/b").replace(
                &format!("/instruments/{i}"),
                &format!("/instruments/{}", w.b_instrument.0),
            );
            let a = get(&w.app, &b, t).await;
            if role == "outsider" {
                assert!(
                    a.status == StatusCode::OK || a.status == StatusCode::NOT_FOUND,
                    "outsider {b}"
                );
            } else {
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{role} {b}");
            }
        }
        // writes: the file import is a researcher's with a write token; 403 with a read token
        let uri = format!("/api/v1/studies/a/instruments/{i}/imports?wave={wave}&network=n3");
        let a = send_file(&w, &uri, t, b"leeftijd\n40\n").await;
        assert_eq!(
            a.0,
            StatusCode::FORBIDDEN,
            "{role} import with a read token"
        );
    }
    let a = send_file(
        &w,
        &format!("/api/v1/studies/a/instruments/{i}/imports?wave={wave}&network=n1"),
        &w.write_facilitator,
        b"leeftijd\n40\n",
    )
    .await;
    assert_eq!(a.0, StatusCode::NOT_FOUND, "a facilitator does not import");

    // what the researcher gets
    let t = &w.read["researcher"];
    let books = get(&w.app, "/api/v1/studies/a/codebooks", t).await.json;
    assert_eq!(books[0]["id"], seed.codebook);
    assert_eq!(books[0]["codes"].as_array().unwrap().len(), 2);
    let codings = get(&w.app, "/api/v1/studies/a/codings?limit=1", t)
        .await
        .json;
    assert_eq!(codings["codings"][0]["question"], "opmerking");
    assert!(codings["next_cursor"].is_null());
    let d = get(&w.app, &format!("/api/v1/studies/a/documents/{doc}"), t).await;
    assert_eq!(d.json["network"], "n1");
    assert_eq!(d.json["text"], "Geheime tekst van het interview.");
    let figures = get(&w.app, "/api/v1/studies/a/figures", t).await;
    assert_eq!(figures.status, StatusCode::OK);
    assert!(figures.json["counts"].is_object(), "{}", figures.json);
    assert!(figures.json["practice"].is_object());
    // a second read is the same bytes (cached, same generation): the same ETag
    let again = get(&w.app, "/api/v1/studies/a/figures", t).await;
    assert_eq!(figures.headers["etag"], again.headers["etag"]);

    // what a facilitator and a member get of their own workspace
    for role in ["facilitator", "member"] {
        let t = &w.read[role];
        let q = get(&w.app, "/api/v1/studies/a/networks/n1/slow-questions", t).await;
        let q = &q.json[0];
        assert_eq!(q["text"], "Trage vraag n1");
        assert_eq!(q["anonymous"], true);
        assert_eq!(q["mine"], role == "facilitator");
        assert!(q.get("author").is_none(), "no author is named: {q}");
        let s = get(&w.app, "/api/v1/studies/a/networks/n1/sessions", t).await;
        assert_eq!(s.json[0]["place"], "Zaal n1");
        assert_eq!(s.json[0]["agenda"][0]["title"], "Agendapunt n1");
        let r = get(&w.app, "/api/v1/studies/a/networks/n1/rounds", t).await;
        assert_eq!(r.json[0]["title"], "Ronde n1");
        assert_eq!(r.json[0]["opened_at"], "2026-03-01T00:00:00Z");
    }
    done(w).await;
}

/// Sends `body` as a file to `uri` with `token`: the status and the JSON.
async fn send_file(w: &World, uri: &str, token: &str, body: &[u8]) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(Body::from(body.to_vec()))
        .unwrap();
    let r = w.app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let bytes = r.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

async fn done(w: World) {
    w.state.close().await;
    w.inst.close().await;
}

async fn updated_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let t = &w.read["researcher"];
    let base = format!("/api/v1/studies/a/instruments/{}/responses", w.instrument.0);
    // a bad time: 400 with its own type, for every kind of wrong
    for bad in [
        "yesterday",
        "2026-03-01",
        "2026-03-01T00:00:00",
        "2026-02-30T00:00:00Z",
        "1969-12-31T23:59:59Z",
    ] {
        let a = get(&w.app, &format!("{base}?updated_since={bad}"), t).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(a.json["type"], "tag:leernet.org,2026:problem/bad-time");
        assert!(a.json["detail"].as_str().unwrap().contains("RFC 3339"));
    }
    let n = |a: &Answer| a.json["responses"].as_array().unwrap().len();
    let a = get(
        &w.app,
        &format!("{base}?updated_since=2000-01-01T00:00:00Z"),
        t,
    )
    .await;
    assert_eq!(n(&a), 7);
    let a = get(
        &w.app,
        &format!("{base}?updated_since=9000-01-01T00:00:00%2B01:00"),
        t,
    )
    .await;
    assert_eq!(n(&a), 0);
    // a response changed after a moment is the only one written since then (the database's
    // clock counts whole seconds: wait for the next one)
    let later = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    while std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        < later
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let rs = w.store.responses(Some(w.wave)).await.unwrap();
    w.store
        .set_answer(rs[3].id, "opmerking", Some("later"))
        .await
        .unwrap();
    let since = leernet_api::time::rfc3339(later as i64);
    let a = get(&w.app, &format!("{base}?updated_since={since}"), t).await;
    assert_eq!(n(&a), 1, "{}", a.json);
    assert_eq!(a.json["responses"][0]["id"], rs[3].id.0);
    // the cursor holds the filter: another filter with it is refused
    let a = get(
        &w.app,
        &format!("{base}?updated_since=2000-01-01T00:00:00Z&limit=2"),
        t,
    )
    .await;
    let c = a.json["next_cursor"].as_str().unwrap().to_owned();
    let a = get(&w.app, &format!("{base}?limit=2&cursor={c}"), t).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    // labels: only on request, the choice's label in both languages
    let a = get(&w.app, &base, t).await;
    assert!(a.json["responses"][0].get("labels").is_none());
    let a = get(&w.app, &format!("{base}?labels=true"), t).await;
    let r = &a.json["responses"][0];
    assert_eq!(r["answers"]["tevreden"], "ja");
    assert_eq!(r["labels"]["tevreden"]["nl"], "Ja");
    assert_eq!(r["labels"]["tevreden"]["en"], "Yes");
    assert!(r["labels"].get("leeftijd").is_none(), "only choices: {r}");
    let a = get(&w.app, &format!("{base}?labels=maybe"), t).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    done(w).await;
}

async fn rates_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let n1 = leernet_app::invitations::anonymous(&w.store, w.wave, w.nets[0], 4)
        .await
        .unwrap();
    leernet_app::invitations::anonymous(&w.store, w.wave, w.nets[2], 2)
        .await
        .unwrap();
    // one of n1's invitations started, one submitted
    w.store
        .add_responses(
            w.wave,
            &[
                NewResponse {
                    network: w.nets[0],
                    respondent: format!("invitation:{}", n1[0].0 .0),
                    status: ResponseStatus::Submitted,
                    answers: [("leeftijd".to_owned(), "50".to_owned())].into(),
                },
                NewResponse {
                    network: w.nets[0],
                    respondent: format!("invitation:{}", n1[1].0 .0),
                    status: ResponseStatus::InProgress,
                    answers: Answers::new(),
                },
            ],
        )
        .await
        .unwrap();
    for (role, invited, started, submitted) in [
        ("researcher", 6, 2, 1),
        ("coordinator", 4, 2, 1),
        ("member", 4, 2, 1),
    ] {
        let a = get(&w.app, "/api/v1/studies/a/waves", &w.read[role]).await;
        let f = &a.json[0]["fieldwork"];
        assert_eq!(
            (
                f["invited"].as_i64(),
                f["started"].as_i64(),
                f["submitted"].as_i64()
            ),
            (Some(invited), Some(started), Some(submitted)),
            "{role}: {f}"
        );
        let rate = f["rate"].as_f64().unwrap();
        assert!((rate - submitted as f64 / invited as f64).abs() < 1e-12);
    }
    done(w).await;
}

async fn import_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let t = &w.write;
    let i = w.instrument.0;
    let uri = |q: &str| {
        format!(
            "/api/v1/studies/a/instruments/{i}/imports?wave={}{q}",
            w.wave.0
        )
    };
    let count = |w: &World| {
        let s = w.store.clone();
        let wave = w.wave;
        async move { s.responses(Some(wave)).await.unwrap().len() }
    };
    assert_eq!(count(&w).await, 7);
    // every problem with its row and column; nothing stored
    let bad = "network,leeftijd,tevreden\nn1,40,ja\nn2,200,ja\nn9,30,misschien\n";
    let (status, json) = send_file(&w, &uri(""), t, bad.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    assert_eq!(json["type"], "tag:leernet.org,2026:problem/invalid");
    let errors = json["errors"].as_array().unwrap();
    let at: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(at.contains(&(3, "leeftijd")), "{json}");
    assert!(at.contains(&(4, "tevreden")), "{json}");
    assert!(at.contains(&(4, "network")), "{json}");
    assert_eq!(count(&w).await, 7, "nothing was stored");
    // a good file: stored, and again: recognised
    let good = "network,leeftijd,tevreden\nn1,40,ja\nn2,41,nee\n";
    let (status, json) = send_file(&w, &uri(""), t, good.as_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(
        (json["rows"].as_u64(), json["added"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(count(&w).await, 9);
    let (status, json) = send_file(&w, &uri(""), t, good.as_bytes()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (json["added"].as_u64(), json["already"].as_u64()),
        (Some(0), Some(2))
    );
    // one network for every row of a file without a network column
    let (status, json) = send_file(&w, &uri("&network=n3"), t, b"leeftijd\n33\n").await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(count(&w).await, 10);
    // bad places: a wave of nothing, an unknown network, an empty file, too large a file
    let (status, _) = send_file(
        &w,
        &format!("/api/v1/studies/a/instruments/{i}/imports?wave=999"),
        t,
        good.as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send_file(&w, &uri("&network=nope"), t, good.as_bytes()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send_file(
        &w,
        &format!("/api/v1/studies/a/instruments/{i}/imports"),
        t,
        good.as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "wave is required");
    let (status, json) = send_file(&w, &uri(""), t, b"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    let big = vec![b'1'; leernet_api::imports::MAX_IMPORT_BYTES + 1];
    let (status, json) = send_file(&w, &uri(""), t, &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{json}");
    assert_eq!(json["type"], "tag:leernet.org,2026:problem/too-large");
    assert_eq!(count(&w).await, 10);
    // an archived study can be read, not changed: 409, nothing stored; made active again,
    // it takes the file (its store is opened anew, writable)
    let a = leernet_core::Slug::parse("a").unwrap();
    w.inst
        .archive_study(&a, &leernet_store::Actor::System, 5)
        .await
        .unwrap();
    let more = "network,leeftijd,tevreden\nn1,50,ja\n";
    let (status, json) = send_file(&w, &uri(""), t, more.as_bytes()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert_eq!(json["type"], "tag:leernet.org,2026:problem/study-archived");
    assert_eq!(count(&w).await, 10);
    w.inst
        .activate_study(&a, &leernet_store::Actor::System, 6)
        .await
        .unwrap();
    let (status, json) = send_file(&w, &uri(""), t, more.as_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(count(&w).await, 11);
    done(w).await;
}

async fn assignment_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    seed(&w).await;
    // a second researcher codes in an assignment the first one leads; a third sees nothing
    let study = w
        .inst
        .study_by_slug(&Slug::parse("a").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut tokens = Vec::new();
    for email in ["coder@example.org", "derde@example.org"] {
        leernet_app::studies::give_role(
            &w.inst,
            &study,
            &w.store,
            &leernet_app::studies::RoleGift {
                email: Email::parse(email).unwrap(),
                name: None,
                role: Role::Researcher,
                networks: vec![],
                keep_networks: false,
                password_hash: None,
            },
            &actor(),
            NOW as i64,
        )
        .await
        .unwrap();
        tokens.push(
            leernet_app::tokens::create(
                &w.inst,
                email,
                "coding",
                leernet_store::TokenScope::Read,
                30,
                &actor(),
                NOW as i64,
            )
            .await
            .unwrap()
            .1,
        );
    }
    let (coder_token, third_token) = (&tokens[0], &tokens[1]);
    let lead = person(&w.store, "onderzoeker@example.org").await;
    let coder = person(&w.store, "coder@example.org").await;
    let books = w.store.codebooks().await.unwrap();
    let rs = w.store.responses(Some(w.wave)).await.unwrap();
    let asg = w
        .store
        .add_assignment(&leernet_store::NewAssignment {
            name: "Opmerkingen".into(),
            question: "opmerking".into(),
            codebook: books[0].id,
            lead,
            coders: vec![coder],
            responses: vec![rs[2].id],
            at: NOW as i64,
        })
        .await
        .unwrap()
        .unwrap();
    w.store
        .add_assignment_coding(
            asg,
            coder,
            &leernet_store::SpanCode {
                response: rs[2].id,
                code: books[0].codes[1].id,
                start: 0,
                end: 3,
                memo: "blind".into(),
            },
        )
        .await
        .unwrap()
        .unwrap();
    let memos = |a: &Answer| -> Vec<String> {
        a.json["codings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["memo"].as_str().unwrap().to_owned())
            .collect()
    };
    let uri = "/api/v1/studies/a/codings";
    // open: the coder sees their own, the lead and the third researcher do not
    let a = get(&w.app, uri, coder_token).await;
    assert!(memos(&a).contains(&"blind".to_owned()), "{}", a.json);
    for t in [&w.read["researcher"], third_token] {
        let a = get(&w.app, uri, t).await;
        assert!(!memos(&a).contains(&"blind".to_owned()), "{}", a.json);
        assert_eq!(
            memos(&a).len(),
            1,
            "the coding outside the assignment: {}",
            a.json
        );
    }
    // finished: the lead sees it; the third researcher still not
    w.store
        .finish_assignment(asg, coder, NOW as i64)
        .await
        .unwrap()
        .unwrap();
    let a = get(&w.app, uri, &w.read["researcher"]).await;
    assert!(memos(&a).contains(&"blind".to_owned()), "{}", a.json);
    let a = get(&w.app, uri, third_token).await;
    assert!(!memos(&a).contains(&"blind".to_owned()), "{}", a.json);
    done(w).await;
}
