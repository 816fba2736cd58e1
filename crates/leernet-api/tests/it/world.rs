//! The API's test world: an installation with two studies, every role, tokens and
//! responses, and a way to call the router without a socket.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use leernet_api::{router, ApiState};
use leernet_core::*;
use leernet_store::{
    Actor, Installation, NewInstrument, NewNetwork, NewPerson, NewResponse, NewStudy, NewWorkplace,
    Store, StoreOptions, TokenScope,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt;

/// "Now" of the world: 2026-03-01.
pub const NOW: u64 = 1_772_323_200;

pub struct World {
    pub store: Store,
    pub inst: Installation,
    pub state: Arc<ApiState>,
    pub app: axum::Router,
    /// Read tokens by role name: researcher, coordinator, facilitator, member, outsider.
    pub read: BTreeMap<&'static str, String>,
    /// The researcher's write token.
    pub write: String,
    /// The facilitator's write token.
    pub write_facilitator: String,
    /// Study A's networks: n1 and n2 in Werkplaats w1, n3 in w2.
    pub nets: Vec<NetworkId>,
    pub instrument: InstrumentId,
    pub wave: WaveId,
    /// Study B's own instrument and wave (the outsider's).
    pub b_instrument: InstrumentId,
    pub b_wave: WaveId,
}

pub fn actor() -> Actor {
    Actor::Cli("test".into())
}

/// A questionnaire: a name (identifying), an age 0–120 (required), a yes/no choice and a
/// remark, labelled in Dutch and English.
pub fn workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::Nederlands (nl)",
            "label::English (en)",
            "required",
            "constraint",
        ],
        &["text", "naam", "Naam", "Name", "", ""],
        &[
            "integer",
            "leeftijd",
            "Leeftijd",
            "Age",
            "yes",
            ". >= 0 and . <= 120",
        ],
        &[
            "select_one janee",
            "tevreden",
            "Tevreden?",
            "Satisfied?",
            "",
            "",
        ],
        &["text", "opmerking", "Opmerking", "Remark", "", ""],
    ];
    let choices: &[&[&str]] = &[
        &[
            "list_name",
            "name",
            "label::Nederlands (nl)",
            "label::English (en)",
        ],
        &["janee", "ja", "Ja", "Yes"],
        &["janee", "nee", "Nee", "No"],
    ];
    let settings: &[&[&str]] = &[&["form_id", "version"], &["api_test", "1"]];
    for (name, rows) in [
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ] {
        let sheet = wb.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn token(inst: &Installation, email: &str, scope: TokenScope) -> String {
    leernet_app::tokens::create(inst, email, "test", scope, 30, &actor(), NOW as i64)
        .await
        .unwrap()
        .1
}

/// The world, on `store` (study A, adopted) at `url`.
pub async fn world(store: Store, url: &str) -> World {
    let wps = [("w1", "Werkplaats Een"), ("w2", "Werkplaats Twee")];
    let mut wp_ids = Vec::new();
    for (slug, name) in wps {
        wp_ids.push(
            store
                .add_workplace(&NewWorkplace {
                    slug: Slug::parse(slug).unwrap(),
                    name: name.into(),
                    region: String::new(),
                })
                .await
                .unwrap(),
        );
    }
    let mut nets = Vec::new();
    for (slug, wp) in [("n1", 0), ("n2", 0), ("n3", 1)] {
        nets.push(
            store
                .add_network(&NewNetwork {
                    slug: Slug::parse(slug).unwrap(),
                    name: format!("Netwerk {slug}"),
                    workplace: wp_ids[wp],
                })
                .await
                .unwrap(),
        );
    }
    for (email, role, networks) in [
        ("onderzoeker@example.org", Role::Researcher, vec![]),
        ("coordinator@example.org", Role::Coordinator, vec![nets[0]]),
        ("facilitator@example.org", Role::Facilitator, vec![nets[0]]),
        ("lid@example.org", Role::Member, vec![nets[0]]),
    ] {
        store
            .add_person(&NewPerson {
                email: Email::parse(email).unwrap(),
                name: email.split('@').next().unwrap().into(),
                role,
                networks,
                password_hash: None,
            })
            .await
            .unwrap();
    }
    let instrument = store
        .add_instrument(&NewInstrument {
            form_id: "api_test".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Testvragenlijst".into(),
                en: "Test questionnaire".into(),
            },
            file_name: "api_test.xlsx".into(),
            workbook: workbook(),
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(instrument, "voorjaar", WaveStatus::Open)
        .await
        .unwrap();
    let mut rs = Vec::new();
    for (i, n) in [0usize, 0, 0, 1, 1, 2, 2].iter().enumerate() {
        rs.push(NewResponse {
            network: nets[*n],
            respondent: format!("r{i}"),
            status: if i == 6 {
                ResponseStatus::InProgress
            } else {
                ResponseStatus::Submitted
            },
            answers: answers(&[
                ("naam", &format!("Persoon {i}")),
                ("leeftijd", &(30 + i).to_string()),
                ("tevreden", "ja"),
                (
                    "opmerking",
                    if i == 0 {
                        "mail me: p0@example.org"
                    } else {
                        "prima"
                    },
                ),
            ]),
        });
    }
    store.add_responses(wave, &rs).await.unwrap();

    let inst_url = match store.backend() {
        leernet_store::Backend::Sqlite => Installation::url_beside(url),
        leernet_store::Backend::Postgres => url.to_owned(),
    };
    let opts = StoreOptions::default();
    let inst = leernet_app::studies::open_installation(
        &leernet_app::studies::ProjectPlace {
            installation_url: &inst_url,
            study_url: url,
            opts: &opts,
            adopt_slug: &Slug::parse("a").unwrap(),
            adopt_title: "Studie A",
        },
        &actor(),
        NOW as i64,
    )
    .await
    .unwrap();
    // Study B, with a network of its own and an outsider who is a researcher only there.
    let b = inst
        .add_study(
            &NewStudy {
                slug: Slug::parse("b").unwrap(),
                title: Bilingual {
                    nl: "Studie B".into(),
                    en: "Study B".into(),
                },
            },
            &actor(),
            NOW as i64,
        )
        .await
        .unwrap();
    let store_b = inst.open_study(&b).await.unwrap();
    leernet_app::studies::add_network(
        &inst,
        &b,
        &store_b,
        &leernet_app::studies::NewStudyNetwork {
            slug: &Slug::parse("n4").unwrap(),
            name: "Netwerk n4",
            workplace: &Slug::parse("w2").unwrap(),
        },
        &actor(),
        NOW as i64,
    )
    .await
    .unwrap();
    leernet_app::studies::give_role(
        &inst,
        &b,
        &store_b,
        &leernet_app::studies::RoleGift {
            email: Email::parse("buiten@example.org").unwrap(),
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
    let b_instrument = store_b
        .add_instrument(&NewInstrument {
            form_id: "api_test".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "B".into(),
                en: "B".into(),
            },
            file_name: "api_test.xlsx".into(),
            workbook: workbook(),
        })
        .await
        .unwrap();
    let b_wave = store_b
        .add_wave(b_instrument, "b-golf", WaveStatus::Open)
        .await
        .unwrap();
    store_b.close().await;

    let mut read = BTreeMap::new();
    for (role, email) in [
        ("researcher", "onderzoeker@example.org"),
        ("coordinator", "coordinator@example.org"),
        ("facilitator", "facilitator@example.org"),
        ("member", "lid@example.org"),
        ("outsider", "buiten@example.org"),
    ] {
        read.insert(role, token(&inst, email, TokenScope::Read).await);
    }
    let write = token(&inst, "onderzoeker@example.org", TokenScope::Write).await;
    let write_facilitator = token(&inst, "facilitator@example.org", TokenScope::Write).await;
    let clock: SharedClock = Arc::new(FixedClock::at_unix_seconds(NOW));
    let state = Arc::new(ApiState::new(inst.clone(), clock).with_rate_limit(10_000, 1000.0));
    let app = router(state.clone());
    World {
        store,
        inst,
        state,
        app,
        read,
        write,
        write_facilitator,
        nets,
        instrument,
        wave,
        b_instrument,
        b_wave,
    }
}

/// What the router answered.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: serde_json::Value,
}

impl Answer {
    /// Whether the answer is a problem detail of its status.
    pub fn is_problem(&self) -> bool {
        self.headers
            .get("content-type")
            .is_some_and(|v| v.as_bytes() == b"application/problem+json")
            && self.json["status"].as_u64() == Some(u64::from(self.status.as_u16()))
            && self.json["title"].as_str().is_some_and(|t| !t.is_empty())
    }
}

/// Calls `app` with `method` on `uri`, with `token` as bearer (when given), `body` as JSON
/// (when given) and `extra` headers.
pub async fn call_with(
    app: &axum::Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(serde_json::to_vec(&b).unwrap())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = r.into_body().collect().await.unwrap().to_bytes();
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes))
        })
    };
    Answer {
        status,
        headers,
        json,
    }
}

pub async fn get(app: &axum::Router, uri: &str, token: &str) -> Answer {
    call_with(app, Method::GET, uri, Some(token), None, &[]).await
}

pub async fn post(app: &axum::Router, uri: &str, token: &str, body: serde_json::Value) -> Answer {
    call_with(app, Method::POST, uri, Some(token), Some(body), &[]).await
}

/// Every response of a paged query, page by page (`limit` per page).
pub async fn all_pages(w: &World, base: &str, token: &str, limit: u32) -> Vec<serde_json::Value> {
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut uri = format!("{base}{sep}limit={limit}");
    let mut out = Vec::new();
    for _ in 0..1000 {
        let a = get(&w.app, &uri, token).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.json);
        let page = a.json["responses"].as_array().unwrap();
        assert!(page.len() <= limit as usize);
        out.extend(page.iter().cloned());
        match a.json["next_cursor"].as_str() {
            Some(c) => uri = format!("{base}{sep}limit={limit}&cursor={c}"),
            None => return out,
        }
    }
    panic!("the pages did not end");
}
