//! Issue 18, item 2: a questionnaire's page with its check, its preview and its test links,
//! on every back end.
//!
//! The issue's point: "one test submission made the public overview say 18 network
//! questionnaires for 17 networks and moved profile scores". A test answer, submitted
//! through a test link like any respondent's, must move no figure: not the overview's count,
//! not a profile score, not an export's rows, not a wave's response rate. Wiping takes the
//! test answers and nothing else. A preview stores nothing at all.

use crate::common;

use axum::http::StatusCode;
use common::{fill, world, Client, World};
use leernet_core::*;
use leernet_store::{Actor, InvitationKind, NewInstrument, SaveOutcome};
use leernet_testkit::on_every_backend;
use std::collections::BTreeMap;

on_every_backend!(
    world = world,
    a_test_answer_moves_no_figure => no_figure_moves_story,
    wiping_takes_the_test_answers_and_nothing_else => wipe_story,
    a_preview_goes_page_by_page_in_both_languages_and_stores_nothing => preview_story,
    only_staff_see_a_questionnaire_and_only_researchers_test => roles_story,
);

/// The `<main>` of a page: what a visitor reads (the header holds nothing of a figure).
fn main_of(body: &str) -> String {
    let start = body.find("<main").unwrap_or(0);
    let end = body.find("</main>").unwrap_or(body.len());
    body[start..end].to_owned()
}

/// Everything a test answer must not move: the overview, a profile, the networks list, the
/// waves page and a wave's monitor, the export of every wave, and the store's counts.
async fn figures(w: &World, r: &mut Client) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut paths = vec![
        "/?lang=nl".to_owned(),
        "/networks/wijk-a/profile".to_owned(),
        "/networks".to_owned(),
        "/admin/waves".to_owned(),
        format!("/admin/waves/{}", w.open.0),
    ];
    for wave in w.store.waves().await.unwrap() {
        paths.push(format!("/admin/export?wave={}&format=csv", wave.id.0));
    }
    for path in paths {
        let p = r.get(&path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
        out.push((path, main_of(&p.body)));
    }
    let data = w.store.study_data().await.unwrap();
    out.push((
        "study_data".into(),
        format!(
            "waves={:?} responses={}",
            data.waves.iter().map(|w| &w.name).collect::<Vec<_>>(),
            data.responses.len()
        ),
    ));
    out.push((
        "response_counts".into(),
        format!("{:?}", w.store.response_counts().await.unwrap()),
    ));
    out.push((
        "monitor".into(),
        format!("{:?}", w.store.wave_monitor(w.open).await.unwrap()),
    ));
    out.push((
        "invitations".into(),
        format!("{}", w.store.invitations(None).await.unwrap().len()),
    ));
    out
}

/// Answers a questionnaire through `url` to the end, as a respondent without script.
async fn answer_to_the_end(c: &mut Client, url: &str) {
    let mut page = c.get(&format!("{url}?lang=nl")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for _ in 0..30 {
        let last = page.body.contains("value=\"submit\"");
        let action = if last { "submit" } else { "next" };
        let fields = fill::fill(&page.body, action, &|_| None, &fill::shipped_number);
        let mut p = c.post_owned(url, &fields).await;
        if p.status == StatusCode::OK {
            // more questions appeared: answer those too
            let fields = fill::fill(&p.body, action, &|_| None, &fill::shipped_number);
            p = c.post_owned(url, &fields).await;
        }
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        page = c.get(p.location()).await;
        if last {
            break;
        }
    }
    assert!(
        page.body.contains("Uw antwoorden zijn verstuurd"),
        "{}",
        page.body
    );
}

async fn no_figure_moves_story(w: &World) {
    // Every wave's answers side by side: the choice under which a stray answer would show
    // at once (the issue's 18 for 17).
    w.store
        .set_current_wave("leernet_network", Some(&WaveChoice::AllAnswers))
        .await
        .unwrap();
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let before = figures(w, &mut r).await;
    assert!(
        before[0]
            .1
            .contains("<strong>2</strong> netwerkvragenlijsten ingevuld"),
        "{}",
        before[0].1
    );

    // The researcher makes a test link on the questionnaire's page (no open wave needed).
    let page = format!("/admin/instruments/{}", w.instrument.0);
    let csrf = r.session_csrf().await;
    let p = r
        .post(
            &format!("{page}/test-links"),
            &[
                ("csrf_token", csrf.as_str()),
                ("network", &w.a.0.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), format!("{page}?made=1#test-links"));
    let links = w.store.test_links(w.instrument).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].kind, InvitationKind::Network);
    let url = format!("/s/{}", links[0].token.as_str());
    let shown = r.get(&page).await;
    assert!(
        fill::unescape(&shown.body).contains(&format!("http://127.0.0.1:8080{url}")),
        "the absolute link is on the page: {}",
        shown.body
    );

    // A colleague answers it for real, to the end, without logging in.
    let mut colleague = Client::new(&w.app);
    answer_to_the_end(&mut colleague, &url).await;
    let counts = w.store.test_counts(w.instrument).await.unwrap();
    assert_eq!((counts.links, counts.started, counts.submitted), (1, 1, 1));
    let shown = r.get(&page).await;
    assert!(
        shown.body.contains("waarvan verstuurd: 1."),
        "{}",
        shown.body
    );

    // Nothing moved.
    let after = figures(w, &mut r).await;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "{} moved after a test answer", b.0);
    }
    // The waves page names no test wave.
    assert!(!after[3].1.contains(leernet_store::TEST_WAVE_NAME));
}

async fn wipe_story(w: &World) {
    // A second questionnaire with a test answer of its own; real answers in the world.
    let member = w
        .store
        .add_instrument(&NewInstrument {
            form_id: "leernet_member".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Ledenvragenlijst".into(),
                en: "Member questionnaire".into(),
            },
            file_name: "member.xlsx".into(),
            workbook: common::MEMBER_XLSX.to_vec(),
        })
        .await
        .unwrap();
    let mut answers = BTreeMap::new();
    answers.insert("size".to_owned(), "12".to_owned());
    let test_answer = |instrument, submit| {
        let store = w.store.clone();
        let answers = answers.clone();
        let a = w.a;
        async move {
            let inv = leernet_app::invitations::test_link(&store, instrument, a, "leernet_network")
                .await
                .unwrap();
            let out = store
                .save_survey(inv.id, &answers, 0, submit)
                .await
                .unwrap();
            assert!(matches!(out, SaveOutcome::Saved | SaveOutcome::Submitted));
        }
    };
    test_answer(w.instrument, true).await;
    test_answer(w.instrument, false).await;
    test_answer(member, true).await;
    let real = w.store.responses(None).await.unwrap();
    assert_eq!(real.len(), 2, "the world's two real answers");
    assert_eq!(w.store.test_counts(w.instrument).await.unwrap().started, 2);

    // The researcher wipes the network questionnaire's test answers with its button.
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let page = format!("/admin/instruments/{}", w.instrument.0);
    let shown = r.get(&page).await;
    assert!(
        shown.body.contains("id=\"wipe-test-answers\""),
        "{}",
        shown.body
    );
    // Before wiping, the researcher may download them (issue 18): from this page only, as
    // a wave of their own; a facilitator asking for that wave gets nothing.
    let test_wave = w.store.test_wave_of(w.instrument).await.unwrap().unwrap();
    let download = format!("/admin/export?wave={}&format=csv", test_wave.0);
    assert!(
        shown.body.contains(&download.replace('&', "&amp;")),
        "{}",
        shown.body
    );
    let csv = r.get(&download).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(
        csv.body.lines().count() >= 3,
        "a header and the two test answers"
    );
    let mut fac = Client::new(&w.app);
    fac.login("fac-a@example.org").await;
    let refused = fac.get(&download).await;
    assert_ne!(refused.status, StatusCode::OK, "{}", refused.body);
    let csrf = r.session_csrf().await;
    let p = r
        .post(
            &format!("{page}/test-answers/wipe"),
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), format!("{page}?wiped=2#test-links"));
    let shown = r.get(p.location()).await;
    assert!(
        shown.body.contains("2 testantwoorden gewist."),
        "{}",
        shown.body
    );

    // Gone: those two; kept: the real answers, the other questionnaire's test answer, and
    // the links (which start afresh).
    let c = w.store.test_counts(w.instrument).await.unwrap();
    assert_eq!((c.links, c.started, c.submitted), (2, 0, 0));
    assert_eq!(w.store.responses(None).await.unwrap(), real);
    assert_eq!(w.store.test_responses(Some(member)).await.unwrap().len(), 1);
    assert!(w
        .store
        .test_responses(Some(w.instrument))
        .await
        .unwrap()
        .is_empty());
    let entry = w.store.audit_log().await.unwrap().pop().unwrap();
    assert_eq!(entry.action, "test.wipe");
    assert_eq!(entry.detail, "responses=2");
    assert_eq!(
        entry.subject,
        leernet_store::AuditSubject::Instrument(w.instrument)
    );

    // Every questionnaire at once (the CLI's way): the member one's goes too.
    let gone = w
        .store
        .wipe_test_responses(None, Actor::Cli("test".into()), 0)
        .await
        .unwrap();
    assert_eq!(gone, 1);
    assert!(w.store.test_responses(None).await.unwrap().is_empty());
    assert_eq!(w.store.responses(None).await.unwrap(), real);
}

/// The fields a browser sends from a preview page: the survey's, and the carried answers.
fn preview_fields(
    body: &str,
    action: &str,
    choose: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    let mut f = fill::fill(body, action, choose, &fill::shipped_number);
    f.push((
        "carried".into(),
        fill::hidden(body, "carried").expect("a preview carries its answers"),
    ));
    f
}

async fn preview_story(w: &World) {
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let generation = w.store.generation().await.unwrap();
    let url = format!("/admin/instruments/{}/preview", w.instrument.0);

    // The questionnaire's page offers a preview in each language.
    let page = r
        .get(&format!("/admin/instruments/{}", w.instrument.0))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for code in ["nl", "en"] {
        assert!(page.body.contains(&format!("id=\"preview-{code}\"")));
    }

    // Page 1 in Dutch, as a respondent sees it, with the preview's note.
    let first = r.get(&format!("{url}?lang=nl")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("Voorbeeld."), "{}", first.body);
    assert!(first.body.contains("Pagina 1 van"), "{}", first.body);
    assert!(
        !first.body.contains("id=\"save\""),
        "no saving in a preview"
    );

    // Required questions are checked as for a respondent.
    let mut empty = vec![
        ("csrf_token".to_owned(), first.csrf()),
        ("page".to_owned(), "0".to_owned()),
        (
            "shown".to_owned(),
            fill::hidden(&first.body, "shown").unwrap(),
        ),
        ("action".to_owned(), "next".to_owned()),
    ];
    empty.push((
        "carried".into(),
        fill::hidden(&first.body, "carried").unwrap(),
    ));
    let p = r.post_owned(&format!("{url}?lang=nl"), &empty).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("error-summary"));

    // Filled: on to page 2, the answers carried.
    let fields = preview_fields(&first.body, "next", &|_| None);
    let second = r.post_owned(&format!("{url}?lang=nl"), &fields).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert!(second.body.contains("Pagina 2 van"), "{}", second.body);
    let carried = fill::hidden(&second.body, "carried").unwrap();
    assert!(carried.contains("Een kort antwoord."), "{carried}");

    // The other language, same page, answers kept.
    let mut switch = preview_fields(&second.body, "lang", &|_| None);
    switch.retain(|(k, _)| !k.starts_with("q."));
    let english = r.post_owned(&format!("{url}?lang=en"), &switch).await;
    assert_eq!(english.status, StatusCode::OK, "{}", english.body);
    assert!(english.body.contains("Page 2 of"), "{}", english.body);
    assert!(english.body.contains("Preview."), "{}", english.body);
    assert_eq!(fill::hidden(&english.body, "carried").unwrap(), carried);

    // Back to page 1: what was typed is there.
    let back = preview_fields(&english.body, "prev", &|_| None);
    let p = r.post_owned(&format!("{url}?lang=en"), &back).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("Page 1 of"), "{}", p.body);
    assert!(
        p.body.contains("value=\"Een kort antwoord.\""),
        "{}",
        p.body
    );

    // Through to the end: the preview says nothing was stored.
    let mut page = p;
    let mut done = false;
    for _ in 0..30 {
        let last = page.body.contains("value=\"submit\"");
        let action = if last { "submit" } else { "next" };
        let fields = preview_fields(&page.body, action, &|_| None);
        let mut p = r.post_owned(&format!("{url}?lang=en"), &fields).await;
        if p.body.contains("value=\"next\"") && p.body.contains("more questions") {
            let fields = preview_fields(&p.body, action, &|_| None);
            p = r.post_owned(&format!("{url}?lang=en"), &fields).await;
        }
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        if p.body.contains("End of the preview") {
            done = true;
            break;
        }
        page = p;
    }
    assert!(done, "the preview reached its end");

    // Nothing was written: no response, no invitation, no change of any kind.
    assert_eq!(w.store.generation().await.unwrap(), generation);
    assert_eq!(w.store.test_counts(w.instrument).await.unwrap().links, 0);

    // A forged carried field is refused or dropped, never stored.
    let mut forged = preview_fields(&first.body, "next", &|_| None);
    forged.retain(|(k, _)| k != "carried");
    forged.push(("carried".into(), "{not json".into()));
    let p = r.post_owned(&format!("{url}?lang=nl"), &forged).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    let mut unknown = preview_fields(&first.body, "next", &|_| None);
    unknown.retain(|(k, _)| k != "carried");
    unknown.push(("carried".into(), r#"{"no_such_question":"x"}"#.into()));
    let p = r.post_owned(&format!("{url}?lang=nl"), &unknown).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(!fill::hidden(&p.body, "carried")
        .unwrap()
        .contains("no_such_question"));
    let big = "x".repeat(survey_limit() + 1);
    let mut huge = preview_fields(&first.body, "next", &|_| None);
    huge.retain(|(k, _)| k != "carried");
    huge.push(("carried".into(), big));
    let p = r.post_owned(&format!("{url}?lang=nl"), &huge).await;
    assert!(p.status.is_client_error(), "{}", p.status);
    assert_eq!(w.store.generation().await.unwrap(), generation);

    // An instrument the study does not have.
    let p = r.get("/admin/instruments/999999/preview").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}

fn survey_limit() -> usize {
    leernet_web::survey::preview::MAX_CARRIED_BYTES
}

async fn roles_story(w: &World) {
    let page = format!("/admin/instruments/{}", w.instrument.0);
    let preview = format!("{page}/preview");
    // coordinators see the page and the preview, make no test link and wipe nothing
    let mut c = Client::new(&w.app);
    c.login("coordinator@example.org").await;
    let p = c.get(&page).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("id=\"make-test-link\""));
    assert_eq!(c.get(&preview).await.status, StatusCode::OK);
    let csrf = c.session_csrf().await;
    for path in [
        format!("{page}/test-links"),
        format!("{page}/test-answers/wipe"),
    ] {
        let p = c
            .post(&path, &[("csrf_token", csrf.as_str()), ("network", "1")])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}");
    }
    // facilitators and members: none of it
    for who in ["fac-a@example.org", "member-a@example.org"] {
        let mut m = Client::new(&w.app);
        m.login(who).await;
        assert_eq!(m.get(&page).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(m.get(&preview).await.status, StatusCode::FORBIDDEN, "{who}");
    }
    // a stranger is sent to log in
    let mut s = Client::new(&w.app);
    let p = s.get(&preview).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/login"), "{}", p.location());
    // a network the study does not have: refused, nothing made
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let csrf = r.session_csrf().await;
    let p = r
        .post(
            &format!("{page}/test-links"),
            &[("csrf_token", csrf.as_str()), ("network", "999999")],
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert_eq!(w.store.test_counts(w.instrument).await.unwrap().links, 0);
    // a real wave may not be called "(test)": the page says why, nothing is made (issue 18:
    // the store's conflict was the only answer, and the test wave is in no list)
    assert!(w
        .store
        .add_wave(
            w.instrument,
            leernet_store::TEST_WAVE_NAME,
            WaveStatus::Draft,
        )
        .await
        .is_err());
    let waves = w.store.waves().await.unwrap().len();
    let p = r
        .post(
            "/admin/waves",
            &[
                ("csrf_token", csrf.as_str()),
                ("instrument", &w.instrument.0.to_string()),
                ("name", "(test)"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("gereserveerd voor de testlinks"),
        "{}",
        p.body
    );
    assert_eq!(w.store.waves().await.unwrap().len(), waves);
}
