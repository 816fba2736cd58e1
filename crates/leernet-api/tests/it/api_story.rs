//! The API's stories on both back ends: tokens, the role walk, the study boundary, paging,
//! submissions, and the conventions (problem details, ETag, body limit, rate limit).

use crate::world::*;
use axum::http::{Method, StatusCode};
use leernet_store::{Store, TokenScope};
use serde_json::json;
use std::collections::BTreeSet;

leernet_testkit::on_every_backend!(with_url,
    a_token_lets_in_only_while_valid_and_within_its_scope => token_story,
    every_endpoint_by_every_role_shows_only_what_the_role_may_see => role_walk,
    a_study_without_a_role_is_not_found => boundary_story,
    cursor_paging_returns_every_response_exactly_once => paging_story,
    submitted_responses_are_checked_like_an_import_all_or_nothing => submit_story,
    invitations_give_links_to_researchers_with_a_write_token => invite_story,
    reads_carry_an_etag_and_errors_are_problem_details => conventions_story,
    a_read_tokens_last_use_is_noted_to_the_minute_a_write_tokens_every_use => last_use_story,
);

/// A read token's use is noted once a minute (paging through a wave is not a write per
/// page); a write token's every use is noted and audited.
async fn last_use_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let now = NOW as i64;
    let last = |secret: &str, at: i64| {
        let inst = w.inst.clone();
        let secret = secret.to_owned();
        async move {
            inst.use_api_token(&secret, at, "GET /api/v1/studies")
                .await
                .unwrap()
                .unwrap()
                .last_used_at
        }
    };
    let stored = |scope: TokenScope| {
        let inst = w.inst.clone();
        async move {
            let account = inst
                .account_by_email("onderzoeker@example.org")
                .await
                .unwrap()
                .unwrap();
            inst.api_tokens(account.id)
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.scope == scope)
                .unwrap()
                .last_used_at
        }
    };
    let read = w.read["researcher"].clone();
    assert_eq!(last(&read, now).await, Some(now), "the first use is noted");
    assert_eq!(last(&read, now + 59).await, Some(now));
    assert_eq!(
        stored(TokenScope::Read).await,
        Some(now),
        "not written again"
    );
    assert_eq!(last(&read, now + 60).await, Some(now + 60));
    assert_eq!(stored(TokenScope::Read).await, Some(now + 60));
    let audited = w.inst.audit_log().await.unwrap().len();
    assert_eq!(last(&w.write, now).await, Some(now));
    assert_eq!(last(&w.write, now + 1).await, Some(now + 1));
    assert_eq!(
        stored(TokenScope::Write).await,
        Some(now + 1),
        "every use of a write token"
    );
    assert_eq!(w.inst.audit_log().await.unwrap().len(), audited + 2);
    done(w).await;
}

async fn done(w: World) {
    w.state.close().await;
    w.inst.close().await;
}

async fn token_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let uri = "/api/v1/studies/a";
    // missing, malformed, unknown
    let a = call_with(&w.app, Method::GET, uri, None, None, &[]).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.is_problem(), "{}", a.json);
    assert_eq!(a.headers["www-authenticate"], "Bearer");
    let a = call_with(
        &w.app,
        Method::GET,
        uri,
        None,
        None,
        &[("authorization", "Basic b25kZXI6eg==")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = get(&w.app, uri, "lnt_0000").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.is_problem());
    // a cookie is no way in
    let a = call_with(
        &w.app,
        Method::GET,
        uri,
        None,
        None,
        &[("cookie", &format!("leernet_session={}", w.write))],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);

    // valid: let in, the use noted
    let researcher = &w.read["researcher"];
    assert_eq!(get(&w.app, uri, researcher).await.status, StatusCode::OK);
    let account = w
        .inst
        .account_by_email("onderzoeker@example.org")
        .await
        .unwrap()
        .unwrap();
    let tokens = w.inst.api_tokens(account.id).await.unwrap();
    let read_token = tokens.iter().find(|t| t.scope == TokenScope::Read).unwrap();
    assert_eq!(read_token.last_used_at, Some(NOW as i64));

    // wrong scope: a read token may not write (403), in the caller's language
    let body = json!({"network": "n1", "count": 1});
    let invitations = format!("/api/v1/studies/a/waves/{}/invitations", w.wave.0);
    let a = post(&w.app, &invitations, researcher, body.clone()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.is_problem());
    assert_eq!(a.json["title"], "Niet toegestaan met dit token");
    let a = call_with(
        &w.app,
        Method::POST,
        &invitations,
        Some(researcher),
        Some(body.clone()),
        &[("accept-language", "en-GB,en;q=0.8")],
    )
    .await;
    assert_eq!(a.json["title"], "Not allowed with this token");

    // a write token's every use is audited in the installation, without the body
    let before = w.inst.audit_log().await.unwrap().len();
    let a = post(&w.app, &invitations, &w.write, body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let log = w.inst.audit_log().await.unwrap();
    assert_eq!(log.len(), before + 1);
    let last = log.last().unwrap();
    assert_eq!(last.action, "token.use");
    assert!(
        last.detail
            .ends_with("POST /api/v1/studies/{slug}/waves/{id}/invitations"),
        "{}",
        last.detail
    );
    assert!(!last.detail.contains("n1"), "no body in the audit log");

    // revoked
    let revoked = read_token.id;
    leernet_app::tokens::revoke(&w.inst, revoked, &actor(), NOW as i64)
        .await
        .unwrap();
    let a = get(&w.app, uri, researcher).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json["title"], "Token ingetrokken");

    // expired: the same token, a month and a day later
    let later = std::sync::Arc::new(leernet_core::FixedClock::at_unix_seconds(NOW + 31 * 86_400));
    let app = leernet_api::router(std::sync::Arc::new(leernet_api::ApiState::new(
        w.inst.clone(),
        later,
    )));
    let a = get(&app, uri, &w.read["member"]).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json["title"], "Token verlopen");
    done(w).await;
}

/// Every endpoint × every role × another network's resources.
async fn role_walk(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let (i, wave) = (w.instrument.0, w.wave.0);
    // What each role sees of study A's networks.
    let sees = |role: &str| -> Vec<&str> {
        match role {
            "researcher" => vec!["n1", "n2", "n3"],
            "coordinator" => vec!["n1", "n2"],
            _ => vec!["n1"],
        }
    };
    for role in ["researcher", "coordinator", "facilitator", "member"] {
        let t = &w.read[role];
        // the study list: only A
        let a = get(&w.app, "/api/v1/studies", t).await;
        let slugs: Vec<&str> = a
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, ["a"], "{role}");
        assert_eq!(a.json[0]["role"], role);
        for uri in [
            "/api/v1/studies/a".to_owned(),
            "/api/v1/studies/a/instruments".to_owned(),
            format!("/api/v1/studies/a/instruments/{i}"),
            "/api/v1/studies/a/waves".to_owned(),
        ] {
            assert_eq!(
                get(&w.app, &uri, t).await.status,
                StatusCode::OK,
                "{role} {uri}"
            );
        }
        // networks: exactly the role's
        let a = get(&w.app, "/api/v1/studies/a/networks", t).await;
        let got: Vec<&str> = a
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["slug"].as_str().unwrap())
            .collect();
        assert_eq!(got, sees(role), "{role}");
        // wave counts: of the networks seen only (n1 3, n2 2, n3 1 + 1 in progress)
        let a = get(&w.app, "/api/v1/studies/a/waves", t).await;
        let c = &a.json[0]["responses"];
        let (sub, prog) = match role {
            "researcher" => (6, 1),
            "coordinator" => (5, 0),
            _ => (3, 0),
        };
        assert_eq!(
            (c["submitted"].as_i64(), c["in_progress"].as_i64()),
            (Some(sub), Some(prog)),
            "{role}"
        );
        // responses: a researcher all, a facilitator their own network's (redacted),
        // coordinators and members none (404, as for what does not exist)
        let base = format!("/api/v1/studies/a/instruments/{i}/responses");
        let a = get(&w.app, &base, t).await;
        match role {
            "researcher" => {
                assert_eq!(a.status, StatusCode::OK);
                assert_eq!(a.json["responses"].as_array().unwrap().len(), 7);
                assert_eq!(a.json["redacted"], false);
                assert_eq!(a.json["responses"][0]["answers"]["naam"], "Persoon 0");
            }
            "facilitator" => {
                assert_eq!(a.status, StatusCode::OK, "{}", a.json);
                let rs = a.json["responses"].as_array().unwrap();
                assert_eq!(rs.len(), 3);
                assert!(rs.iter().all(|r| r["network"] == "n1"));
                assert_eq!(a.json["redacted"], true);
                for r in rs {
                    assert!(
                        r["answers"].get("naam").is_none(),
                        "a name is identifying: {r}"
                    );
                    assert!(
                        !r.to_string().contains("@example.org"),
                        "an address is left out: {r}"
                    );
                    assert!(r["answers"].get("leeftijd").is_some());
                }
            }
            _ => {
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{role}");
                assert!(a.is_problem());
            }
        }
        // another network's resources: n3 (and for the others also n2)
        for other in ["n3", "n2"] {
            if sees(role).contains(&other) && role == "researcher" {
                continue;
            }
            let a = get(&w.app, &format!("{base}?network={other}"), t).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{role} ?network={other}");
            assert!(a.is_problem());
        }
        // writes: only a researcher's write token; a facilitator's write token is not enough
        // for another network, nor for its own (invitations are the researchers')
        for (uri, body) in [
            (
                format!("/api/v1/studies/a/waves/{wave}/invitations"),
                json!({"network": "n3", "count": 1}),
            ),
            (
                format!("/api/v1/studies/a/instruments/{i}/responses"),
                json!({"wave": wave, "responses": [{"network": "n3", "answers": {"leeftijd": "40"}}]}),
            ),
        ] {
            let a = post(&w.app, &uri, t, body.clone()).await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{role} {uri} with a read token"
            );
            if role == "facilitator" {
                let a = post(&w.app, &uri, &w.write_facilitator, body).await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "facilitator {uri}");
                assert!(a.is_problem());
            }
        }
    }
    // things that do not exist answer as things that are not yours
    for uri in [
        "/api/v1/studies/zz".to_owned(),
        "/api/v1/studies/a/instruments/999".to_owned(),
        "/api/v1/studies/a/instruments/x".to_owned(),
        format!("/api/v1/studies/a/instruments/{i}/responses?wave=999"),
        format!("/api/v1/studies/a/instruments/{i}/responses?network=nope"),
        "/api/v1/nothing-here".to_owned(),
    ] {
        let a = get(&w.app, &uri, &w.read["researcher"]).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(a.is_problem(), "{uri}");
    }
    done(w).await;
}

async fn boundary_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let outsider = &w.read["outsider"];
    let a = get(&w.app, "/api/v1/studies", outsider).await;
    assert_eq!(a.json.as_array().unwrap().len(), 1);
    assert_eq!(a.json[0]["slug"], "b");
    assert_eq!(
        get(&w.app, "/api/v1/studies/b/networks", outsider)
            .await
            .status,
        StatusCode::OK
    );
    let b_responses = format!(
        "/api/v1/studies/b/instruments/{}/responses",
        w.b_instrument.0
    );
    assert_eq!(
        get(&w.app, &b_responses, outsider).await.status,
        StatusCode::OK
    );
    let i = w.instrument.0;
    for uri in [
        "/api/v1/studies/a".to_owned(),
        "/api/v1/studies/a/networks".to_owned(),
        "/api/v1/studies/a/instruments".to_owned(),
        format!("/api/v1/studies/a/instruments/{i}"),
        "/api/v1/studies/a/waves".to_owned(),
        format!("/api/v1/studies/a/instruments/{i}/responses"),
    ] {
        let a = get(&w.app, &uri, outsider).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "outsider {uri}");
        assert!(a.is_problem());
        // and study A's researcher gets the same in B
        let b_uri = uri.replace("/studies/a", "/studies/b");
        let a = get(&w.app, &b_uri, &w.read["researcher"]).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "researcher of A {b_uri}");
    }
    // the same answer as for a study that does not exist at all
    let none = get(&w.app, "/api/v1/studies/zz", outsider).await;
    let a = get(&w.app, "/api/v1/studies/a", outsider).await;
    assert_eq!(none.json, a.json);
    // a deactivated role (issue 18) gives no access by token either, until reactivated
    let b = w
        .inst
        .study_by_slug(&leernet_core::Slug::parse("b").unwrap())
        .await
        .unwrap()
        .unwrap();
    let them = w
        .inst
        .account_by_email("buiten@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    for (active, status) in [(false, StatusCode::NOT_FOUND), (true, StatusCode::OK)] {
        w.inst
            .set_role_active(them, b.id, active, &actor(), 1)
            .await
            .unwrap();
        assert_eq!(
            get(&w.app, "/api/v1/studies/b/networks", outsider)
                .await
                .status,
            status,
            "active: {active}"
        );
    }
    let _ = w.b_wave;
    done(w).await;
}

async fn paging_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    // more responses: 250 in n2
    let extra: Vec<leernet_store::NewResponse> = (0..250)
        .map(|k| leernet_store::NewResponse {
            network: w.nets[1],
            respondent: format!("extra-{k}"),
            status: leernet_core::ResponseStatus::Submitted,
            answers: [("leeftijd".to_owned(), (k % 100).to_string())].into(),
        })
        .collect();
    w.store.add_responses(w.wave, &extra).await.unwrap();
    let base = format!("/api/v1/studies/a/instruments/{}/responses", w.instrument.0);
    let t = &w.read["researcher"];
    for limit in [1, 7, 100, 1000] {
        let all = all_pages(&w, &base, t, limit).await;
        let ids: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        let unique: BTreeSet<i64> = ids.iter().copied().collect();
        assert_eq!(ids.len(), 257, "limit {limit}");
        assert_eq!(unique.len(), 257, "no response twice (limit {limit})");
        assert!(ids.windows(2).all(|p| p[0] < p[1]), "by id");
    }
    // filters: status, network, wave, and paging within them
    let only = all_pages(&w, &format!("{base}?status=in_progress"), t, 2).await;
    assert_eq!(only.len(), 1);
    let n2 = all_pages(&w, &format!("{base}?network=n2&wave={}", w.wave.0), t, 50).await;
    assert_eq!(n2.len(), 252);
    assert!(n2.iter().all(|r| r["network"] == "n2"));

    // a tampered cursor, and a cursor of another query, are 400
    let first = get(&w.app, &format!("{base}?limit=5"), t).await;
    let cursor = first.json["next_cursor"].as_str().unwrap().to_owned();
    let (payload, tag) = cursor.split_once('.').unwrap();
    let mut p = payload.to_owned().into_bytes();
    p[0] = if p[0] == b'M' { b'N' } else { b'M' };
    let tampered = format!("{}.{tag}", String::from_utf8(p).unwrap());
    for (uri, what) in [
        (format!("{base}?limit=5&cursor={tampered}"), "tampered"),
        (format!("{base}?limit=5&cursor=bm90LWEtY3Vyc29y"), "made up"),
        (format!("{base}?limit=6&cursor={cursor}"), "another query's"),
        (
            format!("{base}?limit=5&status=submitted&cursor={cursor}"),
            "another filter's",
        ),
    ] {
        let a = get(&w.app, &uri, t).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{what}");
        assert!(a.is_problem(), "{what}");
    }
    // and another account's cursor (the facilitator's query is another query)
    for (uri, what) in [
        (format!("{base}?limit=0"), "limit 0"),
        (format!("{base}?limit=1001"), "limit too large"),
        (format!("{base}?status=done"), "unknown status"),
        (format!("{base}?wave=abc"), "a wave that is no number"),
    ] {
        let a = get(&w.app, &uri, t).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{what}");
        assert!(a.is_problem(), "{what}");
    }
    done(w).await;
}

async fn submit_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let uri = format!("/api/v1/studies/a/instruments/{}/responses", w.instrument.0);
    let before = w.store.responses(Some(w.wave)).await.unwrap().len();
    // one good response, and three bad ones: an age out of range, a choice that does not
    // exist, a network of nobody; nothing is stored and every problem is listed
    let bad = json!({"wave": w.wave.0, "responses": [
        {"network": "n1", "answers": {"leeftijd": "44", "tevreden": "ja"}},
        {"network": "n1", "answers": {"leeftijd": "200"}},
        {"network": "n2", "answers": {"leeftijd": "50", "tevreden": "misschien"}},
        {"network": "nergens", "answers": {"leeftijd": "20"}},
    ]});
    let a = post(&w.app, &uri, &w.write, bad).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.json);
    assert!(a.is_problem());
    let errors = a.json["errors"].as_array().unwrap();
    let at: BTreeSet<i64> = errors.iter().filter_map(|e| e["index"].as_i64()).collect();
    assert_eq!(at, BTreeSet::from([1, 2, 3]), "{errors:?}");
    assert!(
        errors.iter().any(|e| e["field"] == "leeftijd"),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e["field"] == "tevreden"),
        "{errors:?}"
    );
    assert_eq!(
        w.store.responses(Some(w.wave)).await.unwrap().len(),
        before,
        "all or nothing"
    );

    // good ones are stored; the same again adds nothing (an import's keys)
    let good = json!({"wave": w.wave.0, "responses": [
        {"network": "n1", "answers": {"leeftijd": "44", "tevreden": "ja"}},
        {"network": "n3", "answers": {"leeftijd": "61", "opmerking": "goed \"zo\", echt"}},
    ]});
    let a = post(&w.app, &uri, &w.write, good.clone()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    assert_eq!(
        (a.json["added"].as_u64(), a.json["already"].as_u64()),
        (Some(2), Some(0))
    );
    let stored = w.store.responses(Some(w.wave)).await.unwrap();
    assert_eq!(stored.len(), before + 2);
    assert_eq!(
        stored.last().unwrap().answers["opmerking"],
        "goed \"zo\", echt"
    );
    let a = post(&w.app, &uri, &w.write, good).await;
    assert_eq!(
        (a.json["added"].as_u64(), a.json["already"].as_u64()),
        (Some(0), Some(2))
    );

    // a wave of another questionnaire, a body that is not JSON, one of another shape
    let a = post(
        &w.app,
        &uri,
        &w.write,
        json!({"wave": 999, "responses": [{"network": "n1", "answers": {}}]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = post(
        &w.app,
        &uri,
        &w.write,
        json!({"wave": w.wave.0, "responses": []}),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.is_problem());
    let a = post(&w.app, &uri, &w.write, json!({"golf": 1})).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.is_problem());
    let a = call_with(
        &w.app,
        Method::POST,
        &uri,
        Some(&w.write),
        None,
        &[("content-type", "text/plain")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(a.is_problem());
    // a body over the limit: 413, as a problem detail
    let big = "x".repeat(leernet_api::MAX_BODY_BYTES + 10);
    let a = post(
        &w.app,
        &uri,
        &w.write,
        json!({"wave": w.wave.0, "responses": [{"network": "n1", "answers": {"opmerking": big}}]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(a.is_problem(), "{}", a.json);
    done(w).await;
}

async fn invite_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let uri = format!("/api/v1/studies/a/waves/{}/invitations", w.wave.0);
    let a = post(&w.app, &uri, &w.write, json!({"network": "n2", "count": 3})).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let links = a.json["links"].as_array().unwrap();
    assert_eq!(links.len(), 3);
    let stored = w.store.invitations(Some(w.wave)).await.unwrap();
    assert_eq!(stored.len(), 3);
    for (l, s) in links.iter().zip(&stored) {
        assert_eq!(l["url"], format!("/s/{}", s.token.as_str()));
        assert_eq!(s.network, w.nets[1]);
    }
    for body in [
        json!({"network": "n2", "count": 0}),
        json!({"network": "n2", "count": 501}),
        json!({"network": "nergens", "count": 1}),
    ] {
        let a = post(&w.app, &uri, &w.write, body.clone()).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(a.is_problem());
    }
    assert_eq!(w.store.invitations(Some(w.wave)).await.unwrap().len(), 3);
    let a = post(
        &w.app,
        "/api/v1/studies/a/waves/999/invitations",
        &w.write,
        json!({"network": "n2", "count": 1}),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    done(w).await;
}

async fn conventions_story(store: &Store, url: &str) {
    let w = world(store.clone(), url).await;
    let t = &w.read["researcher"];
    let uri = format!("/api/v1/studies/a/instruments/{}", w.instrument.0);
    let a = get(&w.app, &uri, t).await;
    assert_eq!(a.status, StatusCode::OK);
    // the question list, labelled in both languages
    let qs = a.json["questions"].as_array().unwrap();
    let age = qs.iter().find(|q| q["name"] == "leeftijd").unwrap();
    assert_eq!(age["type"], "integer");
    assert_eq!(age["label"]["nl"], "Leeftijd");
    assert_eq!(age["label"]["en"], "Age");
    let etag = a.headers["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let again = call_with(
        &w.app,
        Method::GET,
        &uri,
        Some(t),
        None,
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers["etag"], etag.as_str());
    let other = call_with(
        &w.app,
        Method::GET,
        &uri,
        Some(t),
        None,
        &[("if-none-match", "\"abc\"")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    // a method the route lacks is a problem detail too
    let a = call_with(&w.app, Method::DELETE, &uri, Some(t), None, &[]).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(a.is_problem());

    // the rate limit: three requests, then 429 with Retry-After, then again after waiting
    let clock = std::sync::Arc::new(leernet_core::FixedClock::at_unix_seconds(NOW));
    let app = leernet_api::router(std::sync::Arc::new(
        leernet_api::ApiState::new(w.inst.clone(), clock).with_rate_limit(3, 0.5),
    ));
    for _ in 0..3 {
        assert_eq!(get(&app, "/api/v1/studies", t).await.status, StatusCode::OK);
    }
    let a = get(&app, "/api/v1/studies", t).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(a.is_problem());
    assert_eq!(a.headers["retry-after"], "2");
    // another token has its own bucket
    assert_eq!(
        get(&app, "/api/v1/studies", &w.read["member"]).await.status,
        StatusCode::OK
    );

    // the OpenAPI document is served, and names every route
    let a = call_with(&w.app, Method::GET, "/api/v1/openapi.json", None, None, &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.json["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths: BTreeSet<&str> = a.json["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(paths.len(), 17, "{paths:?}");
    for p in [
        "/api/v1/studies/{slug}/instruments/{id}/imports",
        "/api/v1/studies/{slug}/figures",
        "/api/v1/studies/{slug}/codebooks",
        "/api/v1/studies/{slug}/codings",
        "/api/v1/studies/{slug}/documents",
        "/api/v1/studies/{slug}/documents/{id}",
        "/api/v1/studies/{slug}/networks/{network}/sessions",
        "/api/v1/studies/{slug}/networks/{network}/slow-questions",
        "/api/v1/studies/{slug}/networks/{network}/rounds",
    ] {
        assert!(paths.contains(p), "{p} in {paths:?}");
    }
    done(w).await;
}
