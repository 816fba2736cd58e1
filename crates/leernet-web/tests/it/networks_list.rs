//! `/networks` at the scale of a national study: a page of 50 networks at a time with links
//! to the other pages, a search on the name of the network or its Werkplaats, and a query
//! that is no page number or search refused in the visitor's language — on every back end.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::NewNetwork;
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world,
    the_networks_are_listed_a_page_at_a_time_with_a_search => listing_story,
);

/// How many `<tr>` rows of networks a page shows (the Werkplaatsen table has one more).
fn network_rows(body: &str) -> usize {
    body.matches("<tr><td><a href=\"/networks/").count()
}

async fn listing_story(w: &World) {
    // 60 more networks beside the world's two: 62, so two pages of 50.
    let wp = w.store.workplaces().await.unwrap()[0].id;
    for i in 0..60 {
        w.store
            .add_network(&NewNetwork {
                slug: Slug::parse(&format!("extra-{i:02}")).unwrap(),
                name: format!("Buurtnetwerk {i:02}"),
                workplace: wp,
            })
            .await
            .unwrap();
    }
    let mut c = Client::new(&w.app);

    let p = c.get("/networks").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(network_rows(&p.body), 50);
    assert!(
        p.body.contains("Netwerk 1 tot en met 50 van 62."),
        "{}",
        p.body
    );
    assert!(p.body.contains("Pagina 1 van 2"));
    assert!(p.body.contains("href=\"/networks?page=2\" rel=\"next\""));
    assert!(!p.body.contains("rel=\"prev\""));
    assert!(p
        .body
        .contains("<label for=\"n-q\">Zoek een netwerk</label>"));

    let p = c.get("/networks?page=2").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(network_rows(&p.body), 12);
    assert!(p.body.contains("Netwerk 51 tot en met 62 van 62."));
    assert!(p.body.contains("href=\"/networks?page=1\" rel=\"prev\""));
    assert!(!p.body.contains("rel=\"next\""));

    // The search: any case, name or Werkplaats; the links keep it.
    let p = c.get("/networks?q=WIJK+b").await;
    assert_eq!(network_rows(&p.body), 1);
    assert!(p.body.contains("Netwerk Wijk B") && !p.body.contains(">Netwerk Wijk A<"));
    assert!(p.body.contains("(62 netwerken in de studie.)"));
    let p = c.get("/networks?q=buurtnetwerk").await;
    assert_eq!(network_rows(&p.body), 50);
    assert!(p.body.contains("Netwerk 1 tot en met 50 van 60."));
    assert!(
        p.body
            .contains("href=\"/networks?q=buurtnetwerk&amp;page=2\""),
        "{}",
        p.body
    );
    let p = c.get("/networks?q=noordkust").await;
    assert_eq!(network_rows(&p.body), 50, "by Werkplaats");
    let p = c.get("/networks?q=%3Cscript%3E").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(network_rows(&p.body), 0);
    assert!(p.body.contains("Geen netwerk gevonden."));
    assert!(!p.body.contains("<script>"), "the search is shown escaped");

    // In English.
    let p = c.get("/networks?lang=en&page=2").await;
    assert!(p.body.contains("Networks 51 to 62 of 62."), "{}", p.body);
    assert!(p.body.contains("Page 2 of 2") && p.body.contains("Find a network"));

    // A page past the last does not exist; no page number, or a search longer than the box
    // takes, is a bad request in the visitor's language.
    assert_eq!(
        c.get("/networks?page=3").await.status,
        StatusCode::NOT_FOUND
    );
    let long = "a".repeat(101);
    for q in [
        "page=0".to_owned(),
        "page=twee".to_owned(),
        "page=-1".to_owned(),
        "page=4294967296".to_owned(),
        format!("q={long}"),
        "page=1&page=2".to_owned(),
    ] {
        let p = c.get(&format!("/networks?{q}")).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            p.body.contains("The request could not be read"),
            "{q}: {}",
            p.body
        );
    }
    let p = c.get(&format!("/networks?q={}", "a".repeat(100))).await;
    assert_eq!(p.status, StatusCode::OK, "100 characters are taken");
}
