//! A network's profile, benchmark and handreiking in the app, a coordinator's Werkplaats and
//! the researcher's report preview, on every back end: who may open what (stranger, every
//! role, another network, another Werkplaats), and that what they open is their own and
//! names no other network.

use crate::common;

use axum::http::{header, StatusCode};
use common::{world, Client, World, PASSWORD};
use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::{NewNetwork, NewPerson, NewWorkplace};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_handreikingen_workplaces_and_the_report_preview() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        story(&w).await;
        w.store.close().await;
        db.drop_database().await;
    }
}

/// What a visitor gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok,
    Login,
    Forbidden,
    NotFound,
}

async fn expect(c: &mut Client, who: &str, path: &str, want: Expect) -> common::Page {
    let p = c.get(path).await;
    let got = match p.status {
        StatusCode::OK => Expect::Ok,
        StatusCode::SEE_OTHER if p.location().starts_with("/login") => Expect::Login,
        StatusCode::FORBIDDEN => Expect::Forbidden,
        StatusCode::NOT_FOUND => Expect::NotFound,
        s => panic!("{who} on {path}: unexpected {s}"),
    };
    assert_eq!(got, want, "{who} on {path}");
    p
}

async fn story(w: &World) {
    use Expect::*;
    // A second Werkplaats with network C, and a coordinator of the first Werkplaats (linked
    // through one of its networks, as `leernet user add --role coordinator --network` does).
    let zuid = w
        .store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("zuidkust").unwrap(),
            name: "Werkplaats Zuidkust".into(),
            region: "Zuid".into(),
        })
        .await
        .unwrap();
    w.store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-c").unwrap(),
            name: "Netwerk Wijk C".into(),
            workplace: zuid,
        })
        .await
        .unwrap();
    w.store
        .add_person(&NewPerson {
            email: Email::parse("coord-noord@example.org").unwrap(),
            name: "coord-noord".into(),
            role: Role::Coordinator,
            networks: vec![w.a],
            password_hash: Some(leernet_web::auth::hash_password(PASSWORD).unwrap()),
        })
        .await
        .unwrap();

    // Visitors: a stranger, the researcher, a coordinator linked to no Werkplaats, the
    // coordinator of Noordkust, A's facilitator and member, B's facilitator and member.
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("coord-noord@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("fac-b@example.org"),
        Some("member-b@example.org"),
    ];
    let a_own = [Login, Ok, NotFound, Ok, Ok, Ok, NotFound, NotFound];
    let b_own = [Login, Ok, NotFound, Ok, NotFound, NotFound, Ok, Ok];
    let c_own = [
        Login, Ok, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
    ];
    let staff_noord = [
        Login, Ok, NotFound, Ok, Forbidden, Forbidden, Forbidden, Forbidden,
    ];
    let staff_zuid = [
        Login, Ok, NotFound, NotFound, Forbidden, Forbidden, Forbidden, Forbidden,
    ];
    let staff = [
        Login, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden,
    ];
    let researcher = [
        Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    ];
    let mut routes: Vec<(String, [Expect; 8])> = Vec::new();
    for (slug, rule) in [("wijk-a", a_own), ("wijk-b", b_own), ("wijk-c", c_own)] {
        for suffix in [
            "profile",
            "handreiking.html",
            "handreiking.docx",
            "handreiking.pdf",
            "handreiking.html?lang=en",
        ] {
            routes.push((format!("/networks/{slug}/{suffix}"), rule));
        }
        // The network's own page follows the same rule as its profile.
        routes.push((format!("/networks/{slug}"), rule));
    }
    routes.push((
        "/networks/bestaat-niet/profile".into(),
        [
            Login, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
        ],
    ));
    routes.push(("/workplaces".into(), staff));
    routes.push(("/workplaces/noordkust".into(), staff_noord));
    routes.push(("/workplaces/zuidkust".into(), staff_zuid));
    routes.push(("/admin/report".into(), researcher));
    routes.push(("/admin/report/index.html?lang=en".into(), researcher));
    routes.push(("/admin/report/index.docx".into(), researcher));
    routes.push(("/admin/report/index.md".into(), researcher));
    routes.push(("/admin/report/index.pdf".into(), researcher));
    for (i, who) in visitors.iter().enumerate() {
        let mut c = Client::new(&w.app);
        if let Some(email) = who {
            c.login(email).await;
        }
        let name = who.unwrap_or("a stranger");
        for (path, rule) in &routes {
            expect(&mut c, name, path, rule[i]).await;
        }
    }

    // What A's facilitator sees: A's profile, with the benchmark and the handreiking, and
    // never another network's name.
    let mut fac = Client::new(&w.app);
    fac.login("fac-a@example.org").await;
    let go = fac.get("/profile").await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    assert_eq!(go.location(), "/networks/wijk-a/profile");
    let p = fac.get("/networks/wijk-a/profile").await;
    for must in [
        "Netwerk Wijk A",
        "Werkplaats Noordkust",
        "Profiel en handreiking",
        "class=\"chart profile\"",
        "Mediaan",
        "/networks/wijk-a/handreiking.docx?lang=nl",
        "/networks/wijk-a/handreiking.pdf?lang=nl",
        "/networks/wijk-a/handreiking.html?lang=en",
    ] {
        assert!(p.body.contains(must), "the profile lacks {must:?}");
    }
    for never in ["Wijk B", "Wijk C", "wijk-b", "wijk-c"] {
        assert!(
            !p.body.contains(never),
            "A's profile names another network: {never}"
        );
    }
    assert!(!p.body.contains("<script") && !p.body.contains("style=\""));
    // people read labels: no questionnaire or question name, no variable path, on the page
    for internal in [
        "<code>",
        "leernet_network",
        "leernet_member",
        "/agenda_setting",
    ] {
        assert!(
            !p.body.contains(internal),
            "the profile shows an internal name: {internal}"
        );
    }
    let overview = Client::new(&w.app).get("/").await;
    assert!(
        !overview.body.contains("<code>"),
        "the study overview shows an internal name"
    );
    let en = fac.get("/networks/wijk-a/profile?lang=en").await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Profile and handreiking"));

    // The downloads are the report's renderings of the same figures.
    let figures = leernet_analysis::analyse(
        &w.store.study_data().await.unwrap(),
        &leernet_analysis::Overview::builtin(),
    )
    .unwrap();
    let reports = leernet_report::Reports::new();
    // Each handle on the profile says why it applies, in the handreiking's words (issue 21).
    let view = reports
        .handreiking_view(&figures, "wijk-a", leernet_core::Lang::Nl)
        .unwrap();
    let reasons: Vec<&str> = view
        .groups
        .iter()
        .flat_map(|g| &g.items)
        .map(|i| i.reason.as_str())
        .filter(|r| !r.is_empty())
        .collect();
    assert!(
        !reasons.is_empty(),
        "a handle of wijk-a says why it applies"
    );
    let escaped = |r: &str| {
        r.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
            .replace('/', "&#x2f;")
    };
    for r in reasons {
        assert!(
            r.starts_with("Dit handvat past bij uw netwerk omdat "),
            "{r}"
        );
        assert!(
            p.body.contains(&escaped(r)),
            "the profile lacks the reason {r:?}"
        );
    }
    let html = fac.get("/networks/wijk-a/handreiking.html?lang=nl").await;
    assert_eq!(
        html.body,
        reports
            .handreiking_html(&figures, "wijk-a", Lang::Nl)
            .unwrap()
    );
    assert!(html.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("attachment; filename=\"wijk-a.html\""));
    let csp = html.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("style-src 'sha256-")
            && csp.contains("default-src 'none'")
            && !csp.contains("unsafe"),
        "{csp}"
    );
    assert!(!html.body.contains("Wijk B"));
    let docx = fac.get("/networks/wijk-a/handreiking.docx?lang=en").await;
    assert_eq!(
        docx.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(docx.body.starts_with("PK"));
    let pdf = fac.get("/networks/wijk-a/handreiking.pdf?lang=en").await;
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));

    // The coordinator of Noordkust: both networks of the Werkplaats, not Zuidkust's.
    let mut co = Client::new(&w.app);
    co.login("coord-noord@example.org").await;
    let list = co.get("/workplaces").await;
    assert!(list.body.contains("/workplaces/noordkust") && !list.body.contains("zuidkust"));
    let wp = co.get("/workplaces/noordkust").await;
    for must in [
        "/networks/wijk-a/profile",
        "/networks/wijk-b/profile",
        "Mediaan van alle netwerken",
    ] {
        assert!(wp.body.contains(must), "the Werkplaats page lacks {must}");
    }
    assert!(!wp.body.contains("Wijk C"));
    let lonely = {
        let mut c = Client::new(&w.app);
        c.login("coordinator@example.org").await;
        c.get("/workplaces").await
    };
    assert!(lonely.body.contains("niet aan een Werkplaats gekoppeld"));

    // The researcher's preview: the study report in both languages and every handreiking.
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let pre = r.get("/admin/report").await;
    for slug in ["wijk-a", "wijk-b", "wijk-c"] {
        assert!(pre
            .body
            .contains(&format!("/networks/{slug}/handreiking.docx?lang=en")));
        assert!(pre
            .body
            .contains(&format!("/networks/{slug}/handreiking.pdf?lang=nl")));
    }
    assert!(pre.body.contains("/admin/report/index.pdf?lang=en"));
    // The page shows the report itself, in the visitor's language, in a frame with a title;
    // the report lets only this app's own pages frame it.
    assert!(
        pre.body
            .contains("<iframe src=\"/admin/report/index.html?lang=nl\" title=\"")
            && pre.body.contains("class=\"report-frame\""),
        "{}",
        pre.body
    );
    let rep = r.get("/admin/report/index.html?lang=en").await;
    let csp = rep.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'self'") && !csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    // a handreiking is not framed anywhere
    let h = r.get("/networks/wijk-a/handreiking.html").await;
    assert!(h.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    // The report `leernet report` writes, practice section included.
    let practice = leernet_analysis::practice_indicators::indicators(
        &leernet_app::practice::practice_log(&w.store, None)
            .await
            .unwrap(),
    );
    assert_eq!(
        rep.body,
        reports
            .html_with_practice(&figures, &practice, Lang::En)
            .unwrap()
    );
    assert!(rep.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(
        r.get("/admin/report/secrets.txt").await.status,
        StatusCode::NOT_FOUND
    );

    // The app with a project's own handles: every network now gets the first handle, and
    // the preview names the file.
    let handles = leernet_analysis::SHIPPED_FILES
        .iter()
        .find(|(n, _)| *n == "handles.toml")
        .unwrap()
        .1
        .replacen(
            "condition = \"${rationale_explicit} != 'yes'\"",
            "condition = \"1 = 1\"",
            1,
        );
    let own = leernet_analysis::ProjectContent::with_files(&[leernet_analysis::ContentFile {
        name: "handles.toml".into(),
        shown_as: "study/content/handles.toml".into(),
        text: handles,
    }])
    .unwrap();
    let changed =
        leernet_analysis::analyse_project(&w.store.study_data().await.unwrap(), &own).unwrap();
    let app = leernet_web::app(std::sync::Arc::new(
        leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
            .with_content(own),
    ));
    let mut r2 = Client::new(&app);
    r2.login("researcher@example.org").await;
    assert!(r2
        .get("/admin/report")
        .await
        .body
        .contains("study&#x2f;content&#x2f;handles.toml"));
    let mut fac2 = Client::new(&app);
    fac2.login("fac-b@example.org").await;
    let h = fac2.get("/networks/wijk-b/handreiking.html").await;
    let expected = reports
        .handreiking_html(&changed, "wijk-b", Lang::Nl)
        .unwrap();
    assert_eq!(h.body, expected);
    assert_ne!(
        h.body,
        reports
            .handreiking_html(&figures, "wijk-b", Lang::Nl)
            .unwrap()
    );
    let title = &changed.handles.handreikingen[1].items[0].title.nl;
    assert!(fac2
        .get("/networks/wijk-b/profile")
        .await
        .body
        .contains(title.as_str()));
}
