//! `/networks` at the scale of a national study: a page of 50 networks at a time with links
//! to the other pages, a search on the name of the network or its Werkplaats, a choice of
//! one Werkplaats, and a query that is no page number, search or Werkplaats refused in the
//! visitor's language — on every back end.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::{NewNetwork, NewWorkplace};
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world,
    the_networks_are_listed_a_page_at_a_time_with_a_search => listing_story,
    the_networks_of_one_werkplaats_are_listed_with_the_search_and_wave_kept => workplace_story,
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

async fn workplace_story(w: &World) {
    // A second Werkplaats with 55 networks beside the world's one with two: 57, two pages
    // when only the second is chosen.
    let zuid = w
        .store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("zuidrand").unwrap(),
            name: "Werkplaats Zuidrand".into(),
            region: "Zuid".into(),
        })
        .await
        .unwrap();
    for i in 0..55 {
        w.store
            .add_network(&NewNetwork {
                slug: Slug::parse(&format!("zuid-{i:02}")).unwrap(),
                name: format!("Zuidnetwerk {i:02}"),
                workplace: zuid,
            })
            .await
            .unwrap();
    }
    let mut c = Client::new(&w.app);

    // The box offers every Werkplaats by name, none chosen.
    let p = c.get("/networks").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(
        "<label for=\"n-wp\">Werkplaats</label>\n<select id=\"n-wp\" name=\"workplace\">"
    ));
    assert!(p
        .body
        .contains("<option value=\"\" selected>Alle Werkplaatsen</option>"));
    let noord = p
        .body
        .find("<option value=\"noordkust\">Werkplaats Noordkust</option>")
        .expect("Noordkust offered");
    let zuid_at = p
        .body
        .find("<option value=\"zuidrand\">Werkplaats Zuidrand</option>")
        .expect("Zuidrand offered");
    assert!(noord < zuid_at, "by name");

    // One Werkplaats: only its networks, paged, the links keeping it.
    let p = c.get("/networks?workplace=noordkust").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(network_rows(&p.body), 2);
    assert!(p.body.contains(">Netwerk Wijk A<") && !p.body.contains("Zuidnetwerk"));
    assert!(p
        .body
        .contains("Netwerk 1 tot en met 2 van 2. (57 netwerken in de studie.)"));
    assert!(p
        .body
        .contains("<option value=\"noordkust\" selected>Werkplaats Noordkust</option>"));
    let p = c.get("/networks?workplace=zuidrand").await;
    assert_eq!(network_rows(&p.body), 50);
    assert!(p.body.contains("Netwerk 1 tot en met 50 van 55."));
    assert!(
        p.body
            .contains("href=\"/networks?workplace=zuidrand&amp;page=2\" rel=\"next\""),
        "{}",
        p.body
    );
    let p = c.get("/networks?workplace=zuidrand&page=2").await;
    assert_eq!(network_rows(&p.body), 5);
    assert!(p.body.contains("Netwerk 51 tot en met 55 van 55."));

    // With a search: both hold, and the links keep both.
    let p = c.get("/networks?q=netwerk+0&workplace=zuidrand").await;
    assert_eq!(network_rows(&p.body), 10, "Zuidnetwerk 00 to 09");
    let p = c.get("/networks?q=wijk&workplace=zuidrand").await;
    assert_eq!(network_rows(&p.body), 0, "Wijk A and B are of Noordkust");
    assert!(p.body.contains("Geen netwerk gevonden."));
    let p = c.get("/networks?q=zuid&workplace=zuidrand&wave=2026").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.body
            .contains("href=\"/networks?q=zuid&amp;workplace=zuidrand&amp;page=2&amp;wave=2026\" rel=\"next\""),
        "the search, the Werkplaats and the wave stay chosen: {}",
        p.body
    );
    assert!(
        p.body
            .contains("<input type=\"hidden\" name=\"wave\" value=\"2026\">"),
        "the form keeps the wave"
    );

    // In English.
    let p = c.get("/networks?lang=en&workplace=noordkust").await;
    assert!(
        p.body
            .contains("<option value=\"\">All Werkplaatsen</option>"),
        "{}",
        p.body
    );
    assert!(p
        .body
        .contains("Networks 1 to 2 of 2. (57 networks in the study.)"));

    // A Werkplaats the study does not have does not exist; one that is no slug at all is a
    // bad request; an empty choice is every Werkplaats.
    assert_eq!(
        c.get("/networks?workplace=elders").await.status,
        StatusCode::NOT_FOUND
    );
    for q in [
        "workplace=Noordkust",
        "workplace=%3Cscript%3E",
        "workplace=noordkust&workplace=zuidrand",
    ] {
        let p = c.get(&format!("/networks?{q}")).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{q}");
    }
    let long = "a".repeat(65);
    assert_eq!(
        c.get(&format!("/networks?workplace={long}")).await.status,
        StatusCode::BAD_REQUEST
    );
    let p = c.get("/networks?lang=nl&workplace=").await;
    assert_eq!(network_rows(&p.body), 50);
    assert!(
        p.body.contains("Netwerk 1 tot en met 50 van 57."),
        "{}",
        p.body
    );
}
