//! The signed-in person's API tokens at `/tokens` (issue 22), on every back end: a stranger
//! is sent to the login; a person makes a token (checked form, CSRF), sees it once, lists and
//! revokes their own after a confirmation, and cannot reach another person's; the page says
//! it all in Dutch and in English, with no internals.

use crate::common::{Client, PASSWORD};
use axum::http::StatusCode;
use leernet_app::studies::{self, ProjectPlace, RoleGift};
use leernet_core::{Email, Role, Slug, SystemClock};
use leernet_store::{Actor, Installation, Store, TokenRefusal};
use leernet_testkit::on_every_backend;
use leernet_web::{Portal, StudyOptions};
use std::sync::Arc;

on_every_backend!(
    with_url,
    a_person_makes_lists_and_revokes_only_their_own_tokens => tokens_story,
);

async fn give(inst: &Installation, store: &Store, email: &str, role: Role) {
    let study = inst
        .study_by_slug(&Slug::parse("eerste").unwrap())
        .await
        .unwrap()
        .unwrap();
    studies::give_role(
        inst,
        &study,
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

/// The token shown on a page (the value of `#new-token`).
fn shown_secret(body: &str) -> Option<String> {
    let at = body.find("id=\"new-token\"")?;
    let rest = &body[at..];
    let v = rest.find("value=\"")? + 7;
    let end = rest[v..].find('"')?;
    Some(rest[v..v + end].to_owned())
}

async fn tokens_story(store: &Store, url: &str) {
    let inst = studies::open_installation(
        &ProjectPlace {
            installation_url: &Installation::url_beside(url),
            study_url: url,
            opts: &leernet_store::StoreOptions::default(),
            adopt_slug: &Slug::parse("eerste").unwrap(),
            adopt_title: "Eerste onderzoek",
        },
        &Actor::System,
        1,
    )
    .await
    .unwrap();
    give(&inst, store, "a@example.org", Role::Researcher).await;
    give(&inst, store, "b@example.org", Role::Researcher).await;
    let options = StudyOptions {
        public_url: None,
        content: leernet_analysis::ProjectContent::builtin(),
        study_content: Default::default(),
        smtp: None,
        trusted_proxies: vec![],
        clock: Arc::new(SystemClock),
    };
    let app =
        leernet_web::portal::app(Arc::new(Portal::open(inst.clone(), options).await.unwrap()));

    // a stranger logs in first
    let mut stranger = Client::new(&app);
    let p = stranger.get("/tokens").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/login"), "{}", p.location());

    let mut a = Client::new(&app);
    a.login("a@example.org").await;
    let page = a.get("/tokens").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<h1>API-sleutels</h1>"), "{}", page.body);
    assert!(page.body.contains("U hebt nog geen sleutels."));
    let csrf = page.csrf();

    // the menu of a study's page leads here
    let my = a.get("/studies/eerste/my").await;
    assert!(my.body.contains("href=\"/tokens\""), "{}", my.body);

    // a form without its CSRF token does nothing; a bad form says what is wrong
    let p = a
        .post(
            "/tokens",
            &[("name", "R"), ("scope", "read"), ("days", "30")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    let long = "x".repeat(101);
    for (name, scope, days, says) in [
        ("R", "read", "367", "van 1 tot en met 366"),
        ("R", "read", "nul", "van 1 tot en met 366"),
        ("R", "admin", "30", "Kies wat de sleutel mag"),
        ("", "read", "30", "Geef de sleutel een naam"),
        ("   ", "read", "30", "Geef de sleutel een naam"),
        (long.as_str(), "read", "30", "Geef de sleutel een naam"),
    ] {
        let p = a
            .post(
                "/tokens",
                &[
                    ("csrf_token", &csrf),
                    ("name", name),
                    ("scope", scope),
                    ("days", days),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{scope} {days}");
        assert!(p.body.contains(says), "{scope} {days}: {}", p.body);
        assert!(shown_secret(&p.body).is_none());
    }
    // a refused form keeps what was typed
    let p = a
        .post(
            "/tokens",
            &[
                ("csrf_token", &csrf),
                ("name", "Mijn <script>"),
                ("scope", "write"),
                ("days", "999"),
            ],
        )
        .await;
    assert!(
        p.body.contains("value=\"Mijn &lt;script&gt;\""),
        "the name typed, escaped: {}",
        p.body
    );
    assert!(inst
        .api_tokens(
            inst.account_by_email("a@example.org")
                .await
                .unwrap()
                .unwrap()
                .id
        )
        .await
        .unwrap()
        .is_empty());

    // a token: shown once, and it lets its bearer in
    let p = a
        .post(
            "/tokens",
            &[
                ("csrf_token", &csrf),
                ("name", "  Dashboard <gemeente> "),
                ("scope", "write"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let secret = shown_secret(&p.body).expect("the new token is shown");
    assert!(secret.starts_with("lnt_"), "{secret}");
    let used = inst
        .use_api_token(&secret, 10, "GET /api/v1/studies")
        .await
        .unwrap();
    let token = used.expect("the token is valid");
    let again = a.get("/tokens").await;
    assert!(shown_secret(&again.body).is_none(), "shown only once");
    assert!(!again.body.contains(&secret));
    assert!(again.body.contains("lezen en schrijven"), "{}", again.body);
    assert!(
        again.body.contains("<td>Dashboard &lt;gemeente&gt;</td>"),
        "the list names the token, trimmed and escaped: {}",
        again.body
    );
    assert_eq!(token.name, "Dashboard <gemeente>");
    for internal in [
        "lnt_",
        "scope_write",
        "tokens.state",
        "tokens.scope",
        "account",
    ] {
        assert!(!again.body.contains(internal), "{internal} on the page");
    }
    let en = a.get("/tokens?lang=en").await;
    assert!(en.body.contains("<h1>API tokens</h1>"), "{}", en.body);
    assert!(en.body.contains("read and write"));
    a.get("/tokens?lang=nl").await;

    // another person reaches none of it
    let mut b = Client::new(&app);
    b.login("b@example.org").await;
    let revoke = format!("/tokens/{}/revoke", token.id);
    assert_eq!(b.get(&revoke).await.status, StatusCode::NOT_FOUND);
    let b_csrf = b.get("/tokens").await.csrf();
    let p = b.post(&revoke, &[("csrf_token", &b_csrf)]).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(inst
        .use_api_token(&secret, 11, "GET /api/v1/studies")
        .await
        .unwrap()
        .is_ok());

    // its owner revokes it after the question
    let confirm = a.get(&revoke).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("Dashboard &lt;gemeente&gt;"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("Sleutel"), "{}", confirm.body);
    let p = a.post(&revoke, &[("csrf_token", &csrf)]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), "/tokens?revoked=1");
    assert_eq!(
        inst.use_api_token(&secret, 12, "GET /api/v1/studies")
            .await
            .unwrap()
            .err(),
        Some(TokenRefusal::Revoked)
    );
    // a token made before tokens had names is listed as one without a name
    let a_id = inst
        .account_by_email("a@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    inst.create_api_token(
        a_id,
        "",
        "lnt_old",
        leernet_store::TokenScope::Read,
        1,
        99_999_999_999,
        &Actor::System,
    )
    .await
    .unwrap();
    let listed = a.get("/tokens").await;
    assert!(
        listed.body.contains("<td>(zonder naam)</td>"),
        "{}",
        listed.body
    );
    let listed = a.get("/tokens?lang=en").await;
    assert!(
        listed.body.contains("<td>(no name)</td>"),
        "{}",
        listed.body
    );
    a.get("/tokens?lang=nl").await;
    let after = a.get("/tokens?revoked=1").await;
    assert!(after.body.contains("De sleutel is ingetrokken."));
    assert!(after.body.contains("ingetrokken"));
    inst.close().await;
}
