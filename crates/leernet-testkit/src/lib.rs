//! What leernet's tests share, written once: a dev-dependency of the other crates, never a
//! dependency of the product.
//!
//! - [`on_every_backend!`]: a test per story that runs the story on every database back end
//!   the environment offers (SQLite always, PostgreSQL when `LEERNET_TEST_DATABASE_URL` is
//!   set, and mandatory under `CI`), each on a fresh database that is dropped afterwards.
//! - [`tools`]: outside programs a test compares with (the Python references, PSPP, xmllint,
//!   LibreOffice, Chromium, strace): under `CI` a missing one fails the test, elsewhere the
//!   test says what it skips and why.
//! - [`smtp`]: a tiny SMTP server on 127.0.0.1 that keeps what it is sent.
//! - [`serve`]: the address `leernet serve` prints when it listens.
//! - [`AXE`]: axe-core, vendored (`vendor/`), for the accessibility checks in a browser.

pub mod serve;
pub mod smtp;
pub mod tools;

pub use leernet_store::testing::{test_backends, TestDb};

/// axe-core 4.14.1 (Deque Systems, MPL-2.0; `vendor/README.md`), injected into pages by the
/// browser tests to check them for WCAG 2.1 A/AA violations; never served by the app.
pub const AXE: &str = include_str!("../vendor/axe-4.14.1.min.js");

/// One `#[tokio::test]` per `name => story`, running `story` on every back end of
/// [`test_backends`] against a fresh [`TestDb`] that is dropped afterwards.
///
/// - `on_every_backend!(name => story, …)`: `story(&store)`.
/// - `on_every_backend!(with_url, name => story, …)`: `story(&store, &url)`, the database's URL
///   beside the open store.
/// - `on_every_backend!(world = make, name => story, …)`: `story(&w)` where
///   `w = make(store).await` has a field `store` that is closed afterwards (the web app's
///   test world).
/// - `on_every_backend!(world = make, then = more, name => story, …)`: `story(&w, &m)` where
///   `m = more(&w).await`.
///
/// The calling crate needs `tokio` (with `macros` and `rt-multi-thread`) among its
/// dev-dependencies.
#[macro_export]
macro_rules! on_every_backend {
    (world = $world:path, then = $more:path, $($name:ident => $story:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for backend in $crate::test_backends() {
                let db = $crate::TestDb::new(backend).await;
                let w = $world(db.store().await).await;
                let m = $more(&w).await;
                $story(&w, &m).await;
                w.store.close().await;
                db.drop_database().await;
            }
        }
    )*};
    (world = $world:path, $($name:ident => $story:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for backend in $crate::test_backends() {
                let db = $crate::TestDb::new(backend).await;
                let w = $world(db.store().await).await;
                $story(&w).await;
                w.store.close().await;
                db.drop_database().await;
            }
        }
    )*};
    (with_url, $($name:ident => $story:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for backend in $crate::test_backends() {
                let db = $crate::TestDb::new(backend).await;
                let store = db.store().await;
                $story(&store, &db.url).await;
                store.close().await;
                db.drop_database().await;
            }
        }
    )*};
    ($($name:ident => $story:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for backend in $crate::test_backends() {
                let db = $crate::TestDb::new(backend).await;
                let store = db.store().await;
                $story(&store).await;
                store.close().await;
                db.drop_database().await;
            }
        }
    )*};
}
