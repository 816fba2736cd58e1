//! The audit log in the app, on every back end: opening and closing a wave, sending invitation
//! e-mails, importing and exporting responses, and a member's own workspace export and erase
//! through the web are recorded with who did it (ids and counts only), and `/admin/audit`
//! shows the log to researchers only, in Dutch and English.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client};
use leernet_store::testing::{test_backends, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waves_opened_and_closed_through_the_web_are_audited() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let researcher = w
            .store
            .account_by_email("researcher@example.org")
            .await
            .unwrap()
            .unwrap();
        let mut c = Client::new(&w.app);
        c.login("researcher@example.org").await;
        let csrf = c.session_csrf().await;
        let empty = c.get("/admin/audit").await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(
            empty.body.contains("Het auditlog is nog leeg."),
            "{}",
            empty.body
        );
        // Open the draft wave, then close it (confirmed, issue 18); posting the same status
        // again records nothing.
        let path = format!("/admin/waves/{}/status", w.draft.0);
        for status in ["open", "closed", "closed"] {
            let p = c
                .post(
                    &path,
                    &[("csrf_token", &csrf), ("status", status), ("confirm", "1")],
                )
                .await;
            assert_eq!(p.status, StatusCode::SEE_OTHER);
        }
        let log = w.store.audit_log().await.unwrap();
        let got: Vec<(&str, &str, String)> = log
            .iter()
            .map(|e| (e.action.as_str(), e.actor.as_str(), e.subject.as_string()))
            .collect();
        let actor = format!("person:{}", researcher.id.0);
        let subject = format!("wave:{}", w.draft.0);
        assert_eq!(
            got,
            [
                ("wave.open", actor.as_str(), subject.clone()),
                ("wave.close", actor.as_str(), subject.clone()),
            ]
        );
        // The page lists them newest first, with the researcher's name, in both languages.
        let p = c.get("/admin/audit").await;
        let closed = p.body.find("meting gesloten").expect("closed listed");
        let opened = p.body.find("meting geopend").expect("opened listed");
        assert!(closed < opened, "newest first");
        // the details in words, never the log's own `from=draft to=open` (issue 18)
        assert!(p.body.contains("van: concept · naar: open"), "{}", p.body);
        assert!(!p.body.contains("from=") && !p.body.contains("to=open"));
        // the researcher by name, never by the log's id for them (issue 18)
        assert!(p.body.contains(&researcher.name) && !p.body.contains(&format!("({actor})")));
        let p = c.get("/admin/audit?lang=en").await;
        assert!(p.body.contains("wave closed") && p.body.contains("Audit log"));
        assert!(p.body.contains("from: open · to: closed"), "{}", p.body);
        // Researchers only.
        let p = Client::new(&w.app).get("/admin/audit").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        for who in [
            "coordinator@example.org",
            "fac-a@example.org",
            "member-a@example.org",
        ] {
            let mut c = Client::new(&w.app);
            c.login(who).await;
            assert_eq!(
                c.get("/admin/audit").await.status,
                StatusCode::FORBIDDEN,
                "{who}"
            );
        }
        w.store.close().await;
        db.drop_database().await;
    }
}

/// A workbook of the given sheets, every cell a string.
fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, cells) in sheets {
        let s = wb.add_worksheet();
        s.set_name(*name).unwrap();
        for (r, row) in cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                s.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// An XLSForm with one open question and a consent text in Dutch and English.
fn consent_form() -> Vec<u8> {
    let rows: [(&str, &[&[&str]]); 2] = [
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Nederlands (nl)",
                    "label::English (en)",
                ],
                &["text", "open", "Wat wil je kwijt?", "Anything to add?"],
            ],
        ),
        (
            "settings",
            &[
                &[
                    "form_id",
                    "version",
                    "consent::Nederlands (nl)",
                    "consent::English (en)",
                ],
                &[
                    "toestemming_test",
                    "1",
                    "Uw antwoorden worden tot 2027 bewaard.",
                    "Your answers are kept until 2027.",
                ],
            ],
        ),
    ];
    workbook(&rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consent_text_opens_the_survey() {
    use leernet_core::*;
    use leernet_store::*;
    let backend = test_backends()[0];
    let db = TestDb::new(backend).await;
    let w = world(db.store().await).await;
    let inst = w
        .store
        .add_instrument(&NewInstrument {
            form_id: "toestemming_test".into(),
            version: "1".into(),
            title: Bilingual::default(),
            file_name: "toestemming.xlsx".into(),
            workbook: consent_form(),
        })
        .await
        .unwrap();
    let wave = w
        .store
        .add_wave(inst, "met-toestemming", WaveStatus::Open)
        .await
        .unwrap();
    let token = InvitationToken::from_random([201; 20]);
    w.store
        .add_invitations(
            wave,
            &[NewInvitation {
                network: w.a,
                token: token.clone(),
                kind: InvitationKind::Member,
                person: None,
                email: None,
            }],
        )
        .await
        .unwrap();
    let mut c = Client::new(&w.app);
    let p = c.get(&format!("/s/{}", token.as_str())).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Toestemming en privacy"), "{}", p.body);
    assert!(p.body.contains("Uw antwoorden worden tot 2027 bewaard."));
    let p = c.get(&format!("/s/{}?lang=en", token.as_str())).await;
    assert!(
        p.body.contains("Your answers are kept until 2027."),
        "{}",
        p.body
    );
    // A form without a consent text shows none.
    let p = Client::new(&w.app)
        .get(&format!("/s/{}", w.token_member_a.as_str()))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("Toestemming en privacy"));
    w.store.close().await;
    db.drop_database().await;
}

fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let b = "leernet-audit-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: text/csv\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

/// The actions recorded after `from` entries, as (action, actor, subject, detail).
async fn since(store: &leernet_store::Store, from: usize) -> Vec<(String, String, String, String)> {
    store.audit_log().await.unwrap()[from..]
        .iter()
        .map(|e| {
            (
                e.action.clone(),
                e.actor.clone(),
                e.subject.as_string(),
                e.detail.clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_import_export_and_workspace_self_service_are_audited() {
    use leernet_core::Email;
    use leernet_store::{InvitationKind, NewInvitation};
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let researcher = w
            .store
            .account_by_email("researcher@example.org")
            .await
            .unwrap()
            .unwrap();
        let me = format!("person:{}", researcher.id.0);
        let mut c = Client::new(&w.app);
        c.login("researcher@example.org").await;
        let csrf = c.session_csrf().await;

        // Invitation e-mails: an SMTP server that is not there refuses both; the attempt is
        // recorded with its counts, never an address.
        w.store
            .add_invitations(
                w.open,
                &[1u8, 2].map(|n| NewInvitation {
                    network: w.a,
                    token: common::token(90 + n),
                    kind: InvitationKind::Member,
                    person: None,
                    email: Some(Email::parse(&format!("lid{n}@example.org")).unwrap()),
                }),
            )
            .await
            .unwrap();
        let closed_port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let settings = leernet_web::mail::SmtpSettings {
            host: "127.0.0.1".into(),
            port: Some(closed_port),
            tls: leernet_web::mail::TlsMode::None,
            user: None,
            password: None,
            from: "Onderzoek <onderzoek@example.org>".into(),
        };
        let mail_app = leernet_web::app(std::sync::Arc::new(
            leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
                .with_public_url(Some("https://leernet.example".into()))
                .with_smtp(Some(&settings))
                .unwrap(),
        ));
        let mut m = Client::new(&mail_app);
        m.login("researcher@example.org").await;
        let mcsrf = m.session_csrf().await;
        let n = w.store.audit_log().await.unwrap().len();
        let p = m
            .post(
                &format!("/admin/waves/{}/send", w.open.0),
                &[("csrf_token", &mcsrf)],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_GATEWAY, "{}", p.body);
        let got = since(&w.store, n).await;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            (got[0].0.as_str(), got[0].1.as_str(), got[0].2.clone()),
            (
                "invitations.send",
                me.as_str(),
                format!("wave:{}", w.open.0)
            )
        );
        assert!(got[0].3.starts_with("sent=0 "), "{}", got[0].3);
        assert!(got[0].3.contains("failed=2"), "{}", got[0].3);
        assert!(!got[0].3.contains('@'));

        // A web import: the dry run records nothing, the import records its counts.
        let file = "id,network,network_name,werkplaats_name,start_year,size\r\nr1,wijk-a,Wijk A,Noordkust,2019,12\r\n";
        let fields = |action: &'static str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("instrument", "leernet_network".to_owned()),
                ("wave", "audit-import".to_owned()),
                ("network", String::new()),
                ("network_column", "network".to_owned()),
                ("format", "csv".to_owned()),
                ("action", action.to_owned()),
            ]
        };
        let n = w.store.audit_log().await.unwrap().len();
        for action in ["check", "import"] {
            let f = fields(action);
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ct, body) = multipart(&refs, ("a.csv", file.as_bytes()));
            let p = c.send_with_type("/admin/import", &ct, body).await;
            assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        }
        let wave = w
            .store
            .waves()
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.name == "audit-import")
            .unwrap();
        assert_eq!(
            since(&w.store, n).await,
            [(
                "responses.import".to_owned(),
                me.clone(),
                format!("wave:{}", wave.id.0),
                "format=csv added=1 already=0 wave_created=true".to_owned()
            )]
        );

        // A web export of a wave's responses.
        let n = w.store.audit_log().await.unwrap().len();
        let p = c
            .get(&format!("/admin/export?format=csv&wave={}", wave.id.0))
            .await;
        assert_eq!(p.status, StatusCode::OK);
        assert_eq!(
            since(&w.store, n).await,
            [(
                "responses.export".to_owned(),
                me.clone(),
                format!("wave:{}", wave.id.0),
                "format=csv rows=1 network=all".to_owned()
            )]
        );

        // A member's own workspace download and erase.
        let member = w
            .store
            .account_by_email("member-a@example.org")
            .await
            .unwrap()
            .unwrap();
        let them = format!("person:{}", member.id.0);
        let mut mc = Client::new(&w.app);
        mc.login("member-a@example.org").await;
        let mcsrf = mc.session_csrf().await;
        let n = w.store.audit_log().await.unwrap().len();
        assert_eq!(mc.get("/ws/export").await.status, StatusCode::OK);
        // Without the confirmation nothing is erased, and nothing recorded.
        let p = mc.post("/ws/erase", &[("csrf_token", &mcsrf)]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let p = mc
            .post("/ws/erase", &[("csrf_token", &mcsrf), ("confirm", "yes")])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let got = since(&w.store, n).await;
        let short: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|(a, b, c, _)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(
            short,
            [
                ("workspace.export", them.as_str(), them.as_str()),
                ("workspace.erase", them.as_str(), them.as_str()),
            ]
        );
        assert!(got[1].3.starts_with("slow_questions="), "{}", got[1].3);

        // Every new action has its label, in Dutch and in English.
        let p = c.get("/admin/audit").await;
        for label in [
            "uitnodigingen gemaild",
            "antwoorden geïmporteerd",
            "antwoorden geëxporteerd",
            "eigen bijdragen in de netwerkruimte gedownload",
            "eigen bijdragen in de netwerkruimte gewist",
        ] {
            assert!(p.body.contains(label), "{label}: {}", p.body);
        }
        let p = c.get("/admin/audit?lang=en").await;
        for label in [
            "invitations e-mailed",
            "responses imported",
            "responses exported",
            "own network space contributions downloaded",
            "own network space contributions erased",
        ] {
            assert!(p.body.contains(label), "{label}");
        }
        assert!(!p.body.contains("lid1@example.org"));
        w.store.close().await;
        db.drop_database().await;
    }
}

/// Every action the store can write has a label in both locales (consensus and codebook
/// changes are written by the coding store and shown here all the same).
#[test]
fn every_action_has_a_label_in_both_languages() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    for lang in ["nl", "en"] {
        let text = std::fs::read_to_string(root.join(format!("{lang}.toml"))).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let audit = table["audit"].as_table().unwrap();
        for a in leernet_store::Action::ALL {
            let key = format!("action_{}", a.as_str().replace('.', "_"));
            assert!(
                audit
                    .get(&key)
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| !v.is_empty()),
                "{lang}: {key}"
            );
        }
    }
}

/// An XLSForm whose settings introduce the study to the respondent and close with its own
/// words, in Dutch and English.
fn intro_form(privacy_url: &str) -> Vec<u8> {
    let rows: [(&str, &[&[&str]]); 2] = [
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Nederlands (nl)",
                    "label::English (en)",
                ],
                &["text", "open", "Wat wilt u kwijt?", "Anything to add?"],
            ],
        ),
        (
            "settings",
            &[
                &[
                    "form_id",
                    "version",
                    "welcome::Nederlands (nl)",
                    "welcome::English (en)",
                    "organiser",
                    "duration",
                    "privacy_url",
                    "contact",
                    "thanks::Nederlands (nl)",
                    "thanks::English (en)",
                ],
                &[
                    "intro_test",
                    "1",
                    "We onderzoeken hoe lerende netwerken werken.",
                    "We study how learning networks work.",
                    "Werkplaats Sociaal Domein Noordkust",
                    "12",
                    privacy_url,
                    "onderzoek@example.org",
                    "Fijn dat u meedeed; de uitkomsten komen in het voorjaar.",
                    "Thank you for taking part; the results follow in spring.",
                ],
            ],
        ),
    ];
    workbook(&rows)
}

/// The questionnaire's settings tell the respondent what the study is, who runs it, how long
/// it takes, where the privacy statement is and whom to ask, on the first page in their
/// language; the thanks page closes with the questionnaire's own words. A privacy address
/// that is not a web address is named by the check and not shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_questionnaire_introduces_the_study_and_closes_in_its_own_words() {
    use leernet_core::*;
    use leernet_store::*;
    let bad =
        leernet_xlsform::Form::from_workbook(&intro_form("javascript:alert(1)"), "x.xlsx").unwrap();
    assert!(
        bad.warnings().iter().any(|d| d.message
            == "On the 'settings' sheet, the 'privacy_url' value is not a web address (https://…): respondents do not see it."),
        "{:?}",
        bad.warnings()
    );
    assert_eq!(bad.respondent_texts("nl").privacy_url, None);

    let backend = test_backends()[0];
    let db = TestDb::new(backend).await;
    let w = world(db.store().await).await;
    let inst = w
        .store
        .add_instrument(&NewInstrument {
            form_id: "intro_test".into(),
            version: "1".into(),
            title: Bilingual::default(),
            file_name: "intro.xlsx".into(),
            workbook: intro_form("https://example.org/privacy"),
        })
        .await
        .unwrap();
    let wave = w
        .store
        .add_wave(inst, "met-inleiding", WaveStatus::Open)
        .await
        .unwrap();
    let token = InvitationToken::from_random([202; 20]);
    w.store
        .add_invitations(
            wave,
            &[NewInvitation {
                network: w.a,
                token: token.clone(),
                kind: InvitationKind::Member,
                person: None,
                email: None,
            }],
        )
        .await
        .unwrap();
    let url = format!("/s/{}", token.as_str());
    let mut c = Client::new(&w.app);
    let p = c.get(&format!("{url}?lang=nl")).await;
    assert_eq!(p.status, StatusCode::OK);
    for text in [
        "Over dit onderzoek",
        "We onderzoeken hoe lerende netwerken werken.",
        "Uitgevoerd door: Werkplaats Sociaal Domein Noordkust",
        "Het invullen duurt ongeveer 12 minuten.",
        "Vragen? Neem contact op met: onderzoek@example.org",
        // the address as the template escapes it in an attribute
        "href=\"https:&#x2f;&#x2f;example.org&#x2f;privacy\"",
    ] {
        assert!(p.body.contains(text), "{text}: {}", p.body);
    }
    let en = c.get(&format!("{url}?lang=en")).await;
    for text in [
        "About this study",
        "We study how learning networks work.",
        "Filling it in takes about 12 minutes.",
    ] {
        assert!(en.body.contains(text), "{text}: {}", en.body);
    }
    // Submitted: the thanks page closes in the questionnaire's words, in the visitor's language.
    let page = c.get(&format!("{url}?lang=nl")).await;
    let mut fields: Vec<(String, String)> = ["csrf_token", "page", "shown"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                crate::common::fill::hidden(&page.body, n).unwrap_or_default(),
            )
        })
        .collect();
    fields.push(("q.open".into(), "Niets".into()));
    fields.push(("action".into(), "submit".into()));
    let p = c.post_owned(&url, &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let thanks = c.get(&url).await;
    assert!(thanks.body.contains("Dank u wel"), "{}", thanks.body);
    assert!(thanks
        .body
        .contains("Fijn dat u meedeed; de uitkomsten komen in het voorjaar."));
    assert!(thanks
        .body
        .contains("Vragen? Neem contact op met: onderzoek@example.org"));
    // A questionnaire without these settings shows none of it.
    let p = Client::new(&w.app)
        .get(&format!("/s/{}", w.token_member_a.as_str()))
        .await;
    assert!(!p.body.contains("Over dit onderzoek"));
    w.store.close().await;
    db.drop_database().await;
}
