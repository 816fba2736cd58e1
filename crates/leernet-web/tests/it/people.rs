//! People and structure in the browser (issue 18, item 1 and its "Bad input"), on every back
//! end, through the installation's app as a browser without JavaScript uses it: a researcher
//! makes a Werkplaats and a network (a duplicate slug says so and makes nothing), invites a
//! facilitator (a bad form keeps what was typed; a second invitation of the same person is
//! refused), who sets their password through the one-time link and logs in; the link works
//! once; "wachtwoord vergeten" answers alike for every address, mails a link that works once
//! and for an hour; a deactivated person cannot log in and their open session ends; an
//! existing account invited into a second study gets the role, not a second account;
//! archiving a network takes it out of the choices; only researchers reach these pages.

use crate::common::{self, fill, Client, PASSWORD};
use axum::http::StatusCode;
use leernet_app::studies::{self, ProjectPlace, RoleGift};
use leernet_core::{Bilingual, Clock, Email, Role, Slug};
use leernet_store::{Actor, Installation, NewStudy, Store, Study};
use leernet_testkit::on_every_backend;
use leernet_testkit::smtp::{Refuse, SmtpSink};
use leernet_web::mail::{SmtpSettings, TlsMode};
use leernet_web::{Portal, StudyOptions};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

on_every_backend!(
    with_url,
    people_and_structure_in_the_browser => people_story,
);

/// A clock the test moves forward.
#[derive(Debug, Default)]
struct MovingClock(AtomicU64);

impl Clock for MovingClock {
    fn since_epoch(&self) -> Duration {
        Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
}

const START: u64 = 1_800_000_000;

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

fn options(clock: Arc<MovingClock>, smtp: Option<SmtpSettings>) -> StudyOptions {
    StudyOptions {
        public_url: Some("https://leernet.example".into()),
        content: leernet_analysis::ProjectContent::builtin(),
        study_content: Default::default(),
        smtp,
        trusted_proxies: vec![],
        clock,
    }
}

async fn give(inst: &Installation, study: &Study, store: &Store, email: &str, role: Role) {
    studies::give_role(
        inst,
        study,
        store,
        &RoleGift {
            email: Email::parse(email).unwrap(),
            name: Some(email.split('@').next().unwrap().to_owned()),
            role,
            networks: vec![],
            keep_networks: false,
            password_hash: Some(leernet_web::auth::hash_password(PASSWORD).unwrap()),
        },
        &Actor::System,
        1,
    )
    .await
    .unwrap();
}

/// The secret of the first password link in `text` (a page's value attribute escapes `/`).
fn secret_in(text: &str) -> String {
    let text = &text.replace("&#x2f;", "/");
    let at = text
        .find("/login/password/")
        .unwrap_or_else(|| panic!("a password link in {text}"));
    text[at + "/login/password/".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Logs in with `password`; the status of the answer.
async fn log_in(c: &mut Client, email: &str, password: &str) -> common::Page {
    let form = c.get("/login").await;
    c.post(
        "/login",
        &[
            ("email", email),
            ("password", password),
            ("csrf_token", &form.csrf()),
            ("next", "/my"),
        ],
    )
    .await
}

async fn people_story(store: &Store, url: &str) {
    let clock = Arc::new(MovingClock(AtomicU64::new(START)));
    let inst_url = Installation::url_beside(url);
    let opts = leernet_store::StoreOptions::default();
    let inst = studies::open_installation(
        &ProjectPlace {
            installation_url: &inst_url,
            study_url: url,
            opts: &opts,
            adopt_slug: &slug("eerste"),
            adopt_title: "Eerste onderzoek",
        },
        &Actor::System,
        1,
    )
    .await
    .unwrap();
    let first = inst.study_by_slug(&slug("eerste")).await.unwrap().unwrap();
    give(
        &inst,
        &first,
        store,
        "onderzoeker@example.org",
        Role::Researcher,
    )
    .await;
    give(
        &inst,
        &first,
        store,
        "coordinator@example.org",
        Role::Coordinator,
    )
    .await;
    let app = leernet_web::portal::app(Arc::new(
        Portal::open(inst.clone(), options(clock.clone(), None))
            .await
            .unwrap(),
    ));
    let base = "/studies/eerste";
    let mut r = Client::new(&app);
    r.login("onderzoeker@example.org").await;
    let csrf = r.get(&format!("{base}/my")).await.csrf();

    // --- Werkplaatsen and networks -----------------------------------------------------
    let page = r.get(&format!("{base}/admin/structure")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let p = r
        .post(
            &format!("{base}/admin/structure/workplaces"),
            &[
                ("csrf_token", &csrf),
                ("name", "Werkplaats Noord"),
                ("slug", "noord"),
                ("region", "Groningen"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // the same slug again: said, kept as typed, nothing made
    let p = r
        .post(
            &format!("{base}/admin/structure/workplaces"),
            &[
                ("csrf_token", &csrf),
                ("name", "Nog een Noord"),
                ("slug", "noord"),
                ("region", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("al in gebruik"), "{}", p.body);
    assert!(
        p.body.contains("value=\"Nog een Noord\""),
        "kept: {}",
        p.body
    );
    assert!(p.body.contains("error-summary"));
    assert_eq!(inst.workplaces().await.unwrap().len(), 1, "nothing made");
    let p = r
        .post(
            &format!("{base}/admin/structure/networks"),
            &[
                ("csrf_token", &csrf),
                ("name", "Netwerk Wijk A"),
                ("slug", "wijk-a"),
                ("workplace", "noord"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    for (name, slug_, code) in [
        ("Netwerk Wijk A", "wijk-a", "al in gebruik"),
        ("Bad", "Wijk B!", "kleine letters"),
        ("Methods", "methods", "pagina van leernet"),
    ] {
        let p = r
            .post(
                &format!("{base}/admin/structure/networks"),
                &[
                    ("csrf_token", &csrf),
                    ("name", name),
                    ("slug", slug_),
                    ("workplace", "noord"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{slug_}");
        assert!(p.body.contains(code), "{slug_}: {}", p.body);
    }
    assert_eq!(inst.networks().await.unwrap().len(), 1, "nothing half-made");
    assert_eq!(store.networks().await.unwrap().len(), 1);
    let p = r
        .post(
            &format!("{base}/admin/structure/networks"),
            &[
                ("csrf_token", &csrf),
                ("name", "Netwerk Wijk B"),
                ("slug", "wijk-b"),
                ("workplace", "noord"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // edit: the name follows in the study's own pages
    let edit = r
        .get(&format!("{base}/admin/structure/networks/wijk-b"))
        .await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    let p = r
        .post(
            &format!("{base}/admin/structure/networks/wijk-b"),
            &[
                ("csrf_token", &csrf),
                ("name", "Netwerk Wijk B-Oost"),
                ("workplace", "noord"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(store
        .networks()
        .await
        .unwrap()
        .iter()
        .any(|n| n.name == "Netwerk Wijk B-Oost"));
    let p = r
        .post(
            &format!("{base}/admin/structure/workplaces/noord"),
            &[("csrf_token", &csrf), ("name", ""), ("region", "x")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "an empty name");
    // archive wijk-b: out of the invitation choices, its row kept
    let p = r
        .post(
            &format!("{base}/admin/structure/networks/wijk-b/archive"),
            &[("csrf_token", &csrf), ("to", "archived")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(store.networks().await.unwrap().len(), 2, "nothing deleted");
    let instrument = store
        .add_instrument(&leernet_store::NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerkvragenlijst".into(),
                en: "Network questionnaire".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: common::NETWORK_XLSX.to_vec(),
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(instrument, "2026", leernet_core::WaveStatus::Open)
        .await
        .unwrap();
    let wave_page = r.get(&format!("{base}/admin/waves/{}", wave.0)).await;
    assert_eq!(wave_page.status, StatusCode::OK, "{}", wave_page.body);
    assert!(wave_page.body.contains("Netwerk Wijk A"));
    assert!(
        !wave_page.body.contains("Netwerk Wijk B-Oost"),
        "an archived network is no choice for a wave's invitations"
    );

    // --- Inviting -------------------------------------------------------------------------
    let people = r.get(&format!("{base}/admin/people")).await;
    assert_eq!(people.status, StatusCode::OK, "{}", people.body);
    assert!(people.body.contains("name=\"network\" value=\"wijk-a\""));
    assert!(
        !people.body.contains("value=\"wijk-b\""),
        "an archived network is no choice"
    );
    // a bad form: every problem said, what was typed kept, nothing made
    let p = r
        .post(
            &format!("{base}/admin/people"),
            &[
                ("csrf_token", &csrf),
                ("email", "geen adres"),
                ("name", "Fenna Facilitator"),
                ("role", "facilitator"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("value=\"geen adres\""), "{}", p.body);
    assert!(p.body.contains("value=\"Fenna Facilitator\""));
    assert!(p.body.contains("geldig e-mailadres"));
    assert!(p.body.contains("minstens één netwerk"));
    assert!(
        p.body.contains("href=\"#email\""),
        "the summary links the field"
    );
    let p = r
        .post(
            &format!("{base}/admin/people"),
            &[
                ("csrf_token", &csrf),
                ("email", "fenna@example.org"),
                ("role", "facilitator"),
                ("network", "wijk-b"),
            ],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an archived network"
    );
    let accounts = inst.accounts().await.unwrap().len();
    let p = r
        .post(
            &format!("{base}/admin/people"),
            &[
                ("csrf_token", &csrf),
                ("email", "fenna@example.org"),
                ("name", "Fenna Facilitator"),
                ("role", "facilitator"),
                ("network", "wijk-a"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(inst.accounts().await.unwrap().len(), accounts + 1);
    assert!(
        p.body
            .replace("&#x2f;", "/")
            .contains("value=\"https://leernet.example/login/password/"),
        "without SMTP the researcher sees the absolute link: {}",
        p.body
    );
    let invite_secret = secret_in(&p.body);
    assert_eq!(invite_secret.len(), 64);
    assert!(p.body.contains("Fenna Facilitator"));
    assert!(p.body.contains("uitgenodigd, nog geen wachtwoord"));
    // the same person again: said, nothing changed
    let p = r
        .post(
            &format!("{base}/admin/people"),
            &[
                ("csrf_token", &csrf),
                ("email", "FENNA@example.org"),
                ("role", "member"),
                ("network", "wijk-a"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("al een rol in dit onderzoek"), "{}", p.body);
    assert_eq!(inst.accounts().await.unwrap().len(), accounts + 1);

    // --- The invitation's link --------------------------------------------------------
    let mut f = Client::new(&app);
    let link = format!("/login/password/{invite_secret}");
    let form = f.get(&link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let p = f
        .post(
            &link,
            &[
                ("csrf_token", &form.csrf()),
                ("password", PASSWORD),
                ("repeat", "iets anders dan dat"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("niet gelijk"), "{}", p.body);
    let p = f
        .post(
            &link,
            &[
                ("csrf_token", &form.csrf()),
                ("password", "kort"),
                ("repeat", "kort"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("te kort"), "{}", p.body);
    let p = f
        .post(
            &link,
            &[
                ("csrf_token", &form.csrf()),
                ("password", PASSWORD),
                ("repeat", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), "/login?done=password");
    let done = f.get("/login?done=password").await;
    assert!(done.body.contains("Uw wachtwoord is ingesteld"));
    // once only
    let again = f.get(&link).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("al gebruikt"), "{}", again.body);
    assert!(
        again.body.contains("href=\"/login/forgot\""),
        "a new one offered"
    );
    let p = f
        .post(
            &link,
            &[
                ("csrf_token", &form.csrf()),
                ("password", "nog een ander wachtwoord"),
                ("repeat", "nog een ander wachtwoord"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::GONE, "a used link sets nothing");
    assert_eq!(
        f.get("/login/password/nonsense").await.status,
        StatusCode::NOT_FOUND
    );
    f.login("fenna@example.org").await;
    let my = f.get(&format!("{base}/my")).await;
    assert_eq!(my.status, StatusCode::OK, "{}", my.body);
    assert!(my.body.contains("Fenna Facilitator"));
    // a facilitator, a coordinator and a stranger do not reach the people pages
    let mut coord = Client::new(&app);
    coord.login("coordinator@example.org").await;
    let mut stranger = Client::new(&app);
    for path in [
        "/admin/people",
        "/admin/structure",
        "/admin/structure/networks/wijk-a",
        "/admin/structure/workplaces/noord",
    ] {
        let path = format!("{base}{path}");
        assert_eq!(f.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            coord.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::SEE_OTHER,
            "{path}"
        );
    }

    // a lost link: the researcher makes a new one, and the old one no longer works
    let p = r
        .post(
            &format!("{base}/admin/people"),
            &[
                ("csrf_token", &csrf),
                ("email", "lid@example.org"),
                ("role", "member"),
                ("network", "wijk-a"),
            ],
        )
        .await;
    let old = secret_in(&p.body);
    let lid = inst
        .account_by_email("lid@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let p = r
        .post(
            &format!("{base}/admin/people/{}/link", lid.0),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let new = secret_in(&p.body);
    assert_ne!(old, new);
    assert_eq!(
        stranger.get(&format!("/login/password/{old}")).await.status,
        StatusCode::GONE,
        "replaced"
    );
    assert_eq!(
        stranger.get(&format!("/login/password/{new}")).await.status,
        StatusCode::OK
    );

    // --- Deactivating ---------------------------------------------------------------------
    let fenna = inst
        .account_by_email("fenna@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let person = format!("{base}/admin/people/{}", fenna.0);
    let page = r.get(&person).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let p = r
        .post(
            &format!("{person}/active"),
            &[("csrf_token", &csrf), ("to", "inactive")],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the box must be ticked"
    );
    assert!(inst.role_is_active(fenna, first.id).await.unwrap());
    let p = r
        .post(
            &format!("{person}/active"),
            &[
                ("csrf_token", &csrf),
                ("to", "inactive"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // the open session ended, and the password no longer lets her in
    let my = f.get(&format!("{base}/my")).await;
    assert_eq!(
        my.status,
        StatusCode::SEE_OTHER,
        "session ended: {}",
        my.body
    );
    let p = log_in(&mut f, "fenna@example.org", PASSWORD).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    assert!(p.body.contains("gedeactiveerd"));
    assert!(
        store
            .audit_log()
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "role.deactivate"
                && e.subject == leernet_store::AuditSubject::Person(fenna)),
        "audited in the study's log, about the person"
    );
    // the researcher cannot deactivate themselves
    let me = inst
        .account_by_email("onderzoeker@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let p = r
        .post(
            &format!("{base}/admin/people/{}/active", me.0),
            &[
                ("csrf_token", &csrf),
                ("to", "inactive"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = r
        .post(
            &format!("{person}/active"),
            &[("csrf_token", &csrf), ("to", "active")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        log_in(&mut f, "fenna@example.org", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "reactivated"
    );
    // change her role: member of wijk-a
    let p = r
        .post(
            &format!("{person}/role"),
            &[
                ("csrf_token", &csrf),
                ("role", "member"),
                ("network", "wijk-a"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let roles = inst.roles_of(fenna).await.unwrap();
    assert_eq!(roles[0].role, Role::Member);
    let p = r
        .post(
            &format!("{person}/role"),
            &[("csrf_token", &csrf), ("role", "member")],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a member needs a network"
    );
    assert!(
        p.body.contains("value=\"member\" checked"),
        "kept: {}",
        p.body
    );

    // --- Wachtwoord vergeten -------------------------------------------------------------
    let sink = SmtpSink::start(Refuse::Nobody).await;
    let mailing = leernet_web::portal::app(Arc::new(
        Portal::open(
            inst.clone(),
            options(
                clock.clone(),
                Some(SmtpSettings {
                    host: "127.0.0.1".into(),
                    port: Some(sink.port),
                    tls: TlsMode::None,
                    user: None,
                    password: None,
                    from: "leernet <leernet@example.org>".into(),
                }),
            ),
        )
        .await
        .unwrap(),
    ));
    let mut g = Client::new(&mailing);
    let forgot = g.get("/login").await;
    assert!(forgot.body.contains("href=\"/login/forgot\""));
    let form = g.get("/login/forgot").await;
    assert_eq!(form.status, StatusCode::OK);
    let ask = |g: &mut Client, email: &'static str, csrf: String| {
        let mut g = g.clone();
        async move {
            g.post(
                "/login/forgot",
                &[("csrf_token", csrf.as_str()), ("email", email)],
            )
            .await
        }
    };
    let unknown = ask(&mut g, "niemand@example.org", form.csrf()).await;
    let known = ask(&mut g, "fenna@example.org", form.csrf()).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.body, known.body, "the answer never tells");
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = sink.mails();
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(mails.len(), 1, "one mail, to the account only");
    assert!(mails[0].to[0].contains("fenna@example.org"));
    let reset = secret_in(&mails[0].data);
    assert!(mails[0]
        .data
        .contains("https://leernet.example/login/password/"));
    // late: an hour and a second after
    clock.0.fetch_add(3601, Ordering::SeqCst);
    let late = g.get(&format!("/login/password/{reset}")).await;
    assert_eq!(late.status, StatusCode::GONE);
    assert!(late.body.contains("verlopen"), "{}", late.body);
    // a new one works, once; the old one stays refused
    sink.clear();
    let form = g.get("/login/forgot").await;
    ask(&mut g, "fenna@example.org", form.csrf()).await;
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = sink.mails();
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let fresh = secret_in(&mails[0].data);
    let link = format!("/login/password/{fresh}");
    let form = g.get(&link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let new_password = "een nieuw en lang wachtwoord";
    let p = g
        .post(
            &link,
            &[
                ("csrf_token", &form.csrf()),
                ("password", new_password),
                ("repeat", new_password),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(g.get(&link).await.status, StatusCode::GONE, "used twice");
    assert_eq!(
        log_in(&mut g, "fenna@example.org", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    assert_eq!(
        log_in(&mut g, "fenna@example.org", new_password)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        f.get(&format!("{base}/my")).await.status,
        StatusCode::SEE_OTHER,
        "the new password ended her other session"
    );

    // --- People once, roles per study -----------------------------------------------------
    let second = inst
        .add_study(
            &NewStudy {
                slug: slug("tweede"),
                title: Bilingual {
                    nl: "Tweede onderzoek".into(),
                    en: "Second study".into(),
                },
            },
            &Actor::System,
            2,
        )
        .await
        .unwrap();
    let store2 = inst.open_study(&second).await.unwrap();
    give(
        &inst,
        &second,
        &store2,
        "onderzoeker@example.org",
        Role::Researcher,
    )
    .await;
    let before = inst.accounts().await.unwrap().len();
    let app2 = leernet_web::portal::app(Arc::new(
        Portal::open(inst.clone(), options(clock.clone(), None))
            .await
            .unwrap(),
    ));
    let mut r2 = Client::new(&app2);
    r2.login("onderzoeker@example.org").await;
    let csrf2 = r2.get("/studies/tweede/my").await.csrf();
    let p = r2
        .post(
            "/studies/tweede/admin/people",
            &[
                ("csrf_token", &csrf2),
                ("email", "fenna@example.org"),
                ("role", "researcher"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("had al een account"), "{}", p.body);
    assert!(
        !p.body.replace("&#x2f;", "/").contains("/login/password/"),
        "no link: she has a password"
    );
    assert_eq!(
        inst.accounts().await.unwrap().len(),
        before,
        "no second account"
    );
    assert_eq!(inst.roles_of(fenna).await.unwrap().len(), 2);
    store2.close().await;

    // the page's forms carry the fields the handlers read
    let page = r.get(&format!("{base}/admin/people")).await;
    assert!(fill::hidden(&page.body, "csrf_token").is_some());
    inst.close().await;
}
