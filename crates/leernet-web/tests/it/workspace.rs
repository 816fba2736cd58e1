//! The network workspace in the app, driven in-process on every back end: every `/ws` route
//! as every role (and a stranger), a full agenda round and a session through the forms, bad
//! input refused with a message in the visitor's language and nothing stored, and privacy
//! (anonymous questions, one's own export and erasure).

use crate::common;

use axum::http::{header, StatusCode};
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::workspace::*;
use leernet_store::NewPerson;
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world,
    every_workspace_route_as_every_role => authorisation_story,
    a_full_agenda_round_and_a_session => round_and_session_story,
    bad_input_is_refused_and_nothing_stored => refusal_story,
    anonymous_questions_export_and_erasure => privacy_story,
);

/// What a route must answer to each visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok,
    /// 303 somewhere other than the login page (a stored change)
    Done,
    Login,
    Forbidden,
    NotFound,
    /// 422: allowed, but the input was refused
    Refused,
}

async fn person(w: &World, email: &str) -> PersonId {
    w.store.account_by_email(email).await.unwrap().unwrap().id
}

/// A second member of network A, who may log in.
async fn second_member(w: &World) -> PersonId {
    w.store
        .add_person(&NewPerson {
            email: Email::parse("member2-a@example.org").unwrap(),
            name: "Tweede Lid".into(),
            role: Role::Member,
            networks: vec![w.a],
            password_hash: Some(leernet_web::auth::hash_password(common::PASSWORD).unwrap()),
        })
        .await
        .unwrap()
}

async fn open_round_of_a(w: &World) -> i64 {
    match w
        .store
        .rounds(Some(w.a))
        .await
        .unwrap()
        .iter()
        .find(|r| r.open)
    {
        Some(r) => r.id,
        None => w.store.open_round(w.a, "Ronde", 3, 1).await.unwrap(),
    }
}

async fn authorisation_story(w: &World) {
    use Expect::*;
    let fac_a = person(w, "fac-a@example.org").await;
    let member_a = person(w, "member-a@example.org").await;
    let session_a = w
        .store
        .plan_session(
            w.a,
            &NewSession {
                date: "2026-04-01".into(),
                method: "reflection".into(),
                ..NewSession::default()
            },
            Some(fac_a),
            1,
        )
        .await
        .unwrap()
        .0;
    let question_a = w
        .store
        .add_slow_question(
            &NewSlowQuestion {
                network: w.a,
                text: "Wat is goede zorg?".into(),
                author: Some(member_a),
                anonymous: false,
                session: None,
                themes: vec![],
            },
            1,
        )
        .await
        .unwrap()
        .0;
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("fac-b@example.org"),
        Some("member-b@example.org"),
    ];
    for (i, who) in visitors.iter().enumerate() {
        let round = open_round_of_a(w).await;
        let topic = w
            .store
            .propose_topic(w.a, round, fac_a, false, "Onderwerp")
            .await
            .unwrap();
        let s = session_a;
        let q = question_a;
        // A session of its own for each visitor, to change and cancel.
        let s2 = w
            .store
            .plan_session(
                w.a,
                &NewSession {
                    date: "2026-04-08".into(),
                    start: "19:30".into(),
                    method: "reflection".into(),
                    ..NewSession::default()
                },
                Some(fac_a),
                1,
            )
            .await
            .unwrap()
            .0;
        let no_feed = format!("/ws/calendar/{}.ics", "0".repeat(64));
        let ws = [Login, Forbidden, Forbidden, Ok, Ok, NotFound, NotFound];
        let fac_only = [
            Login, Forbidden, Forbidden, Done, Forbidden, NotFound, Forbidden,
        ];
        let both = [Login, Forbidden, Forbidden, Done, Done, NotFound, NotFound];
        let mine = [Login, Forbidden, Forbidden, Ok, Ok, Ok, Ok];
        let plan = vec![
            ("date", "2026-05-05".to_owned()),
            ("method", "intervision".to_owned()),
            ("model", "incident".to_owned()),
        ];
        #[allow(clippy::type_complexity)]
        let routes: Vec<(&str, String, Vec<(&str, String)>, [Expect; 7])> = vec![
            ("GET", "/ws".into(), vec![], mine),
            (
                "GET",
                "/ws/methods".into(),
                vec![],
                [Login, Ok, Ok, Ok, Ok, Ok, Ok],
            ),
            ("GET", "/ws/export".into(), vec![], mine),
            (
                "POST",
                "/ws/notify".into(),
                vec![("on_round", "1".into())],
                [Login, Forbidden, Forbidden, Done, Done, Done, Done],
            ),
            ("GET", "/ws/wijk-a".into(), vec![], ws),
            ("GET", "/ws/wijk-a/agenda".into(), vec![], ws),
            ("GET", "/ws/wijk-a/questions".into(), vec![], ws),
            ("GET", "/ws/wijk-a/stories".into(), vec![], ws),
            ("GET", format!("/ws/wijk-a/sessions/{s}"), vec![], ws),
            ("GET", "/ws/wijk-a/sessions".into(), vec![], ws),
            (
                "GET",
                format!("/ws/wijk-a/sessions/{s}/calendar.ics"),
                vec![],
                ws,
            ),
            ("GET", "/ws/settings".into(), vec![], mine),
            // A renewed feed shows its link once, on the settings page.
            ("POST", "/ws/calendar".into(), vec![], mine),
            (
                "POST",
                "/ws/calendar/revoke".into(),
                vec![],
                [Login, Forbidden, Forbidden, Done, Done, Done, Done],
            ),
            // A feed is opened by its secret alone: a wrong one is not found for anyone.
            ("GET", no_feed.clone(), vec![], [NotFound; 7]),
            (
                "POST",
                format!("/ws/wijk-a/sessions/{s2}/details"),
                vec![
                    ("date", "2026-04-09".into()),
                    ("start", "20:00".into()),
                    ("method", "reflection".into()),
                ],
                fac_only,
            ),
            (
                "POST",
                format!("/ws/wijk-a/sessions/{s2}/cancel"),
                vec![],
                fac_only,
            ),
            // A session of A asked for through network B: not found for everyone.
            (
                "GET",
                format!("/ws/wijk-b/sessions/{s}"),
                vec![],
                [
                    Login, Forbidden, Forbidden, NotFound, NotFound, NotFound, NotFound,
                ],
            ),
            (
                "GET",
                "/ws/wijk-z".into(),
                vec![],
                [
                    Login, Forbidden, Forbidden, NotFound, NotFound, NotFound, NotFound,
                ],
            ),
            ("POST", "/ws/wijk-a/sessions".into(), plan.clone(), fac_only),
            (
                "POST",
                format!("/ws/wijk-a/sessions/{s}"),
                vec![
                    ("date", "2026-04-01".into()),
                    ("method", "reflection".into()),
                    ("report", "Verslag".into()),
                ],
                fac_only,
            ),
            (
                "POST",
                format!("/ws/wijk-a/rounds/{round}/topics"),
                vec![("title", "Nieuw onderwerp".into())],
                both,
            ),
            (
                "POST",
                format!("/ws/wijk-a/rounds/{round}/votes"),
                vec![(
                    Box::leak(format!("dots_{topic}").into_boxed_str()),
                    "1".into(),
                )],
                [
                    Login, Forbidden, Forbidden, Forbidden, Done, Forbidden, NotFound,
                ],
            ),
            (
                "POST",
                "/ws/wijk-a/questions".into(),
                vec![("text", "Een trage vraag".into())],
                both,
            ),
            (
                "POST",
                format!("/ws/wijk-a/questions/{q}"),
                vec![("text", "Wat is goede zorg, eigenlijk?".into())],
                // Only the author: the facilitator is refused like anyone else.
                [
                    Login, Forbidden, Forbidden, Forbidden, Done, NotFound, NotFound,
                ],
            ),
            (
                "POST",
                format!("/ws/wijk-a/questions/{q}/follow-up"),
                vec![
                    ("status", "explored".into()),
                    ("followup", "Besproken".into()),
                ],
                fac_only,
            ),
            (
                "POST",
                "/ws/wijk-a/stories".into(),
                vec![
                    ("text", "Het hielp mij.".into()),
                    ("cycle", "immediate".into()),
                ],
                both,
            ),
            (
                "POST",
                format!("/ws/wijk-a/rounds/{round}/close"),
                vec![(
                    Box::leak(format!("session_{topic}").into_boxed_str()),
                    s.to_string(),
                )],
                fac_only,
            ),
            (
                "POST",
                "/ws/wijk-a/rounds".into(),
                vec![("title", "Volgende ronde".into()), ("votes", "3".into())],
                fac_only,
            ),
            // Without the confirmation, erasure is refused (and nothing erased).
            (
                "POST",
                "/ws/erase".into(),
                vec![],
                [
                    Login, Forbidden, Forbidden, Refused, Refused, Refused, Refused,
                ],
            ),
        ];
        let mut c = Client::new(&w.app);
        let csrf = match who {
            Some(email) => {
                c.login(email).await;
                c.session_csrf().await
            }
            None => String::new(),
        };
        for (method, path, fields, expect) in &routes {
            let p = if *method == "GET" {
                c.get(path).await
            } else {
                let mut f: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
                f.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
                c.post(path, &f).await
            };
            let got = match p.status {
                StatusCode::OK => Ok,
                StatusCode::SEE_OTHER if p.location().starts_with("/login") => Login,
                StatusCode::SEE_OTHER => Done,
                StatusCode::FORBIDDEN => Forbidden,
                StatusCode::NOT_FOUND => NotFound,
                StatusCode::UNPROCESSABLE_ENTITY => Refused,
                s => panic!("{method} {path} as {who:?}: unexpected {s}: {}", p.body),
            };
            assert_eq!(got, expect[i], "{method} {path} as {who:?}: {}", p.body);
            assert!(p.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        }
        // Without the CSRF token, the facilitator's change is refused and nothing happens.
        if *who == Some("fac-a@example.org") {
            let before = w.store.ws_sessions(Some(w.a)).await.unwrap().len();
            let p = c
                .post(
                    "/ws/wijk-a/sessions",
                    &[("date", "2026-05-05"), ("method", "reflection")],
                )
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN);
            assert_eq!(w.store.ws_sessions(Some(w.a)).await.unwrap().len(), before);
        }
    }
    // The nav shows the workspace to facilitators and members only.
    let mut c = Client::new(&w.app);
    c.login("member-b@example.org").await;
    assert!(c.get("/my").await.body.contains("href=\"/ws\""));
    let mut c = Client::new(&w.app);
    c.login("researcher@example.org").await;
    assert!(!c.get("/my").await.body.contains("href=\"/ws\""));
}

async fn round_and_session_story(w: &World) {
    let second = second_member(w).await;
    let mut fac = Client::new(&w.app);
    fac.login("fac-a@example.org").await;
    let csrf_f = fac.session_csrf().await;
    // The facilitator plans a session and opens a round of 3 votes each.
    let p = fac
        .post(
            "/ws/wijk-a/sessions",
            &[
                ("csrf_token", &csrf_f),
                ("date", "2026-06-10"),
                ("place", "Wijkcentrum De Linde"),
                ("method", "intervision"),
                ("model", "balint"),
                ("agenda", "Opening\nTerugblik"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let session_path = p.location().to_owned();
    let sid: i64 = session_path.rsplit('/').next().unwrap().parse().unwrap();
    let p = fac
        .post(
            "/ws/wijk-a/rounds",
            &[
                ("csrf_token", &csrf_f),
                ("title", "Zomer 2026"),
                ("votes", "3"),
            ],
        )
        .await;
    assert_eq!(
        (p.status, p.location()),
        (StatusCode::SEE_OTHER, "/ws/wijk-a/agenda")
    );
    let round = w.store.rounds(Some(w.a)).await.unwrap()[0].id;

    // Two members propose and vote.
    let mut m1 = Client::new(&w.app);
    m1.login("member-a@example.org").await;
    let csrf_1 = m1.session_csrf().await;
    let mut m2 = Client::new(&w.app);
    m2.login("member2-a@example.org").await;
    let csrf_2 = m2.session_csrf().await;
    for (who, title) in [
        (1, "Grenzen aan eigen regie"),
        (2, "Werken met vrijwilligers"),
        (2, "Dilemma's bij schulden"),
    ] {
        let (c, csrf) = if who == 1 {
            (&mut m1, &csrf_1)
        } else {
            (&mut m2, &csrf_2)
        };
        let p = c
            .post(
                &format!("/ws/wijk-a/rounds/{round}/topics"),
                &[("csrf_token", csrf), ("title", title)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    }
    let topics = w.store.rounds(Some(w.a)).await.unwrap()[0].topics.clone();
    let (t1, t2, t3) = (topics[0].id, topics[1].id, topics[2].id);
    let agenda = m1.get("/ws/wijk-a/agenda").await;
    assert!(
        agenda.body.contains("Werken met vrijwilligers")
            && agenda.body.contains("id=\"vote-form\"")
    );
    assert!(
        !agenda.body.contains("id=\"close-form\""),
        "members cannot close"
    );
    let vote = |c: &mut Client, csrf: &str, dots: &[(i64, &str)]| {
        let mut f: Vec<(String, String)> = vec![("csrf_token".into(), csrf.into())];
        f.extend(
            dots.iter()
                .map(|(t, n)| (format!("dots_{t}"), n.to_string())),
        );
        let mut c = c.clone();
        async move {
            c.post_owned(&format!("/ws/wijk-a/rounds/{round}/votes"), &f)
                .await
        }
    };
    let p = vote(&mut m1, &csrf_1, &[(t1, "2"), (t2, "1"), (t3, "0")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // Beyond the allowance: a clear message, the earlier votes unchanged.
    let p = vote(&mut m1, &csrf_1, &[(t1, "3"), (t2, "1")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("U hebt 3 stemmen in deze ronde en probeerde er 4 te geven."),
        "{}",
        p.body
    );
    assert_eq!(
        w.store
            .my_votes(round, person(w, "member-a@example.org").await)
            .await
            .unwrap()
            .values()
            .sum::<i64>(),
        3
    );
    let p = vote(&mut m2, &csrf_2, &[(t2, "2"), (t3, "1")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // The facilitator sees the dots and schedules the two most voted topics.
    let agenda = fac.get("/ws/wijk-a/agenda").await;
    assert!(agenda.body.contains("id=\"close-form\"") && !agenda.body.contains("id=\"vote-form\""));
    let p = fac
        .post(
            &format!("/ws/wijk-a/rounds/{round}/close"),
            &[
                ("csrf_token", &csrf_f),
                (&format!("session_{t2}"), &sid.to_string()),
                (&format!("session_{t1}"), &sid.to_string()),
                (&format!("session_{t3}"), ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // A vote after closing is refused with a message.
    let p = vote(&mut m2, &csrf_2, &[(t1, "1")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Deze stemronde is gesloten"));
    let history = m1.get("/ws/wijk-a/agenda").await;
    assert!(
        history.body.contains("class=\"closed-round\"") && history.body.contains("2 leden stemden")
    );

    // The session shows the scheduled topics; the facilitator records who came.
    let page = fac.get(&session_path).await;
    assert!(
        page.body.contains("Werken met vrijwilligers")
            && page.body.contains("Grenzen aan eigen regie")
    );
    assert!(page.body.contains("(van een lid)"));
    assert!(
        !page.body.contains("Dilemma&#x27;s bij schulden")
            && !page.body.contains("Dilemma's bij schulden")
    );
    let member_a = person(w, "member-a@example.org").await;
    let p = fac
        .post(
            &session_path,
            &[
                ("csrf_token", &csrf_f),
                ("date", "2026-06-10"),
                ("place", "Wijkcentrum De Linde"),
                ("method", "intervision"),
                ("model", "balint"),
                ("present", &member_a.0.to_string()),
                ("present", &second.0.to_string()),
                ("report", "Twee casussen besproken."),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let s = w
        .store
        .ws_session(w.a, SessionId(sid))
        .await
        .unwrap()
        .unwrap();
    assert!(s.held && s.attendance == 2 && s.report == "Twee casussen besproken.");
    let page = m2.get(&session_path).await;
    assert!(
        page.body.contains("Twee casussen besproken.") && !page.body.contains("id=\"record-form\"")
    );

    // The facilitator's sessions page shows the indicators; a member's does not.
    let home = fac.get("/ws/wijk-a/sessions").await;
    assert!(
        home.body.contains("Kengetallen van de praktijk"),
        "{}",
        home.body
    );
    // 2 of A's 3 people (facilitator, two members) were present: 67%; 2 of 4 agenda items from members.
    assert!(
        home.body.contains("<strong>67%</strong> aanwezigheid"),
        "{}",
        home.body
    );
    assert!(home
        .body
        .contains("<strong>50%</strong> agendapunten van leden"));
    assert!(!m1
        .get("/ws/wijk-a/sessions")
        .await
        .body
        .contains("Kengetallen"));
    let en = fac.get("/ws/wijk-a/sessions?lang=en").await;
    assert!(en.body.contains("Practice indicators") && en.body.contains("sessions per month"));

    // The next wave's network questionnaire shows the facilitator what the log already says
    // (the same figures); a member's link and another network's questionnaire do not.
    let mut respondent = Client::new(&w.app);
    let q = respondent
        .get(&format!("/s/{}", w.token_network_a.as_str()))
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    // folded, so that the first question is in sight on a phone (issue 18)
    assert!(q
        .body
        .contains("<details class=\"notice known\" id=\"known\">"));
    assert!(
        q.body.contains("Wat leernet al weet over uw netwerk")
            && q.body.contains("<strong>67%</strong> aanwezigheid")
            && q.body
                .contains("<strong>50%</strong> agendapunten van leden"),
        "{}",
        q.body
    );
    let q = respondent
        .get(&format!("/s/{}?lang=en", w.token_network_a.as_str()))
        .await;
    assert!(q
        .body
        .contains("What leernet already knows about your network"));
    for token in [&w.token_member_a, &w.token_network_b] {
        let q = respondent.get(&format!("/s/{}", token.as_str())).await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.body);
        assert!(!q.body.contains("Wat leernet al weet"), "{}", q.body);
        assert!(!q.body.contains("aanwezigheid"), "{}", q.body);
    }
}

async fn refusal_story(w: &World) {
    let mut fac = Client::new(&w.app);
    fac.login("fac-a@example.org").await;
    let csrf = fac.session_csrf().await;
    let long = "x".repeat(MAX_TEXT + 1);
    // Dates that make no sense, an unknown method, a long agenda item: refused, nothing stored.
    for (fields, message) in [
        (
            vec![("date", "2026-02-30"), ("method", "reflection")],
            "Deze datum bestaat niet",
        ),
        (
            vec![("date", "2026-02-03"), ("method", "brainstorm")],
            "Kies een werkvorm",
        ),
        (
            vec![
                ("date", "2026-02-03"),
                ("method", "intervision"),
                ("model", "onbekend"),
            ],
            "Kies een werkvorm",
        ),
        (
            vec![
                ("date", "2026-02-03"),
                ("method", "reflection"),
                ("agenda", &long[..201]),
            ],
            "De agenda is te lang: hooguit 200 tekens.",
        ),
    ] {
        let mut f = vec![("csrf_token", csrf.as_str())];
        f.extend(fields);
        let p = fac.post("/ws/wijk-a/sessions", &f).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains(message), "{message}: {}", p.body);
        assert!(p.body.contains("value=\"2026-0"), "the date typed is kept");
    }
    assert!(w.store.ws_sessions(None).await.unwrap().is_empty());
    // The same in English.
    let p = fac
        .post(
            "/ws/wijk-a/sessions?lang=en",
            &[
                ("csrf_token", &csrf),
                ("date", "31-12-2026"),
                ("method", "reflection"),
            ],
        )
        .await;
    assert!(p.body.contains("This date does not exist. Use yyyy-mm-dd"));
    // A very long question, a blank one, an unknown story cycle.
    let mut m = Client::new(&w.app);
    m.login("member-a@example.org").await;
    let mc = m.session_csrf().await;
    let p = m
        .post(
            "/ws/wijk-a/questions",
            &[("csrf_token", &mc), ("text", &long)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("De vraag is te lang: hooguit 4000 tekens."));
    // The form comes back as it was sent, so nothing typed is lost.
    assert!(p.body.contains(&format!(">{long}</textarea>")));
    let p = m
        .post(
            "/ws/wijk-a/questions",
            &[("csrf_token", &mc), ("text", "   ")],
        )
        .await;
    assert!(p.body.contains("De vraag is leeg."));
    let p = m
        .post(
            "/ws/wijk-a/stories",
            &[("csrf_token", &mc), ("text", "Mooi"), ("cycle", "onbekend")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Kies ten minste één soort waarde."));
    assert!(w
        .store
        .slow_question_log(None, None)
        .await
        .unwrap()
        .is_empty());
    assert!(w.store.stories(None).await.unwrap().is_empty());
    // A round with a silly allowance; then one open round at a time.
    let p = fac
        .post(
            "/ws/wijk-a/rounds",
            &[("csrf_token", &csrf), ("title", "R"), ("votes", "99")],
        )
        .await;
    // (The English page above left the language cookie at English.)
    assert!(p
        .body
        .contains("The votes per member must be between 1 and 20."));
    assert!(w.store.rounds(None).await.unwrap().is_empty());
    // Votes as text are refused too.
    let round = w.store.open_round(w.a, "R", 2, 1).await.unwrap();
    let fac_id = person(w, "fac-a@example.org").await;
    let t = w
        .store
        .propose_topic(w.a, round, fac_id, false, "T")
        .await
        .unwrap();
    let p = m
        .post(
            &format!("/ws/wijk-a/rounds/{round}/votes"),
            &[("csrf_token", &mc), (&format!("dots_{t}"), "veel")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(w
        .store
        .my_votes(round, person(w, "member-a@example.org").await)
        .await
        .unwrap()
        .is_empty());
    // Counts that would wrap a sum (the attack: two topics at i64::MAX each) are refused as
    // counts; a second member's vote and every page that totals the dots keep working.
    let t2 = w
        .store
        .propose_topic(w.a, round, fac_id, false, "T2")
        .await
        .unwrap();
    for dots in [
        "9223372036854775807",
        "21",
        "-1",
        "1e3",
        "99999999999999999999",
    ] {
        let p = m
            .post(
                &format!("/ws/wijk-a/rounds/{round}/votes"),
                &[
                    ("csrf_token", &mc),
                    (&format!("dots_{t}"), dots),
                    (&format!("dots_{t2}"), dots),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{dots}");
    }
    assert!(w
        .store
        .my_votes(round, person(w, "member-a@example.org").await)
        .await
        .unwrap()
        .is_empty());
    second_member(w).await;
    let mut m2 = Client::new(&w.app);
    m2.login("member2-a@example.org").await;
    let c2 = m2.session_csrf().await;
    let p = m2
        .post(
            &format!("/ws/wijk-a/rounds/{round}/votes"),
            &[("csrf_token", &c2), (&format!("dots_{t}"), "2")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    for page in ["/ws/wijk-a", "/ws/wijk-a/agenda", "/ws/export"] {
        assert_eq!(fac.get(page).await.status, StatusCode::OK, "{page}");
    }
    // A session of network B cannot be used to schedule A's topic: 404, the round stays open.
    let sb = w
        .store
        .plan_session(
            w.b,
            &NewSession {
                date: "2026-03-03".into(),
                method: "reflection".into(),
                ..NewSession::default()
            },
            None,
            1,
        )
        .await
        .unwrap();
    let p = fac
        .post(
            &format!("/ws/wijk-a/rounds/{round}/close"),
            &[
                ("csrf_token", &csrf),
                (&format!("session_{t}"), &sb.0.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(w.store.rounds(Some(w.a)).await.unwrap()[0].open);
}

async fn privacy_story(w: &World) {
    let mut m = Client::new(&w.app);
    m.login("member-a@example.org").await;
    let mc = m.session_csrf().await;
    let p = m
        .post(
            "/ws/wijk-a/questions",
            &[
                ("csrf_token", &mc),
                ("text", "Mag ik twijfelen aan het protocol?"),
                ("anonymous", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = m
        .post(
            "/ws/wijk-a/stories",
            &[
                ("csrf_token", &mc),
                ("text", "Ik vraag nu vaker door."),
                ("cycle", "applied"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // The facilitator sees the question, not who asked it.
    let mut fac = Client::new(&w.app);
    fac.login("fac-a@example.org").await;
    let page = fac.get("/ws/wijk-a/questions").await;
    assert!(page.body.contains("Mag ik twijfelen aan het protocol?"));
    assert!(
        page.body.contains("Anoniem") && !page.body.contains("member-a"),
        "{}",
        page.body
    );
    let own = m.get("/ws/wijk-a/questions").await;
    assert!(own.body.contains("uw vraag"));
    // The facilitator's export holds nothing of the member; the member's holds both.
    let export = fac.get("/ws/export").await;
    assert!(!export.body.contains("protocol"));
    let export = m.get("/ws/export").await;
    assert_eq!(
        export.headers[header::CONTENT_TYPE],
        "application/json; charset=utf-8"
    );
    let json: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(json["slow_questions"][0]["anonymous"], true);
    assert_eq!(json["stories"][0]["text"], "Ik vraag nu vaker door.");
    // Erasure: texts gone, the figures the same.
    let p = m
        .post("/ws/erase", &[("csrf_token", &mc), ("confirm", "yes")])
        .await;
    assert_eq!(
        (p.status, p.location()),
        (StatusCode::SEE_OTHER, "/ws/settings?erased=1")
    );
    assert!(m
        .get("/ws/settings?erased=1")
        .await
        .body
        .contains("Uw bijdragen zijn gewist."));
    let page = fac.get("/ws/wijk-a/questions").await;
    assert!(!page.body.contains("protocol") && page.body.contains("(gewist op verzoek)"));
    let home = fac.get("/ws/wijk-a").await;
    assert!(
        home.body
            .contains("<strong>1</strong> trage vragen ingebracht"),
        "{}",
        home.body
    );
    let json: serde_json::Value = serde_json::from_str(&m.get("/ws/export").await.body).unwrap();
    assert!(json["slow_questions"].as_array().unwrap().is_empty());
    // Opt-ins are off by default and saved per person.
    assert_eq!(
        w.store
            .notify_prefs(person(w, "member-a@example.org").await)
            .await
            .unwrap(),
        (false, false)
    );
    let p = m
        .post("/ws/notify", &[("csrf_token", &mc), ("on_session", "1")])
        .await;
    assert_eq!(p.location(), "/ws/settings?saved=1");
    assert_eq!(
        w.store
            .notify_prefs(person(w, "member-a@example.org").await)
            .await
            .unwrap(),
        (false, true)
    );
}
