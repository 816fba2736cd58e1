//! The test harness: the app on a fresh store of each back end, a cookie-keeping client
//! driving it with `oneshot`, and a small world of two networks with people in every role.

#![allow(dead_code)]

pub mod fill;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leernet_core::*;
use leernet_store::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt;

/// One answer of the app.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Page {
    /// The `Location` of a redirect.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The CSRF token of the page's (first) form.
    pub fn csrf(&self) -> String {
        fill::hidden(&self.body, "csrf_token").expect("a form with a csrf_token")
    }
}

/// A browser without JavaScript: keeps cookies, sends forms.
#[derive(Clone)]
pub struct Client {
    pub app: axum::Router,
    pub cookies: BTreeMap<String, String>,
}

impl Client {
    pub fn new(app: &axum::Router) -> Client {
        Client {
            app: app.clone(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = if cookie.is_empty() {
            req
        } else {
            req.header(header::COOKIE, cookie)
        };
        let res = self
            .app
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        for c in res.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        self.send(Request::get(uri), Body::empty()).await
    }

    /// A GET with extra headers (a forged `Host`, say).
    pub async fn get_with(&mut self, uri: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req, Body::empty()).await
    }

    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let owned: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.post_owned(uri, &owned).await
    }

    pub async fn post_owned(&mut self, uri: &str, fields: &[(String, String)]) -> Page {
        self.post_raw(uri, fill::encode(fields)).await
    }

    pub async fn post_raw(&mut self, uri: &str, body: String) -> Page {
        self.send(
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    pub async fn send_with_type(&mut self, uri: &str, content_type: &str, body: Vec<u8>) -> Page {
        self.send(
            Request::post(uri).header(header::CONTENT_TYPE, content_type),
            Body::from(body),
        )
        .await
    }

    /// Logs in through the login form; panics unless it answers 303.
    pub async fn login(&mut self, email: &str) {
        let form = self.get("/login").await;
        let p = self
            .post(
                "/login",
                &[
                    ("email", email),
                    ("password", PASSWORD),
                    ("csrf_token", &form.csrf()),
                    ("next", "/my"),
                ],
            )
            .await;
        assert_eq!(
            p.status,
            StatusCode::SEE_OTHER,
            "login of {email}: {}",
            p.body
        );
    }

    /// The CSRF token of this session (from `/my`).
    pub async fn session_csrf(&mut self) -> String {
        self.get("/my").await.csrf()
    }
}

pub const PASSWORD: &str = "een lang genoeg wachtwoord";

pub const NETWORK_XLSX: &[u8] = include_bytes!("../../../../../instruments/network.xlsx");
pub const MEMBER_XLSX: &[u8] = include_bytes!("../../../../../instruments/member.xlsx");

/// Two networks (A and B) with people in every role, the shipped network questionnaire with an
/// open wave, a draft wave and a closed wave, and invitations and answers of network A.
pub struct World {
    pub store: Store,
    pub app: axum::Router,
    pub a: NetworkId,
    pub b: NetworkId,
    pub instrument: InstrumentId,
    pub open: WaveId,
    pub draft: WaveId,
    pub closed: WaveId,
    /// Network questionnaire of A (for its facilitator), not yet started.
    pub token_network_a: InvitationToken,
    /// A member of A's link.
    pub token_member_a: InvitationToken,
    /// B's network questionnaire.
    pub token_network_b: InvitationToken,
    /// A link in the draft wave and one in the closed wave.
    pub token_draft: InvitationToken,
    pub token_closed: InvitationToken,
    /// Submitted responses: A's network questionnaire (earlier wave), A's member.
    pub response_network_a: ResponseId,
    pub response_member_a: ResponseId,
}

pub fn token(n: u8) -> InvitationToken {
    InvitationToken::from_random([n; 20])
}

pub async fn world(store: Store) -> World {
    let slug = |s: &str| Slug::parse(s).unwrap();
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: slug("noordkust"),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let a = store
        .add_network(&NewNetwork {
            slug: slug("wijk-a"),
            name: "Netwerk Wijk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let b = store
        .add_network(&NewNetwork {
            slug: slug("wijk-b"),
            name: "Netwerk Wijk B".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let hash = leernet_web::auth::hash_password(PASSWORD).unwrap();
    let mut people = BTreeMap::new();
    for (email, role, nets) in [
        ("researcher@example.org", Role::Researcher, vec![]),
        ("coordinator@example.org", Role::Coordinator, vec![]),
        ("fac-a@example.org", Role::Facilitator, vec![a]),
        ("member-a@example.org", Role::Member, vec![a]),
        ("fac-b@example.org", Role::Facilitator, vec![b]),
        ("member-b@example.org", Role::Member, vec![b]),
    ] {
        let id = store
            .add_person(&NewPerson {
                email: Email::parse(email).unwrap(),
                name: email.split('@').next().unwrap().into(),
                role,
                networks: nets,
                password_hash: Some(hash.clone()),
            })
            .await
            .unwrap();
        people.insert(email, id);
    }
    let instrument = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerkvragenlijst".into(),
                en: "Network questionnaire".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: NETWORK_XLSX.to_vec(),
        })
        .await
        .unwrap();
    let earlier = store
        .add_wave(instrument, "2025", WaveStatus::Open)
        .await
        .unwrap();
    let open = store
        .add_wave(instrument, "2026", WaveStatus::Open)
        .await
        .unwrap();
    let draft = store
        .add_wave(instrument, "2027", WaveStatus::Draft)
        .await
        .unwrap();
    let closed = store
        .add_wave(instrument, "2024", WaveStatus::Open)
        .await
        .unwrap();
    let inv = |network, n, kind, person| NewInvitation {
        network,
        token: token(n),
        kind,
        person,
        email: None,
    };
    let fac_a = people["fac-a@example.org"];
    let member_a = people["member-a@example.org"];
    let fac_b = people["fac-b@example.org"];
    store
        .add_invitations(
            open,
            &[
                inv(a, 1, InvitationKind::Network, Some(fac_a)),
                inv(a, 2, InvitationKind::Member, Some(member_a)),
                inv(b, 3, InvitationKind::Network, Some(fac_b)),
            ],
        )
        .await
        .unwrap();
    store
        .add_invitations(draft, &[inv(a, 4, InvitationKind::Member, None)])
        .await
        .unwrap();
    store
        .add_invitations(closed, &[inv(a, 5, InvitationKind::Member, None)])
        .await
        .unwrap();
    let earlier_ids = store
        .add_invitations(
            earlier,
            &[
                inv(a, 6, InvitationKind::Network, Some(fac_a)),
                inv(a, 7, InvitationKind::Member, Some(member_a)),
            ],
        )
        .await
        .unwrap();
    let mut answers = BTreeMap::new();
    answers.insert("network_name".to_owned(), "Wijk A eerder".to_owned());
    answers.insert("size".to_owned(), "12".to_owned());
    for id in &earlier_ids {
        assert_eq!(
            store.save_survey(*id, &answers, 0, true).await.unwrap(),
            SaveOutcome::Submitted
        );
    }
    store
        .set_wave_status(earlier, WaveStatus::Closed)
        .await
        .unwrap();
    store
        .set_wave_status(closed, WaveStatus::Closed)
        .await
        .unwrap();
    let mut rid = Vec::new();
    for id in &earlier_ids {
        let inv = store.invitation(*id).await.unwrap().unwrap();
        rid.push(store.invitation_response_id(&inv).await.unwrap().unwrap());
    }
    let app = leernet_web::app(Arc::new(leernet_web::AppState::new(
        store.clone(),
        leernet_core::SystemClock::shared(),
    )));
    World {
        store,
        app,
        a,
        b,
        instrument,
        open,
        draft,
        closed,
        token_network_a: token(1),
        token_member_a: token(2),
        token_network_b: token(3),
        token_draft: token(4),
        token_closed: token(5),
        response_network_a: rid[0],
        response_member_a: rid[1],
    }
}
