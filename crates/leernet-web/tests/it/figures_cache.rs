//! The study's figures are computed once per change of the data, never once per visitor, on
//! every back end: page views without a change compute nothing, twenty concurrent views
//! after a change share one computation and all show the new figure, a write of another
//! kind is seen as well, and a second instance on the same database sees a change written
//! through the first.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client};
use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::NewNetwork;
use leernet_web::AppState;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_are_computed_once_per_change_of_the_data() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let state = Arc::new(AppState::new(
            w.store.clone(),
            leernet_core::SystemClock::shared(),
        ));
        let app = leernet_web::app(state.clone());
        let mut c = Client::new(&app);

        // The first view computes; more views of any figure page compute nothing.
        let p = c.get("/networks").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains("Netwerk Nieuwland"));
        assert_eq!(state.figure_computations(), 1);
        for path in ["/", "/networks", "/", "/networks"] {
            assert_eq!(c.get(path).await.status, StatusCode::OK, "{path}");
        }
        assert_eq!(state.figure_computations(), 1, "views without a change");

        // A change; then twenty visitors at once: one computation, and all see the change.
        let wp = w.store.workplaces().await.unwrap()[0].id;
        w.store
            .add_network(&NewNetwork {
                slug: Slug::parse("nieuwland").unwrap(),
                name: "Netwerk Nieuwland".into(),
                workplace: wp,
            })
            .await
            .unwrap();
        let mut views = Vec::new();
        for _ in 0..20 {
            let app = app.clone();
            views.push(tokio::spawn(async move {
                Client::new(&app).get("/networks").await
            }));
        }
        for v in views {
            let p = v.await.unwrap();
            assert_eq!(p.status, StatusCode::OK);
            assert!(
                p.body.contains("Netwerk Nieuwland"),
                "a view after the change"
            );
        }
        assert_eq!(
            state.figure_computations(),
            2,
            "twenty views after one change"
        );

        // A write of another kind: the study's settings.
        w.store
            .set_study(&StudyInfo {
                title: Bilingual {
                    nl: "Een studie met een nieuwe titel".into(),
                    en: "A study with a new title".into(),
                },
                fictional: true,
            })
            .await
            .unwrap();
        let p = c.get("/").await;
        assert!(p.body.contains("Een studie met een nieuwe titel"));
        assert_eq!(state.figure_computations(), 3);

        // A second instance on the same database (its own connections) sees a change the
        // first one's store wrote.
        let other_store = db.store().await;
        let other = Arc::new(AppState::new(
            other_store.clone(),
            leernet_core::SystemClock::shared(),
        ));
        let mut oc = Client::new(&leernet_web::app(other.clone()));
        assert!(!oc.get("/networks").await.body.contains("Netwerk Zeezicht"));
        w.store
            .add_network(&NewNetwork {
                slug: Slug::parse("zeezicht").unwrap(),
                name: "Netwerk Zeezicht".into(),
                workplace: wp,
            })
            .await
            .unwrap();
        assert!(oc.get("/networks").await.body.contains("Netwerk Zeezicht"));
        assert!(c.get("/networks").await.body.contains("Netwerk Zeezicht"));
        assert_eq!(other.figure_computations(), 2);
        assert_eq!(state.figure_computations(), 4);

        other_store.close().await;
        w.store.close().await;
        db.drop_database().await;
    }
}

/// The pages' figures leave out the typology's stability replicates (no page shows them;
/// at national scale they are most of the analysis); the study report's include them. Each
/// set is computed once per change, on its first request, and never for the other's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_has_figures_of_its_own_computed_once_per_change() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let state = Arc::new(AppState::new(
            w.store.clone(),
            leernet_core::SystemClock::shared(),
        ));
        let app = leernet_web::app(state.clone());
        let mut c = Client::new(&app);
        c.login("researcher@example.org").await;

        assert_eq!(c.get("/networks").await.status, StatusCode::OK);
        assert_eq!(state.figure_computations(), 1, "the pages' figures");
        for _ in 0..2 {
            let r = c.get("/admin/report/index.html").await;
            assert_eq!(r.status, StatusCode::OK);
        }
        assert_eq!(state.figure_computations(), 2, "the report's, once");
        assert_eq!(c.get("/").await.status, StatusCode::OK);
        assert_eq!(state.figure_computations(), 2, "pages still cached");

        // A change: each set is computed again on its own first request.
        let wp = w.store.workplaces().await.unwrap()[0].id;
        w.store
            .add_network(&NewNetwork {
                slug: Slug::parse("nieuwland").unwrap(),
                name: "Netwerk Nieuwland".into(),
                workplace: wp,
            })
            .await
            .unwrap();
        assert!(c.get("/networks").await.body.contains("Netwerk Nieuwland"));
        assert_eq!(state.figure_computations(), 3);
        assert!(c
            .get("/admin/report/index.html")
            .await
            .body
            .contains("Netwerk Nieuwland"));
        assert_eq!(state.figure_computations(), 4);

        w.store.close().await;
        db.drop_database().await;
    }
}

/// Issue 19: the pages rest on the current wave and say which; `?wave=` switches them, each
/// choice cached on its own (a view without a change computes nothing), a wave that does not
/// exist is 404 and takes no place in the cache, and the study setting moves the current wave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_name_their_wave_and_can_be_switched() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let state = Arc::new(AppState::new(
            w.store.clone(),
            leernet_core::SystemClock::shared(),
        ));
        let app = leernet_web::app(state.clone());
        let mut c = Client::new(&app);

        // The latest closed wave that holds answers (2025; 2024 is closed but empty).
        let home = c.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(
            home.body
                .contains("Meting: 2025 (2 antwoorden uit 1 netwerk)"),
            "the overview names its wave"
        );
        assert!(home
            .body
            .contains("<strong aria-current=\"page\">2025</strong>"));
        assert!(home.body.contains("href=\"/?wave=2026\""));
        assert_eq!(state.figure_computations(), 1);

        // Another wave: computed once, then cached.
        for _ in 0..2 {
            let p = c.get("/?wave=2026").await;
            assert_eq!(p.status, StatusCode::OK);
            assert!(p.body.contains("Meting: 2026 (0 netwerken)"));
            assert!(p
                .body
                .contains("<strong aria-current=\"page\">2026</strong>"));
        }
        assert_eq!(state.figure_computations(), 2);
        let p = c.get("/?wave=all&lang=en").await;
        // All answers: only 2025 holds any, and the rule is said in words.
        assert!(p
            .body
            .contains("Wave: 2025, all answers (2 answers from 1 network)"));
        assert!(p.body.contains("counts once per wave"));
        assert_eq!(state.figure_computations(), 3);
        // A wave that does not exist.
        assert_eq!(c.get("/?wave=1999").await.status, StatusCode::NOT_FOUND);
        assert_eq!(state.figure_computations(), 3);
        // The current choice is still cached.
        assert!(c.get("/?lang=nl").await.body.contains("Meting: 2025 ("));
        assert_eq!(state.figure_computations(), 3);

        // The study setting moves the current wave (a change: computed again).
        w.store
            .set_current_wave("leernet_network", Some(&WaveChoice::parse("2026")))
            .await
            .unwrap();
        assert!(c.get("/").await.body.contains("Meting: 2026 (0 netwerken)"));
        assert_eq!(state.figure_computations(), 4);

        w.store.close().await;
        db.drop_database().await;
    }
}

/// Issue 17 at national scale: the overview, the list of networks and a network's page need
/// only the study's tables, computed on their own (a small part of the time of the pages'
/// figures with the typology, profiles and handreikingen), while a profile computes the
/// pages' figures; once those are fresh, the tables are taken from them and nothing more is
/// computed. A change computes each again on its own first request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tables_pages_compute_only_the_tables_and_take_them_from_the_pages_figures() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let state = Arc::new(AppState::new(
            w.store.clone(),
            leernet_core::SystemClock::shared(),
        ));
        let app = leernet_web::app(state.clone());
        let mut c = Client::new(&app);
        c.login("researcher@example.org").await;

        for path in ["/", "/networks", "/networks/wijk-a", "/"] {
            assert_eq!(c.get(path).await.status, StatusCode::OK, "{path}");
        }
        assert_eq!(state.figure_computations(), 1, "the tables, once");
        let profile = c.get("/networks/wijk-a/profile").await;
        assert_eq!(profile.status, StatusCode::OK);
        assert_eq!(state.figure_computations(), 2, "the profile's figures");

        // A change; the profile first: the tables pages take its figures.
        let wp = w.store.workplaces().await.unwrap()[0].id;
        w.store
            .add_network(&NewNetwork {
                slug: Slug::parse("nieuwland").unwrap(),
                name: "Netwerk Nieuwland".into(),
                workplace: wp,
            })
            .await
            .unwrap();
        assert_eq!(
            c.get("/networks/wijk-a/profile").await.status,
            StatusCode::OK
        );
        assert_eq!(state.figure_computations(), 3);
        for path in ["/", "/networks", "/networks/nieuwland"] {
            let p = c.get(path).await;
            assert_eq!(p.status, StatusCode::OK, "{path}");
            assert!(
                p.body.contains("Netwerk Nieuwland") || path == "/",
                "{path}"
            );
        }
        assert_eq!(
            state.figure_computations(),
            3,
            "the tables from the profile's fresh figures"
        );
        // The same on a chosen wave.
        assert_eq!(
            c.get("/networks/wijk-a/profile?wave=2026").await.status,
            StatusCode::OK
        );
        assert_eq!(state.figure_computations(), 4);
        assert_eq!(c.get("/?wave=2026").await.status, StatusCode::OK);
        assert_eq!(state.figure_computations(), 4, "also for a chosen wave");

        w.store.close().await;
        db.drop_database().await;
    }
}

/// With a page wait (`leernet serve`'s `server.figures_wait_ms`), a page of figures after a
/// change waits that long at most: then it shows the figures of the data before, says that
/// new ones are being calculated, and the next page, once they are, shows them without the
/// notice. The first figures are always waited for; with a long wait the page after a
/// change shows it at once (whoever made the change sees it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_does_not_wait_long_for_figures_of_changed_data_and_says_so() {
    const NOTICE: &str = "Er zijn net nieuwe gegevens bijgekomen.";
    const NOTICE_EN: &str = "New data has just come in.";
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let wp = w.store.workplaces().await.unwrap()[0].id;
        let add = |slug: &'static str, name: &'static str| {
            let store = w.store.clone();
            async move {
                store
                    .add_network(&NewNetwork {
                        slug: Slug::parse(slug).unwrap(),
                        name: name.into(),
                        workplace: wp,
                    })
                    .await
                    .unwrap()
            }
        };

        // No wait at all: the page after a change cannot wait for its computation.
        let cache = Arc::new(
            leernet_app::figures::FigureCache::default()
                .with_page_wait(Some(std::time::Duration::ZERO)),
        );
        let state = Arc::new(
            AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
                .with_figure_cache(cache.clone()),
        );
        let mut c = Client::new(&leernet_web::app(state.clone()));
        // The first figures are waited for: there are no earlier ones.
        let p = c.get("/networks").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains(NOTICE), "the first figures are the latest");
        assert_eq!(state.figure_computations(), 1);

        add("nieuwland", "Netwerk Nieuwland").await;
        let p = c.get("/networks").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(
            !p.body.contains("Netwerk Nieuwland"),
            "the earlier figures, at once"
        );
        assert!(p.body.contains(NOTICE), "the page says they are behind");
        assert!(p.body.contains(r#"<p class="behind wrap" role="status">"#));
        // The computation the page started goes on; once it is done the next page has it.
        let mut waited = 0;
        while state.figure_computations() < 2 {
            assert!(waited < 600, "the computation the page started ends");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            waited += 1;
        }
        let p = c.get("/networks").await;
        assert!(p.body.contains("Netwerk Nieuwland"));
        assert!(!p.body.contains(NOTICE), "the latest figures: no notice");
        assert_eq!(state.figure_computations(), 2, "no computation more");
        // The overview says it in English too.
        add("zeezicht", "Netwerk Zeezicht").await;
        let p = c.get("/?lang=en").await;
        assert!(p.body.contains(NOTICE_EN));
        while state.figure_computations() < 3 {
            assert!(waited < 1200, "the computation the page started ends");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            waited += 1;
        }

        // A long wait: the page after a change shows it, without the notice.
        let state = Arc::new(
            AppState::new(w.store.clone(), leernet_core::SystemClock::shared()).with_figure_cache(
                Arc::new(
                    leernet_app::figures::FigureCache::default()
                        .with_page_wait(Some(std::time::Duration::from_secs(60))),
                ),
            ),
        );
        let mut c = Client::new(&leernet_web::app(state.clone()));
        assert!(c.get("/networks").await.body.contains("Netwerk Zeezicht"));
        add("duinrand", "Netwerk Duinrand").await;
        let p = c.get("/networks").await;
        assert!(p.body.contains("Netwerk Duinrand"), "the change, at once");
        assert!(!p.body.contains(NOTICE));
        assert_eq!(state.figure_computations(), 2);

        w.store.close().await;
        db.drop_database().await;
    }
}
