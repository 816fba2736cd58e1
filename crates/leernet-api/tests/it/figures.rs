//! The study's figures through the API, on every back end: per wave (`?wave=` takes what
//! `leernet analyse --wave` takes: a wave's name, `latest`, `all`; an unknown wave is 400
//! with a problem detail naming the study's waves; the JSON names the wave(s) and the n),
//! and one figure cache for the API and the web app's pages, which a response submitted
//! through the API makes stale for both.

use crate::world::*;
use axum::http::{Method, StatusCode};
use leernet_core::*;
use leernet_store::{NewResponse, Store};
use serde_json::{json, Value};
use std::sync::Arc;

leernet_testkit::on_every_backend!(with_url,
    the_figures_rest_on_the_wave_asked_for_and_name_it => wave_story,
    one_cache_serves_the_api_and_the_pages_and_an_api_write_makes_both_stale => shared_story,
);

async fn done(w: World) {
    w.state.close().await;
    w.inst.close().await;
}

/// The basis of the test questionnaire in a figures JSON.
fn basis(figures: &Value) -> &Value {
    figures["waves"]["bases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["instrument"] == "api_test")
        .unwrap_or_else(|| panic!("no basis of api_test: {}", figures["waves"]))
}

/// A second wave, "najaar", with two submitted responses of n1: voorjaar has 6 submitted
/// responses from n1, n2 and n3 (and one in progress).
async fn second_wave(w: &World) {
    let najaar = w
        .store
        .add_wave(w.instrument, "najaar", WaveStatus::Open)
        .await
        .unwrap();
    let rs: Vec<NewResponse> = (0..2)
        .map(|i| NewResponse {
            network: w.nets[0],
            respondent: format!("najaar-{i}"),
            status: ResponseStatus::Submitted,
            answers: [("leeftijd".to_owned(), "50".to_owned())]
                .into_iter()
                .collect(),
        })
        .collect();
    w.store.add_responses(najaar, &rs).await.unwrap();
}

async fn wave_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    second_wave(&w).await;
    let t = &w.read["researcher"];
    let figures = |q: &str| format!("/api/v1/studies/a/figures{q}");

    // the study's current waves: the latest open wave with answers, unless chosen
    let current = get(&w.app, &figures(""), t).await;
    assert_eq!(current.status, StatusCode::OK, "{}", current.json);
    assert!(current.json["waves"]["chosen"].is_null());
    let b = basis(&current.json);
    assert_eq!(b["waves"], json!(["najaar"]));
    assert_eq!(
        (b["responses"].as_u64(), b["networks"].as_u64()),
        (Some(2), Some(1))
    );
    // an empty choice is no choice
    let empty = get(&w.app, &figures("?wave="), t).await;
    assert_eq!(empty.json, current.json);

    // one wave by its name
    let spring = get(&w.app, &figures("?wave=voorjaar"), t).await;
    assert_eq!(spring.status, StatusCode::OK, "{}", spring.json);
    assert_eq!(spring.json["waves"]["chosen"], "voorjaar");
    let b = basis(&spring.json);
    assert_eq!(b["rule"], "wave");
    assert_eq!(b["waves"], json!(["voorjaar"]));
    assert_eq!(
        (b["responses"].as_u64(), b["networks"].as_u64()),
        (Some(6), Some(3))
    );
    assert!(
        b["sentence"]["nl"]
            .as_str()
            .unwrap()
            .contains("6 antwoorden uit 3 netwerken"),
        "{b}"
    );
    assert_ne!(spring.headers["etag"], current.headers["etag"]);

    // every answer, and the latest per network
    let all = get(&w.app, &figures("?wave=all"), t).await;
    let b = basis(&all.json);
    assert_eq!(b["rule"], "all_answers");
    assert_eq!(b["waves"], json!(["voorjaar", "najaar"]));
    assert_eq!(b["responses"].as_u64(), Some(8));
    let latest = get(&w.app, &figures("?wave=latest"), t).await;
    let b = basis(&latest.json);
    assert_eq!(b["rule"], "latest_per_network");
    // n1 answered last in najaar (2), n2 and n3 in voorjaar (2 and 1 submitted)
    assert_eq!(
        (b["responses"].as_u64(), b["networks"].as_u64()),
        (Some(5), Some(3))
    );

    // a wave that does not exist: 400, a problem detail naming the study's waves
    let a = get(&w.app, &figures("?wave=winter"), t).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);
    assert!(a.is_problem(), "{}", a.json);
    assert_eq!(a.json["type"], "tag:leernet.org,2026:problem/unknown-wave");
    assert_eq!(a.json["title"], "Onbekende meting");
    let detail = a.json["detail"].as_str().unwrap();
    assert!(detail.contains("voorjaar, najaar"), "{detail}");
    assert!(!detail.contains("{known}"), "{detail}");
    let en = call_with(
        &w.app,
        Method::GET,
        &figures("?wave=winter"),
        Some(t),
        None,
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(en.json["title"], "Unknown wave");
    // too long to be a wave, or given twice: 400 as any bad parameter
    let long = "x".repeat(201);
    for q in [format!("?wave={long}"), "?wave=a&wave=b".to_owned()] {
        let a = get(&w.app, &figures(&q), t).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}: {}", a.json);
        assert_eq!(a.json["type"], "tag:leernet.org,2026:problem/bad-query");
    }
    // a wave of study B is no wave of study A
    let a = get(&w.app, &figures("?wave=b-golf"), t).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(!a.json["detail"].as_str().unwrap().contains("b-golf"));
    // the wave does not open the figures to another role
    for role in ["coordinator", "facilitator", "member", "outsider"] {
        let a = get(&w.app, &figures("?wave=voorjaar"), &w.read[role]).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{role}");
        let a = get(&w.app, &figures("?wave=winter"), &w.read[role]).await;
        assert_eq!(
            a.status,
            StatusCode::NOT_FOUND,
            "{role}: 404 before the wave is read"
        );
    }
    done(w).await;
}

/// The overview's sentence under the test questionnaire's figures ("Meting: …").
fn overview_basis(body: &str) -> String {
    let at = body
        .find("Testvragenlijst. Meting")
        .unwrap_or_else(|| panic!("no basis on the overview: {body}"));
    body[at..].split('<').next().unwrap().to_owned()
}

async fn shared_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    // what `leernet serve` does: one set of figure caches for the API and the pages
    let caches = Arc::new(leernet_app::figures::FigureCaches::new(
        leernet_analysis::ProjectContent::builtin(),
        Default::default(),
    ));
    let api = leernet_api::router(Arc::new(
        leernet_api::ApiState::new(w.inst.clone(), Arc::new(FixedClock::at_unix_seconds(NOW)))
            .with_rate_limit(10_000, 1000.0)
            .with_figures(caches.clone()),
    ));
    let portal = Arc::new(
        leernet_web::Portal::open_sharing(
            w.inst.clone(),
            leernet_web::StudyOptions {
                public_url: None,
                content: leernet_analysis::ProjectContent::builtin(),
                study_content: Default::default(),
                smtp: None,
                trusted_proxies: vec![],
                clock: Arc::new(FixedClock::at_unix_seconds(NOW)),
            },
            caches.clone(),
        )
        .await
        .unwrap(),
    );
    let app = api.merge(leernet_web::portal::app(portal.clone()));
    let cache = caches.of("a");
    let t = &w.read["researcher"];
    let page = |app: axum::Router| async move {
        let r = tower::ServiceExt::oneshot(
            app,
            axum::http::Request::get("/studies/a/")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = http_body_util::BodyExt::collect(r.into_body())
            .await
            .unwrap()
            .to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    };

    // each face computes its set once, into the one cache, and reads it again for free
    let before = page(app.clone()).await;
    assert!(
        overview_basis(&before).contains("6 antwoorden uit 3 netwerken"),
        "{}",
        overview_basis(&before)
    );
    assert_eq!(
        cache.computations(),
        1,
        "the pages' figures, in the shared cache"
    );
    let f = get(&app, "/api/v1/studies/a/figures", t).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(basis(&f.json)["responses"].as_u64(), Some(6));
    assert_eq!(
        cache.computations(),
        2,
        "the API's (everything), in the same cache"
    );
    for _ in 0..3 {
        page(app.clone()).await;
        get(&app, "/api/v1/studies/a/figures", t).await;
    }
    assert_eq!(cache.computations(), 2, "nothing changed: nothing computed");
    let etag = f.headers["etag"].to_str().unwrap().to_owned();
    let unchanged = call_with(
        &app,
        Method::GET,
        "/api/v1/studies/a/figures",
        Some(t),
        None,
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);

    // a response submitted through the API: both faces see it at once
    let submitted = post(
        &app,
        &format!("/api/v1/studies/a/instruments/{}/responses", w.instrument.0),
        &w.write,
        json!({"wave": w.wave.0, "responses": [{"network": "n1", "answers": {"leeftijd": "61"}}]}),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::CREATED, "{}", submitted.json);
    let f = call_with(
        &app,
        Method::GET,
        "/api/v1/studies/a/figures",
        Some(t),
        None,
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(f.status, StatusCode::OK, "a new ETag after the change");
    assert_eq!(basis(&f.json)["responses"].as_u64(), Some(7));
    let after = page(app.clone()).await;
    assert!(
        overview_basis(&after).contains("7 antwoorden uit 3 netwerken"),
        "{}",
        overview_basis(&after)
    );
    // the API's full set was computed first this time; the overview needs only the tables,
    // and takes them from that fresh set (the cache's `Depth::Tables`, issue 17)
    assert_eq!(
        cache.computations(),
        3,
        "one computation after the change, which both faces read"
    );
    page(app.clone()).await;
    get(&app, "/api/v1/studies/a/figures", t).await;
    assert_eq!(cache.computations(), 3);

    // the portal's study state and the API's took the one cache: nothing else computed
    assert!(Arc::ptr_eq(&cache, &caches.of("a")));
    portal.close().await;
    done(w).await;
}
