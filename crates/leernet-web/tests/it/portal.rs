//! Many studies on one installation, in the web app, on every back end: every study's pages
//! are under `/studies/{slug}` with links that stay there; one login (the installation's)
//! works for every study; a person sees the pages of a study only with a role in it; survey
//! links stay `/s/{token}` and reach the study they belong to; with one study, the paths of
//! a one-study project still lead to its pages.

use crate::common;

use axum::http::StatusCode;
use common::{token, Client, PASSWORD};
use leernet_app::studies::{self, NetworkAdded, NewStudyNetwork, ProjectPlace, RoleGift};
use leernet_core::{Bilingual, Email, NetworkId, Role, Slug, SystemClock, WaveStatus};
use leernet_store::{
    Actor, Installation, InvitationKind, NewInstrument, NewInvitation, NewStudy, NewWorkplace,
    Store, Study,
};

/// Lets the network `wijk-a` (of the Werkplaats `noordkust`) take part in `study`: the first
/// study registers both, the second joins the same network.
async fn shared_network(inst: &Installation, study: &Study, store: &Store) -> NetworkId {
    let slug = |s: &str| Slug::parse(s).unwrap();
    if inst.workplaces().await.unwrap().is_empty() {
        studies::add_workplace(
            inst,
            store,
            &NewWorkplace {
                slug: slug("noordkust"),
                name: "Werkplaats Noordkust".into(),
                region: "Noord".into(),
            },
            &Actor::System,
            1,
        )
        .await
        .unwrap();
    }
    let added = studies::add_network(
        inst,
        study,
        store,
        &NewStudyNetwork {
            slug: &slug("wijk-a"),
            name: "Netwerk Wijk A",
            workplace: &slug("noordkust"),
        },
        &Actor::System,
        1,
    )
    .await
    .unwrap();
    match added {
        NetworkAdded::New(n, _) | NetworkAdded::Joined(n, _) => n.id,
    }
}
use leernet_testkit::on_every_backend;
use leernet_web::{Portal, StudyOptions};
use std::sync::Arc;

on_every_backend!(
    with_url,
    each_study_is_seen_only_with_a_role_in_it => two_studies_story,
    the_server_computes_the_figures_before_the_first_visitor => warm_story,
);

/// `serve_installation` computes each active study's figures for the pages (the tables,
/// then the pages' set) when it starts, before any request: the first visitor of a national
/// study does not wait seconds. The first page then computes nothing.
async fn warm_story(store: &Store, url: &str) {
    let (inst, first) = installation(url).await;
    shared_network(&inst, &first, store).await;
    let caches = Arc::new(leernet_app::figures::FigureCaches::new(
        leernet_analysis::ProjectContent::builtin(),
        Default::default(),
    ));
    let mut options = leernet_web::ServeOptions::new(Arc::new(SystemClock));
    options.figures = Some(caches.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(leernet_web::serve_installation_until(
        inst.clone(),
        listener,
        options,
        async {
            let _ = stopped.await;
        },
    ));
    let cache = caches.of("eerste");
    let mut waited = 0;
    while cache.computations() < 2 {
        assert!(waited < 1200, "the figures are computed without a request");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(
        &mut conn,
        b"GET /studies/eerste/ HTTP/1.1\r\nHost: leernet\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    let mut page = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut conn, &mut page)
        .await
        .unwrap();
    assert!(page.starts_with(b"HTTP/1.1 200"), "the study's overview");
    assert_eq!(cache.computations(), 2, "the first page computes nothing");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    inst.close().await;
}

/// Gives `email` the role `role` in `study` (an account made with the test password).
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

/// An open wave of the shipped network questionnaire in `store`, with one invitation whose
/// link is `token(n)`.
async fn wave_with_link(store: &Store, network: NetworkId, title: &str, n: u8) {
    let instrument = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: title.into(),
                en: title.into(),
            },
            file_name: "network.xlsx".into(),
            workbook: common::NETWORK_XLSX.to_vec(),
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(instrument, "2026", WaveStatus::Open)
        .await
        .unwrap();
    store
        .add_invitations(
            wave,
            &[NewInvitation {
                network,
                token: token(n),
                kind: InvitationKind::Member,
                person: None,
                email: None,
            }],
        )
        .await
        .unwrap();
}

fn portal_app(portal: Portal) -> axum::Router {
    leernet_web::portal::app(Arc::new(portal))
}

fn options() -> StudyOptions {
    StudyOptions {
        public_url: None,
        content: leernet_analysis::ProjectContent::builtin(),
        study_content: Default::default(),
        smtp: None,
        trusted_proxies: vec![],
        clock: Arc::new(SystemClock),
    }
}

/// The installation beside the project store at `url`, which becomes its study `eerste`.
async fn installation(url: &str) -> (Installation, Study) {
    let slug = Slug::parse("eerste").unwrap();
    let inst_url = Installation::url_beside(url);
    let opts = leernet_store::StoreOptions::default();
    let inst = studies::open_installation(
        &ProjectPlace {
            installation_url: &inst_url,
            study_url: url,
            opts: &opts,
            adopt_slug: &slug,
            adopt_title: "Eerste onderzoek",
        },
        &Actor::System,
        1,
    )
    .await
    .unwrap();
    let first = inst.study_by_slug(&slug).await.unwrap().unwrap();
    (inst, first)
}

async fn two_studies_story(store: &Store, url: &str) {
    let slug = |s: &str| Slug::parse(s).unwrap();
    let (inst, first) = installation(url).await;
    give(&inst, &first, store, "a@example.org", Role::Researcher).await;
    let net = shared_network(&inst, &first, store).await;
    wave_with_link(store, net, "Vragenlijst van het eerste onderzoek", 1).await;

    // One study: the paths of a one-study project lead to its pages.
    let app = portal_app(Portal::open(inst.clone(), options()).await.unwrap());
    let mut c = Client::new(&app);
    let p = c.get("/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/studies/eerste/");
    let p = c.get("/networks?lang=en").await;
    assert_eq!(p.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(p.location(), "/studies/eerste/networks?lang=en");
    let p = c.get("/studies/eerste/").await;
    assert_eq!(p.status, StatusCode::OK, "the study's overview: {}", p.body);
    let p = c.get("/studies/eerste/networks").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("href=\"/studies/eerste/\""), "{}", p.body);

    // A second study, with its own researcher and its own survey link.
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
    give(&inst, &second, &store2, "b@example.org", Role::Researcher).await;
    let shared = shared_network(&inst, &second, &store2).await;
    assert_eq!(shared, net, "one network in both studies");
    wave_with_link(&store2, shared, "Vragenlijst van het tweede onderzoek", 2).await;

    let app = portal_app(Portal::open(inst.clone(), options()).await.unwrap());
    let mut stranger = Client::new(&app);
    let home = stranger.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    for s in ["/studies/eerste/", "/studies/tweede/"] {
        assert!(home.body.contains(s), "a stranger sees the public {s}");
        assert_eq!(stranger.get(s).await.status, StatusCode::OK, "{s}");
    }
    assert_eq!(
        stranger.get("/networks").await.status,
        StatusCode::NOT_FOUND,
        "with two studies an old path names no study"
    );
    let p = stranger.get("/studies/tweede/admin/waves").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.location(),
        "/login?next=/studies/tweede/admin/waves",
        "the login brings the stranger back to the page under its study"
    );
    assert_eq!(
        stranger.get("/studies/derde/").await.status,
        StatusCode::NOT_FOUND
    );

    // Researcher A: one login, their study only.
    let mut a = Client::new(&app);
    a.login("a@example.org").await;
    let home = a.get("/").await;
    assert_eq!(
        home.status,
        StatusCode::SEE_OTHER,
        "A has one study: straight to it"
    );
    assert_eq!(home.location(), "/studies/eerste/");
    let my = a.get("/my").await;
    assert_eq!(my.status, StatusCode::SEE_OTHER);
    assert_eq!(
        my.location(),
        "/studies/eerste/my",
        "where the login sends A"
    );
    let waves = a.get("/studies/eerste/admin/waves").await;
    assert_eq!(waves.status, StatusCode::OK, "{}", waves.body);
    assert!(waves.body.contains("Vragenlijst van het eerste onderzoek"));
    assert!(
        waves
            .body
            .contains("action=\"/studies/eerste/admin/waves\""),
        "the page's forms post to its study"
    );
    for path in [
        "/studies/tweede/admin/waves",
        "/studies/tweede/coding",
        "/studies/tweede/admin/audit",
        "/studies/tweede/my",
        "/studies/tweede/admin/export",
    ] {
        let p = a.get(path).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}: {}", p.body);
        assert!(
            !p.body.contains("tweede onderzoek"),
            "{path}: nothing of the other study"
        );
    }
    // A form of study B posted with A's session is refused and stores nothing.
    let csrf = a.get("/studies/eerste/my").await.csrf();
    let p = a
        .post(
            "/studies/tweede/admin/waves",
            &[("csrf_token", csrf.as_str()), ("name", "indringer")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(store2.waves().await.unwrap().len(), 1);

    // The role walk over the study boundary: every route of a study's app, as every role
    // of study A (the facilitator and member of the network both studies share among
    // them), under study B. Where a stranger sees a public page, they may see it too;
    // everywhere else they are refused (403 or 404: never B's page, never the login form,
    // never a server error), and nothing of B changes, also by a form posted with their
    // own valid CSRF token.
    boundary_walk(&inst, &first, store, &app, &store2).await;
    admin_story(&inst, &first, store, &app).await;

    // A person with roles in both studies gets the list, with their role in each.
    give(&inst, &first, store, "c@example.org", Role::Coordinator).await;
    give(&inst, &second, &store2, "c@example.org", Role::Researcher).await;
    let mut both = Client::new(&app);
    both.login("c@example.org").await;
    let home = both.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains("href=\"/studies/eerste/\""));
    assert!(home.body.contains("href=\"/studies/tweede/\""));
    assert!(home.body.contains("coördinator") && home.body.contains("onderzoeker"));
    assert_eq!(both.get("/my").await.location(), "/");

    // Researcher B sees their study and not A's.
    let mut b = Client::new(&app);
    b.login("b@example.org").await;
    let waves = b.get("/studies/tweede/admin/waves").await;
    assert_eq!(waves.status, StatusCode::OK, "{}", waves.body);
    assert!(waves.body.contains("Vragenlijst van het tweede onderzoek"));
    assert!(!waves.body.contains("eerste onderzoek"));
    assert_eq!(
        b.get("/studies/eerste/admin/waves").await.status,
        StatusCode::FORBIDDEN
    );

    // Survey links stay /s/{token} and reach their own study.
    let mut respondent = Client::new(&app);
    let s1 = respondent.get(&format!("/s/{}", token(1).as_str())).await;
    assert_eq!(s1.status, StatusCode::OK, "{}", s1.body);
    let s2 = respondent.get(&format!("/s/{}", token(2).as_str())).await;
    assert_eq!(s2.status, StatusCode::OK, "{}", s2.body);
    assert_eq!(
        respondent
            .get(&format!("/s/{}", token(3).as_str()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Logging out ends the one session for every study.
    let csrf = a.get("/studies/eerste/my").await.csrf();
    let out = a.post("/logout", &[("csrf_token", csrf.as_str())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        a.get("/studies/eerste/admin/waves").await.status,
        StatusCode::SEE_OTHER,
        "logged out: the login page again"
    );

    store2.close().await;
    inst.close().await;
}

/// The installation administrator's page: only an administrator sees it; a new study with
/// its lead researcher, the form's errors with what was typed kept, archiving (confirmed)
/// and making active again.
async fn admin_story(inst: &Installation, first: &Study, store: &Store, app: &axum::Router) {
    // The administrator has a role in one study, like anyone; the right over the
    // installation is their own.
    give(inst, first, store, "beheer@example.org", Role::Coordinator).await;
    let admin_id = inst
        .account_by_email("beheer@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(inst
        .set_admin(admin_id, true, &Actor::System, 3)
        .await
        .unwrap());

    // A stranger is sent to log in; a researcher of a study is refused.
    let mut stranger = Client::new(app);
    let p = stranger.get("/admin/studies").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/login"), "{}", p.location());
    let mut a = Client::new(app);
    a.login("a@example.org").await;
    assert_eq!(a.get("/admin/studies").await.status, StatusCode::FORBIDDEN);
    let csrf_a = a.get("/studies/eerste/my").await.csrf();
    let p = a
        .post(
            "/admin/studies",
            &[
                ("csrf_token", csrf_a.as_str()),
                ("title_nl", "Van een onderzoeker"),
                ("slug", "indringer"),
                ("lead", "a@example.org"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let overview = a.get("/studies/eerste/").await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert!(
        overview.body.contains("action=\"/logout\""),
        "the header knows them"
    );
    assert!(!overview.body.contains("/admin/studies"));

    let mut admin = Client::new(app);
    admin.login("beheer@example.org").await;
    let overview = admin.get("/studies/eerste/").await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert!(
        overview.body.contains("href=\"/admin/studies\""),
        "every page's header links to it"
    );
    let page = admin.get("/admin/studies").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Eerste onderzoek") && page.body.contains("Tweede onderzoek"));
    assert!(
        page.body.contains("href=\"/admin/studies\""),
        "the header links here"
    );
    let csrf = page.csrf();

    // A form with mistakes: each named, what was typed kept, nothing made.
    let p = admin
        .post(
            "/admin/studies",
            &[
                ("csrf_token", csrf.as_str()),
                ("title_nl", "Derde onderzoek"),
                ("slug", "twee woorden"),
                ("lead", "niemand@example.org"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("error-summary"), "{}", p.body);
    assert!(p.body.contains("href=\"#slug\""), "{}", p.body);
    assert!(
        p.body.contains("value=\"Derde onderzoek\""),
        "kept: {}",
        p.body
    );
    let p = admin
        .post(
            "/admin/studies",
            &[
                ("csrf_token", csrf.as_str()),
                ("title_nl", "Derde onderzoek"),
                ("slug", "derde"),
                ("lead", "niemand@example.org"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains("Er is geen account met dit e-mailadres"),
        "{}",
        p.body
    );
    assert!(inst
        .study_by_slug(&Slug::parse("derde").unwrap())
        .await
        .unwrap()
        .is_none());
    // Without the CSRF token: refused.
    let p = admin
        .post(
            "/admin/studies",
            &[
                ("title_nl", "Derde"),
                ("slug", "derde"),
                ("lead", "a@example.org"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    // Made, with its lead researcher, who can open its pages at once.
    let p = admin
        .post(
            "/admin/studies",
            &[
                ("csrf_token", csrf.as_str()),
                ("title_nl", "Derde onderzoek"),
                ("title_en", "Third study"),
                ("slug", "derde"),
                ("lead", "A@example.org"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), "/admin/studies?made=derde");
    let page = admin.get(p.location()).await;
    assert!(
        page.body.contains("Het onderzoek is aangemaakt"),
        "{}",
        page.body
    );
    assert!(page.body.contains(">a</td>") || page.body.contains("a</td>"));
    let third = inst
        .study_by_slug(&Slug::parse("derde").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.title.en, "Third study");
    let roles = inst.roles(third.id).await.unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].role, Role::Researcher);
    assert_eq!(
        a.get("/studies/derde/admin/waves").await.status,
        StatusCode::OK
    );
    assert_eq!(
        admin.get("/studies/derde/admin/waves").await.status,
        StatusCode::FORBIDDEN,
        "making a study gives the administrator no role in it"
    );

    // Archiving needs its box ticked; archived, the study is off the website and read-only;
    // made active again, it is back.
    let p = admin
        .post(
            "/admin/studies/derde/state",
            &[("csrf_token", csrf.as_str()), ("to", "archived")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Vink aan"), "{}", p.body);
    assert_eq!(
        a.get("/studies/derde/admin/waves").await.status,
        StatusCode::OK
    );
    let p = admin
        .post(
            "/admin/studies/derde/state",
            &[
                ("csrf_token", csrf.as_str()),
                ("to", "archived"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        a.get("/studies/derde/admin/waves").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(admin
        .get("/admin/studies")
        .await
        .body
        .contains("Gearchiveerd"));
    let p = admin
        .post(
            "/admin/studies/derde/state",
            &[("csrf_token", csrf.as_str()), ("to", "active")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        a.get("/studies/derde/admin/waves").await.status,
        StatusCode::OK
    );
    assert_eq!(
        admin
            .post(
                "/admin/studies/vierde/state",
                &[("csrf_token", csrf.as_str()), ("to", "active")],
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Archived at the command line (the installation, not this app): the app notices
    // within its five seconds.
    inst.archive_study(&Slug::parse("derde").unwrap(), &Actor::System, 4)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5200)).await;
    assert_eq!(
        a.get("/studies/derde/admin/waves").await.status,
        StatusCode::NOT_FOUND
    );
    let log: Vec<String> = inst
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {} {}", e.actor, e.action, e.subject))
        .collect();
    for needle in ["admin.give", "study.add", "study.archive", "study.activate"] {
        assert!(log.iter().any(|l| l.contains(needle)), "{needle}: {log:?}");
    }
}

/// The walk of [`two_studies_story`] over the study boundary (see there).
async fn boundary_walk(
    inst: &Installation,
    first: &Study,
    store: &Store,
    app: &axum::Router,
    store2: &Store,
) {
    let wijk_a = Slug::parse("wijk-a").unwrap();
    let people = [
        ("walk-researcher@example.org", Role::Researcher, vec![]),
        ("walk-coordinator@example.org", Role::Coordinator, vec![]),
        (
            "walk-facilitator@example.org",
            Role::Facilitator,
            vec![wijk_a.clone()],
        ),
        (
            "walk-member@example.org",
            Role::Member,
            vec![wijk_a.clone()],
        ),
    ];
    for (email, role, networks) in &people {
        studies::give_role(
            inst,
            first,
            store,
            &RoleGift {
                email: Email::parse(email).unwrap(),
                name: None,
                role: *role,
                networks: networks.clone(),
                keep_networks: false,
                password_hash: Some(leernet_web::auth::hash_password(PASSWORD).unwrap()),
            },
            &Actor::System,
            1,
        )
        .await
        .unwrap();
    }
    let survey_token = token(2);
    let concrete = |pattern: &str| -> String {
        let path = pattern
            .replace("{slug}", "wijk-a")
            .replace("{token}", survey_token.as_str())
            .replace("{file}", "index.html");
        let mut out = String::new();
        let mut rest = path.as_str();
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').unwrap();
            out.push_str(&rest[..open]);
            out.push('1');
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        format!("/studies/tweede{out}")
    };
    let mut before = Vec::new();
    store2.backup(&mut before).await.unwrap();
    let mut stranger = Client::new(app);
    let mut walked = 0;
    for (email, role, _) in &people {
        let mut c = Client::new(app);
        c.login(email).await;
        let csrf = c.get("/studies/eerste/my").await.csrf();
        for (method, pattern, walk) in crate::fieldwork::ROUTE_WALKS {
            if walk.starts_with("public: ") || pattern.starts_with("/s/") {
                continue;
            }
            let path = concrete(pattern);
            let (seen, public) = if *method == "GET" {
                (c.get(&path).await, stranger.get(&path).await)
            } else {
                let fields = [("csrf_token", csrf.as_str()), ("name", "indringer")];
                (
                    c.post(&path, &fields).await,
                    stranger.post(&path, &fields).await,
                )
            };
            walked += 1;
            if public.status == StatusCode::OK {
                continue;
            }
            // A page is refused (403, or 404 where the study hides that it exists); a form
            // may also be turned away for its body (400 for an upload that is no upload)
            // before the role is looked at: a refusal all the same.
            let refused = match *method {
                "GET" => matches!(seen.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                _ => seen.status.is_client_error(),
            };
            assert!(
                refused,
                "{role:?} of study A, {method} {path}: {} {}",
                seen.status, seen.body
            );
            assert!(
                !seen.body.contains("tweede onderzoek"),
                "{role:?}, {method} {path}: nothing of the other study"
            );
        }
    }
    assert!(walked > 4 * 50, "the walk went over every route: {walked}");
    let mut after = Vec::new();
    store2.backup(&mut after).await.unwrap();
    assert!(before == after, "nothing of study B changed");
}

/// Every study link of every template starts with `{{ base }}`, so that it stays in the
/// study it is shown in; only the installation's own addresses are written bare (the
/// stylesheet and scripts, login and logout, survey links, the list of studies and the
/// home link). `tools/prefix_links.py` puts the base before the links of a template.
#[test]
fn every_study_link_of_a_template_starts_with_the_base() {
    // the installation's own pages: the login, the list of studies, a person's API tokens
    const GLOBAL: [&str; 7] = [
        "/static/",
        "/login",
        "/logout",
        "/s/",
        "/studies/",
        "/admin/studies",
        "/tokens",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut bare = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        seen += 1;
        for attr in ["href=\"", "action=\"", "formaction=\""] {
            for (i, _) in text.match_indices(attr) {
                let url = &text[i + attr.len()..];
                let url = &url[..url.find('"').unwrap_or(url.len())];
                if url.starts_with('/') && url != "/" && !GLOBAL.iter().any(|g| url.starts_with(g))
                {
                    bare.push(format!("{}: {url}", path.display()));
                }
            }
        }
    }
    assert!(seen > 30, "the templates were read ({seen})");
    assert!(
        bare.is_empty(),
        "study links without {{{{ base }}}}: {bare:#?}"
    );
}
