//! The network space for daily use (issue 26), driven in-process on every back end: the
//! landing page per network and the settings under the person's menu; sessions as meetings
//! with a time, a place and a link, their `.ics` file (read back with the `icalendar` crate's
//! parser and, when the conformance venv is there, with Python's `icalendar`), SEQUENCE
//! raised by a change, `METHOD:CANCEL` for a cancelled session; the private calendar feed
//! (own networks only, a wrong or renewed-away secret is a 404); and a vote refused for too
//! many dots or a count that is no number, with the dots kept as typed and the topic named.

use crate::common;

use axum::http::{header, StatusCode};
use common::{world, Client, World};
use icalendar::{Calendar, Component, EventLike};
use leernet_core::*;
use leernet_store::handle_uptake::UptakeReport;
use leernet_store::workspace::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world,
    ws_landing_page_and_settings_under_the_person => landing_story,
    ws_sessions_are_meetings_in_a_calendar => meetings_story,
    ws_the_calendar_feed_is_private_and_revocable => feed_story,
    ws_a_refused_vote_keeps_the_dots_and_names_the_topic => vote_story,
    ws_handles_taken_up_and_their_uptake => uptake_story,
    ws_a_network_responds_to_its_profile => member_check_story,
);

async fn person(w: &World, email: &str) -> PersonId {
    w.store.account_by_email(email).await.unwrap().unwrap().id
}

/// The `.ics` parsed back, with its one event's properties by name.
fn parse_ics(body: &str) -> (Calendar, std::collections::BTreeMap<String, String>) {
    let cal: Calendar = body.parse().unwrap_or_else(|e| panic!("{e}: {body}"));
    let mut props = std::collections::BTreeMap::new();
    for (k, v) in [
        ("METHOD", cal.property_value("METHOD")),
        ("PRODID", cal.property_value("PRODID")),
    ] {
        props.insert(k.to_owned(), v.unwrap_or("").to_owned());
    }
    let events: Vec<_> = cal.events().collect();
    assert_eq!(events.len(), 1, "{body}");
    let e = events[0];
    for k in [
        "UID", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "LOCATION", "URL", "SUMMARY",
    ] {
        props.insert(k.to_owned(), e.property_value(k).unwrap_or("").to_owned());
    }
    assert_eq!(e.get_summary(), Some(props["SUMMARY"].as_str()));
    (cal.clone(), props)
}

/// Python's `icalendar` (the conformance venv) reads the file and prints what it found;
/// `None` when there is no venv (a failure under `CI`).
fn python_reads(body: &str) -> Option<String> {
    let py = leernet_testkit::tools::python()?;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.ics");
    std::fs::write(&file, body).unwrap();
    let script = "import sys, icalendar\n\
        cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
        for e in cal.walk('VEVENT'):\n\
        \x20   print(cal.get('METHOD'), e.get('UID'), e.decoded('DTSTART').isoformat(), e.get('SEQUENCE'), e.get('STATUS'), e.get('LOCATION'))\n";
    let o = std::process::Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "python icalendar refused the file: {}\n{body}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8_lossy(&o.stdout).trim().to_owned())
}

async fn landing_story(w: &World) {
    let fac_a = person(w, "fac-a@example.org").await;
    let member_a = person(w, "member-a@example.org").await;
    // A session to come (far ahead of any clock), one past and not recorded, a round, a
    // question and a story.
    for (date, place) in [("2099-03-12", "Buurthuis De Kade"), ("2001-01-02", "Oud")] {
        w.store
            .plan_session(
                w.a,
                &NewSession {
                    date: date.into(),
                    start: "19:30".into(),
                    end: "21:00".into(),
                    place: place.into(),
                    method: "intervision".into(),
                    model: "incident".into(),
                    agenda: vec!["Opening".into()],
                    ..NewSession::default()
                },
                Some(fac_a),
                1,
            )
            .await
            .unwrap();
    }
    w.store.open_round(w.a, "Voorjaar", 3, 1).await.unwrap();
    w.store
        .add_slow_question(
            &NewSlowQuestion {
                network: w.a,
                text: "Wanneer is hulp bemoeien?".into(),
                author: Some(member_a),
                anonymous: false,
                session: None,
                themes: vec![],
            },
            1,
        )
        .await
        .unwrap();
    let mut m = Client::new(&w.app);
    m.login("member-a@example.org").await;
    let home = m.get("/ws/wijk-a").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    let next = section(&home.body, "id=\"next\"");
    assert!(
        next.contains("12 maart 2099, 19:30–21:00") && next.contains("Buurthuis De Kade"),
        "{next}"
    );
    assert!(next.contains("/calendar.ics"), "{next}");
    assert!(
        section(&home.body, "id=\"next\"").contains("Gepland, nog niet vastgelegd")
            && home.body.contains("2 januari 2001, 19:30–21:00"),
        "the past session waits to be recorded"
    );
    assert!(section(&home.body, "id=\"rounds\"").contains("Voorjaar"));
    assert!(section(&home.body, "id=\"recent-questions\"").contains("Wanneer is hulp bemoeien?"));
    assert!(home.body.contains("href=\"/networks/wijk-a/profile\""));
    // The network's front has no settings or personal data; the person's settings page has.
    for page in ["/ws/wijk-a", "/ws"] {
        let p = m.get(page).await;
        for needle in ["/ws/erase", "/ws/notify", "/ws/export", "/ws/calendar"] {
            assert!(!p.body.contains(needle), "{page} holds {needle}");
        }
    }
    let list = m.get("/ws").await;
    assert!(
        list.body.contains("12 maart 2099, 19:30–21:00"),
        "{}",
        list.body
    );
    let settings = m.get("/ws/settings").await;
    for needle in ["/ws/erase", "/ws/notify", "/ws/export", "/ws/calendar"] {
        assert!(settings.body.contains(needle), "settings lack {needle}");
    }
    assert!(m.get("/my").await.body.contains("href=\"/ws/settings\""));
    // The name cannot be mistaken for a Werkplaats, in either language.
    assert!(home.body.contains("Netwerkruimte") && !home.body.contains("Werkplaats van"));
    let en = m.get("/ws/wijk-a?lang=en").await;
    assert!(en.body.contains("Network space") && en.body.contains("Next session"));
}

/// The part of `body` from `marker` to the end of its section.
fn section<'a>(body: &'a str, marker: &str) -> &'a str {
    let start = body.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

async fn meetings_story(w: &World) {
    let mut fac = Client::new(&w.app);
    fac.login("fac-a@example.org").await;
    let csrf = fac.session_csrf().await;
    let p = fac
        .post(
            "/ws/wijk-a/sessions",
            &[
                ("csrf_token", &csrf),
                ("date", "2026-06-10"),
                ("start", "19:30"),
                ("end", "21:30"),
                ("place", "Wijkcentrum De Linde"),
                ("link", "https://meet.example.org/wijk-a"),
                ("method", "intervision"),
                ("model", "incident"),
                ("agenda", "Opening"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let path = p.location().to_owned();
    let sid: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    // The session page: time, place, link, and the method card's steps as an outline.
    let page = fac.get(&path).await;
    assert!(
        page.body.contains("10 juni 2026, 19:30–21:30"),
        "{}",
        page.body
    );
    assert!(unescaped(&page.body).contains("href=\"https://meet.example.org/wijk-a\""));
    let outline = section(&page.body, "id=\"outline\"");
    assert!(outline.contains("<ol class=\"outline\"><li>"), "{outline}");

    // Its .ics: UTC times (June: 19:30 in Amsterdam is 17:30 UTC), SEQUENCE 0, PUBLISH.
    let ics_path = format!("{path}/calendar.ics");
    let f = fac.get(&ics_path).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    assert_eq!(
        f.headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    assert!(f.body.contains("\r\n"), "lines end in CRLF");
    let (_, e) = parse_ics(&f.body);
    assert_eq!(e["METHOD"], "PUBLISH");
    assert_eq!(e["DTSTART"], "20260610T173000Z");
    assert_eq!(e["DTEND"], "20260610T193000Z");
    assert_eq!(e["SEQUENCE"], "0");
    assert_eq!(e["STATUS"], "CONFIRMED");
    assert_eq!(e["LOCATION"], "Wijkcentrum De Linde");
    assert_eq!(e["URL"], "https://meet.example.org/wijk-a");
    assert!(e["SUMMARY"].contains("Wijk A"), "{}", e["SUMMARY"]);
    let uid = e["UID"].clone();
    assert!(
        uid.starts_with(&format!("ws-session-{sid}.wijk-a@")),
        "{uid}"
    );
    // The same request again gives the same bytes: the clock, not chance, makes DTSTAMP. On
    // an app with a fixed clock, since the world's runs on the system clock, whose second
    // can turn between two requests (seen once under load).
    let fixed = leernet_web::app(std::sync::Arc::new(leernet_web::AppState::new(
        w.store.clone(),
        leernet_core::FixedClock::at_unix_seconds(1_780_000_000).shared(),
    )));
    let mut again = Client::new(&fixed);
    again.login("fac-a@example.org").await;
    let once = again.get(&ics_path).await.body;
    assert!(once.contains("DTSTAMP:20260528T"), "{once}");
    assert_eq!(again.get(&ics_path).await.body, once);
    if let Some(out) = python_reads(&f.body) {
        assert_eq!(
            out,
            format!("PUBLISH {uid} 2026-06-10T17:30:00+00:00 0 CONFIRMED Wijkcentrum De Linde")
        );
    }
    // A member of the network gets it too; another network's member does not find it.
    let mut m = Client::new(&w.app);
    m.login("member-a@example.org").await;
    assert_eq!(m.get(&ics_path).await.status, StatusCode::OK);
    let mut mb = Client::new(&w.app);
    mb.login("member-b@example.org").await;
    assert_eq!(mb.get(&ics_path).await.status, StatusCode::NOT_FOUND);

    // Bad times and links are refused with a message; nothing changes.
    for (fields, message) in [
        (vec![("start", "25:00")], "Deze tijd klopt niet"),
        (
            vec![("start", "20:00"), ("end", "19:00")],
            "Deze tijd klopt niet",
        ),
        (vec![("end", "19:00")], "Deze tijd klopt niet"),
        (
            vec![("link", "javascript:alert(1)")],
            "Deze link is geen webadres",
        ),
        (
            vec![("link", "https://meet.example.org/a b")],
            "Deze link is geen webadres",
        ),
    ] {
        let mut form = vec![
            ("csrf_token", csrf.as_str()),
            ("date", "2026-06-11"),
            ("method", "reflection"),
        ];
        form.extend(fields.iter().copied());
        let p = fac.post(&format!("{path}/details"), &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(p.body.contains(message), "{fields:?}: {}", p.body);
        let s = w
            .store
            .ws_session(w.a, SessionId(sid))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((s.date.as_str(), s.sequence), ("2026-06-10", 0));
    }

    // A change of time: the same UID, SEQUENCE 1, the new time (winter: +1 hour).
    let p = fac
        .post(
            &format!("{path}/details"),
            &[
                ("csrf_token", &csrf),
                ("date", "2026-11-12"),
                ("start", "20:00"),
                ("end", "21:00"),
                ("place", "Wijkcentrum De Linde"),
                ("method", "intervision"),
                ("model", "incident"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, e) = parse_ics(&fac.get(&ics_path).await.body);
    assert_eq!(
        (
            e["UID"].as_str(),
            e["SEQUENCE"].as_str(),
            e["DTSTART"].as_str()
        ),
        (uid.as_str(), "1", "20261112T190000Z")
    );
    assert_eq!(
        e["URL"],
        "http://127.0.0.1:8080/ws/wijk-a/sessions/".to_owned() + &sid.to_string()
    );

    // Cancelled: METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE 2; it cannot be changed again.
    let p = fac
        .post(&format!("{path}/cancel"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let body = fac.get(&ics_path).await.body;
    let (_, e) = parse_ics(&body);
    assert_eq!(
        (
            e["METHOD"].as_str(),
            e["STATUS"].as_str(),
            e["SEQUENCE"].as_str()
        ),
        ("CANCEL", "CANCELLED", "2")
    );
    if let Some(out) = python_reads(&body) {
        assert!(
            out.starts_with("CANCEL ") && out.contains(" 2 CANCELLED "),
            "{out}"
        );
    }
    let page = fac.get(&path).await;
    assert!(page.body.contains("Deze bijeenkomst is afgezegd."));
    assert!(
        !page.body.contains("id=\"details-form\"") && !page.body.contains("id=\"cancel-form\"")
    );
    let p = fac
        .post(&format!("{path}/cancel"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("al gehouden of afgezegd"));
    // … nor recorded as held.
    let p = fac
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("date", "2026-11-12"),
                ("method", "reflection"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let s = w
        .store
        .ws_session(w.a, SessionId(sid))
        .await
        .unwrap()
        .unwrap();
    assert!(s.cancelled && !s.held && s.sequence == 2);
    // A member cannot cancel or change.
    let mcsrf = m.session_csrf().await;
    let p = m
        .post(&format!("{path}/cancel"), &[("csrf_token", &mcsrf)])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
}

/// A page's text with the slashes the templates escape in attributes and text restored.
fn unescaped(body: &str) -> String {
    body.replace("&#x2f;", "/")
}

/// The one feed link shown on the settings page after making it.
fn feed_link(body: &str) -> String {
    let body = unescaped(body);
    let start = body
        .find("/ws/calendar/")
        .unwrap_or_else(|| panic!("no link: {body}"));
    let rest = &body[start..];
    rest[..rest
        .find(".ics")
        .unwrap_or_else(|| panic!("no .ics: {rest}"))
        + 4]
        .to_owned()
}

async fn feed_story(w: &World) {
    let fac_a = person(w, "fac-a@example.org").await;
    let fac_b = person(w, "fac-b@example.org").await;
    let plan = |net, date: &str, by| {
        let s = NewSession {
            date: date.into(),
            start: "10:00".into(),
            method: "reflection".into(),
            place: format!("Plek {date}"),
            ..NewSession::default()
        };
        let store = w.store.clone();
        async move { store.plan_session(net, &s, Some(by), 1).await.unwrap() }
    };
    plan(w.a, "2026-09-01", fac_a).await;
    plan(w.a, "2026-09-08", fac_a).await;
    plan(w.b, "2026-09-02", fac_b).await;
    let mut m = Client::new(&w.app);
    m.login("member-a@example.org").await;
    let csrf = m.session_csrf().await;
    let p = m.post("/ws/calendar", &[("csrf_token", &csrf)]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let link = feed_link(&p.body);
    // Opened without a login, by its secret alone: A's two sessions, not B's.
    let mut anyone = Client::new(&w.app);
    let f = anyone.get(&link).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    let cal: Calendar = f.body.parse().unwrap();
    let places: Vec<_> = cal.events().filter_map(|e| e.get_location()).collect();
    assert_eq!(places, ["Plek 2026-09-01", "Plek 2026-09-08"], "{}", f.body);
    assert_eq!(cal.property_value("METHOD"), Some("PUBLISH"));
    // Later the link is not shown again; the page says there is one.
    let settings = m.get("/ws/settings").await;
    assert!(!settings.body.contains(&link) && settings.body.contains("id=\"feed-state\""));
    // A wrong secret, a secret of another shape: not found.
    let wrong = format!("/ws/calendar/{}.ics", "a".repeat(64));
    assert_eq!(anyone.get(&wrong).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        anyone.get("/ws/calendar/short.ics").await.status,
        StatusCode::NOT_FOUND
    );
    // Renewed: the old link is gone, the new one works; revoked: neither.
    let p = m.post("/ws/calendar", &[("csrf_token", &csrf)]).await;
    let new_link = feed_link(&p.body);
    assert_ne!(new_link, link);
    assert_eq!(anyone.get(&link).await.status, StatusCode::NOT_FOUND);
    assert_eq!(anyone.get(&new_link).await.status, StatusCode::OK);
    let p = m
        .post("/ws/calendar/revoke", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(p.location(), "/ws/settings?revoked=1");
    assert_eq!(anyone.get(&new_link).await.status, StatusCode::NOT_FOUND);
    // Erasing one's own contributions ends the feed too (as it ends the e-mail opt-ins).
    let p = m.post("/ws/calendar", &[("csrf_token", &csrf)]).await;
    let third = feed_link(&p.body);
    assert_eq!(anyone.get(&third).await.status, StatusCode::OK);
    let p = m
        .post("/ws/erase", &[("csrf_token", &csrf), ("confirm", "yes")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(anyone.get(&third).await.status, StatusCode::NOT_FOUND);
    // The store keeps only the secret's hash.
    let secret = new_link
        .trim_start_matches("/ws/calendar/")
        .trim_end_matches(".ics");
    assert!(w
        .store
        .calendar_feed_person(secret)
        .await
        .unwrap()
        .is_none());
}

async fn vote_story(w: &World) {
    let fac_a = person(w, "fac-a@example.org").await;
    let round = w.store.open_round(w.a, "Najaar", 3, 1).await.unwrap();
    let mut topics = Vec::new();
    for title in ["Eerste onderwerp", "Tweede onderwerp", "Derde onderwerp"] {
        topics.push(
            w.store
                .propose_topic(w.a, round, fac_a, false, title)
                .await
                .unwrap(),
        );
    }
    let mut m = Client::new(&w.app);
    m.login("member-a@example.org").await;
    let csrf = m.session_csrf().await;
    let path = format!("/ws/wijk-a/rounds/{round}/votes");
    let vote = |dots: [&str; 3]| {
        let mut f = vec![("csrf_token".to_owned(), csrf.clone())];
        for (t, n) in topics.iter().zip(dots) {
            f.push((format!("dots_{t}"), n.to_owned()));
        }
        f
    };
    // 2 + 2 + 1 of 3: over at the second topic, by 2; the typed dots come back.
    let p = m.post_owned(&path, &vote(["2", "2", "1"])).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body
            .contains("U hebt 3 stemmen in deze ronde en probeerde er 5 te geven.")
            && p.body
                .contains("Bij ‘Tweede onderwerp’ kwam u boven uw stemmen uit: haal er 2 weg."),
        "{}",
        p.body
    );
    for (t, n) in topics.iter().zip(["2", "2", "1"]) {
        assert!(
            p.body.contains(&format!("name=\"dots_{t}\" value=\"{n}\"")),
            "dots of {t} kept: {}",
            p.body
        );
    }
    assert!(p.body.contains("Stemmen te veel: 2"), "{}", p.body);
    assert!(w
        .store
        .my_votes(round, person(w, "member-a@example.org").await)
        .await
        .unwrap()
        .is_empty());
    // A count that is no number is said for its topic, not read as 0.
    let p = m.post_owned(&path, &vote(["1", "veel", "0"])).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("Bij ‘Tweede onderwerp’ staat geen geldig aantal stemmen."),
        "{}",
        p.body
    );
    assert!(p
        .body
        .contains(&format!("name=\"dots_{}\" value=\"1\"", topics[0])));
    let p = m.post_owned(&path, &vote(["1", "-1", "0"])).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Tweede onderwerp"));
    let en = m
        .post_owned(&format!("{path}?lang=en"), &vote(["2", "2", "1"]))
        .await;
    assert!(
        en.body
            .contains("At ‘Tweede onderwerp’ you went over your votes: take 2 away."),
        "{}",
        en.body
    );
    // Within the allowance: stored; the page counts what is left and loads the script.
    let p = m.post_owned(&path, &vote(["1", "1", "1"])).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = m.get("/ws/wijk-a/agenda?lang=nl").await;
    assert!(page.body.contains("Stemmen over: 0"), "{}", page.body);
    assert!(page
        .body
        .contains("<script src=\"/static/ws-votes.js\" defer></script>"));
    assert!(page.body.contains("data-allowed=\"3\""));
    let js = m.get("/static/ws-votes.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("votes-left"));
}

/// The app with the shipped handles, the first of which every network gets.
fn app_with_a_handle_for_all(w: &World) -> (axum::Router, String) {
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
    let app = leernet_web::app(std::sync::Arc::new(
        leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
            .with_content(own),
    ));
    (app, "rationale-one-page".to_owned())
}

async fn uptake_story(w: &World) {
    let (app, key) = app_with_a_handle_for_all(w);
    let take = format!("/ws/wijk-a/handles/{key}");
    let report = format!("{take}/report");
    // Who may do what: the network's facilitator and members; another network's people do
    // not find it; researchers and coordinators see only the overview (researchers).
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("fac-b@example.org"),
        Some("member-b@example.org"),
    ];
    use StatusCode as S;
    let login = S::SEE_OTHER;
    let walk: [(&str, &str, [StatusCode; 7]); 4] = [
        (
            "GET",
            "/ws/wijk-a/handles",
            [
                login,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::OK,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "POST",
            &take,
            [
                login,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::SEE_OTHER,
                S::SEE_OTHER,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "POST",
            &report,
            [
                login,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::SEE_OTHER,
                S::SEE_OTHER,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "GET",
            "/admin/uptake",
            [
                login,
                S::OK,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
    ];
    for (i, who) in visitors.iter().enumerate() {
        let mut c = Client::new(&app);
        let csrf = match who {
            Some(email) => {
                c.login(email).await;
                c.session_csrf().await
            }
            None => String::new(),
        };
        for (method, path, expect) in &walk {
            let p = if *method == "GET" {
                c.get(path).await
            } else {
                c.post(path, &[("csrf_token", &csrf), ("what_done", "Iets")])
                    .await
            };
            assert_eq!(
                p.status, expect[i],
                "{method} {path} as {who:?}: {}",
                p.body
            );
        }
    }
    w.store
        .report_uptake(w.a, &key, &UptakeReport::default(), 1)
        .await
        .unwrap();

    let mut m = Client::new(&app);
    m.login("member-a@example.org").await;
    let csrf = m.session_csrf().await;
    let page = m.get("/ws/wijk-a/handles").await;
    assert!(
        page.body.contains("Zet uw waarom op één pagina"),
        "{}",
        page.body
    );
    assert!(page.body.contains("We werken hieraan"), "{}", page.body);
    // A handle not in the network's handreiking, or not taken up: not found.
    let p = m
        .post(
            "/ws/wijk-a/handles/no-such-handle",
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let p = m
        .post(
            "/ws/wijk-a/handles/rationale-own-the-assignment/report",
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    // A point off the scale: refused, with what was typed kept; nothing stored.
    let p = m
        .post(
            &report,
            &[
                ("csrf_token", &csrf),
                ("what_done", "Grondgedachte op één A4 gezet"),
                ("done_on", "2026-05-12"),
                ("helped", "7"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("Kies bij ‘Hielp het?’ een van de vier antwoorden."),
        "{}",
        p.body
    );
    assert!(p.body.contains("Grondgedachte op één A4 gezet"));
    let p = m
        .post(&report, &[("csrf_token", &csrf), ("done_on", "2026-02-30")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        w.store.handle_uptake(Some(w.a)).await.unwrap()[0].report,
        UptakeReport::default()
    );
    let p = m
        .post(
            &report,
            &[
                ("csrf_token", &csrf),
                ("what_done", "Grondgedachte op één A4 gezet"),
                ("done_on", "2026-05-12"),
                ("helped", "3"),
                (
                    "helped_text",
                    "Nieuwe leden snappen sneller waarom we er zijn.",
                ),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let u = &w.store.handle_uptake(Some(w.a)).await.unwrap()[0];
    assert_eq!(
        (u.handle.as_str(), u.report.helped),
        (key.as_str(), Some(3))
    );
    // The landing page names the handles the network works on.
    let home = m.get("/ws/wijk-a").await;
    assert!(
        home.body.contains("Handvatten waar we aan werken")
            && home.body.contains("Zet uw waarom op één pagina"),
        "{}",
        home.body
    );
    // The researcher sees the count per handle, not the network's words.
    let mut r = Client::new(&app);
    r.login("researcher@example.org").await;
    let o = r.get("/admin/uptake").await;
    let row = o
        .body
        .split("<tr>")
        .find(|row| row.contains("Zet uw waarom op één pagina"))
        .unwrap_or_else(|| panic!("{}", o.body));
    assert!(
        row.contains("<td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0</td><td>Netwerk Wijk A</td>"),
        "{row}"
    );
    assert!(!o.body.contains("Nieuwe leden snappen"));
}

/// Member checking (issue 26): the network's facilitator and members respond to its profile
/// (another network's people do not find the page; researchers and coordinators cannot
/// respond); a refusal keeps what was typed and stores nothing; a second response replaces
/// the first; members see their own network's responses without names; researchers read them
/// on the profile and on the overview; coordinators see none.
async fn member_check_story(w: &World) {
    let app = leernet_web::app(std::sync::Arc::new(leernet_web::AppState::new(
        w.store.clone(),
        leernet_core::SystemClock::shared(),
    )));
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("fac-b@example.org"),
        Some("member-b@example.org"),
    ];
    use StatusCode as S;
    let login = S::SEE_OTHER;
    let page = "/ws/wijk-a/profile-response";
    let walk: [(&str, &str, [StatusCode; 7]); 3] = [
        (
            "GET",
            page,
            [
                login,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::OK,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "POST",
            page,
            [
                login,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::SEE_OTHER,
                S::SEE_OTHER,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "GET",
            "/admin/member-check",
            [
                login,
                S::OK,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
    ];
    for (i, who) in visitors.iter().enumerate() {
        let mut c = Client::new(&app);
        let csrf = match who {
            Some(email) => {
                c.login(email).await;
                c.session_csrf().await
            }
            None => String::new(),
        };
        for (method, path, expect) in &walk {
            let p = if *method == "GET" {
                c.get(path).await
            } else {
                c.post(path, &[("csrf_token", &csrf), ("verdict", "yes")])
                    .await
            };
            assert_eq!(
                p.status, expect[i],
                "{method} {path} as {who:?}: {}",
                p.body
            );
        }
    }
    // The walk stored the facilitator's and the member's "herkenbaar".
    assert_eq!(
        w.store
            .profile_responses(Some(w.a), None)
            .await
            .unwrap()
            .len(),
        2
    );

    let mut m = Client::new(&app);
    m.login("member-a@example.org").await;
    let csrf = m.session_csrf().await;
    let before = w.store.profile_responses(None, None).await.unwrap();
    // "Niet herkenbaar" without a reason, and a verdict that is none of the three: refused,
    // what was typed kept, nothing stored.
    let p = m
        .post(
            page,
            &[("csrf_token", &csrf), ("verdict", "no"), ("reason", " ")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("De toelichting"), "{}", p.body);
    assert!(
        p.body
            .contains("id=\"verdict-no\" name=\"verdict\" value=\"no\" checked"),
        "{}",
        p.body
    );
    let p = m
        .post(
            page,
            &[
                ("csrf_token", &csrf),
                ("verdict", "misschien"),
                ("reason", "Mijn zin"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("Kies of het profiel herkenbaar"),
        "{}",
        p.body
    );
    assert!(p.body.contains("Mijn zin"));
    assert_eq!(w.store.profile_responses(None, None).await.unwrap(), before);
    // A second response replaces the first: the latest counts.
    let why = "Niet herkenbaar, omdat wij de agenda juist samen maken.";
    let p = m
        .post(
            page,
            &[("csrf_token", &csrf), ("verdict", "no"), ("reason", why)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let a = w.store.profile_responses(Some(w.a), None).await.unwrap();
    assert_eq!(a.len(), 2);
    let member = person(w, "member-a@example.org").await;
    let mine = a.iter().find(|r| r.person == member).unwrap();
    assert_eq!((mine.verdict.as_str(), mine.reason.as_str()), ("no", why));
    // The member's page shows the network's responses, without names, and theirs in the form.
    let own = m.get(page).await;
    assert!(own.body.contains(why), "{}", own.body);
    assert!(own.body.contains("Herkenbaar") && own.body.contains("Niet herkenbaar"));
    assert!(!own.body.contains("fac-a"), "{}", own.body);
    // Another network's member does not see them anywhere.
    let mut b = Client::new(&app);
    b.login("member-b@example.org").await;
    let other = b.get("/ws/wijk-b/profile-response").await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.body.contains(why));
    // The researcher: on the profile next to the figures, and on the overview.
    let mut r = Client::new(&app);
    r.login("researcher@example.org").await;
    let prof = r.get("/networks/wijk-a/profile").await;
    assert_eq!(prof.status, StatusCode::OK);
    assert!(
        prof.body.contains("id=\"reacties\"") && prof.body.contains(why),
        "{}",
        prof.body
    );
    let o = r.get("/admin/member-check").await;
    assert!(
        o.body.contains("Netwerk Wijk A") && o.body.contains(why),
        "{}",
        o.body
    );
    // One network responded: facilitator "herkenbaar", member "niet": the network's verdict
    // is the less favourable middle one.
    let row = o
        .body
        .split("<tr>")
        .find(|row| row.contains("Netwerk Wijk A"))
        .unwrap();
    assert!(
        row.contains(
            "<td>Niet herkenbaar</td><td>Herkenbaar: 1<br>Deels herkenbaar: 0<br>Niet herkenbaar: 1</td>"
        ),
        "{row}"
    );
    // A coordinator (of no Werkplaats here: the profile is not theirs) sees no response.
    let mut c = Client::new(&app);
    c.login("coordinator@example.org").await;
    let prof = c.get("/networks/wijk-a/profile").await;
    assert!(!prof.body.contains(why) && !prof.body.contains("id=\"reacties\""));
    // The audit log names the network, never the verdict or the sentence.
    let log = w.store.audit_log().await.unwrap();
    let entries: Vec<_> = log
        .iter()
        .filter(|e| e.action == "profile.response")
        .collect();
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| !e.detail.contains("agenda")));
}
