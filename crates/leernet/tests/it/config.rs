//! The settings as an operator meets them: `leernet config default` and `config show`, secrets
//! never printed, contradicting settings refused, and an instance that meets a database with
//! a newer schema refusing to start, changing nothing — on every back end.

use leernet_store::testing::{test_backends, TestDb};
use leernet_store::Backend;
use std::path::Path;
use std::process::{Command, Output};

fn leernet(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.args(args);
    for v in [
        "LEERNET_DATABASE_URL",
        "LEERNET_DATABASE_PASSWORD",
        "LEERNET_ADDR",
        "LEERNET_LOG_FORMAT",
        "RUST_LOG",
    ] {
        c.env_remove(v);
    }
    c.envs(env.iter().copied());
    c.output().expect("run leernet")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn config_default_documents_every_key_and_is_a_valid_project_file() {
    let o = leernet(&["config", "default"], &[]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    for key in [
        "url = \"sqlite://leernet.sqlite\"",
        "addr = \"127.0.0.1:8080\"",
        "# password = ",
        "# max_connections = ",
        "# sqlite_synchronous = ",
        "# public_url = ",
        "format = \"text\"",
        "filter = \"warn\"",
    ] {
        assert!(text.contains(key), "{key} in:\n{text}");
    }
    for env in [
        "LEERNET_DATABASE_URL",
        "LEERNET_DATABASE_PASSWORD",
        "LEERNET_DATABASE_MAX_CONNECTIONS",
        "LEERNET_DATABASE_SQLITE_SYNCHRONOUS",
        "LEERNET_ADDR",
        "LEERNET_PUBLIC_URL",
        "LEERNET_LOG_FORMAT",
        "RUST_LOG",
    ] {
        assert!(text.contains(env), "{env} is documented");
    }
    // The printed file works as a project's leernet.toml.
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    assert!(leernet(&["init", s(&p)], &[]).status.success());
    std::fs::write(p.join("leernet.toml"), &text).unwrap();
    let o = leernet(&["network", "list", "--project", s(&p)], &[]);
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn secrets_are_never_shown_and_contradictions_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    assert!(leernet(&["init", s(&p)], &[]).status.success());
    let o = leernet(
        &["config", "show", "--project", s(&p)],
        &[(
            "LEERNET_DATABASE_URL",
            "postgres://leernet:hunter2@db.example.org/leernet",
        )],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        !out(&o).contains("hunter2") && out(&o).contains("leernet:***@"),
        "{}",
        out(&o)
    );
    let o = leernet(
        &["config", "show", "--project", s(&p)],
        &[
            (
                "LEERNET_DATABASE_URL",
                "postgres://leernet@db.example.org/leernet",
            ),
            ("LEERNET_DATABASE_PASSWORD", "hunter2"),
            ("LEERNET_LOG_FORMAT", "json"),
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let shown = out(&o);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown.contains("password = \"***\"") && shown.contains("format = \"json\""),
        "{shown}"
    );
    // A password that does not reach the server is not echoed in the error either.
    let o = leernet(
        &["network", "list", "--project", s(&p)],
        &[
            (
                "LEERNET_DATABASE_URL",
                "postgres://leernet@127.0.0.1:1/leernet",
            ),
            ("LEERNET_DATABASE_PASSWORD", "hunter2"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!err(&o).contains("hunter2"), "{}", err(&o));

    // A PostgreSQL URL with an SQLite-only option, from two layers.
    let toml = std::fs::read_to_string(p.join("leernet.toml")).unwrap();
    std::fs::write(
        p.join("leernet.toml"),
        toml.replace(
            "[database]\n",
            "[database]\nsqlite_synchronous = \"full\"\n",
        ),
    )
    .unwrap();
    assert!(leernet(&["network", "list", "--project", s(&p)], &[])
        .status
        .success());
    let o = leernet(
        &["serve", "--project", s(&p)],
        &[(
            "LEERNET_DATABASE_URL",
            "postgres://leernet@127.0.0.1:1/leernet",
        )],
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("sqlite_synchronous")
            && e.contains("PostgreSQL")
            && e.trim().lines().count() == 1,
        "{e}"
    );
    // A value of the wrong kind names its variable.
    let o = leernet(
        &["network", "list", "--project", s(&p)],
        &[("LEERNET_DATABASE_MAX_CONNECTIONS", "many")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("LEERNET_DATABASE_MAX_CONNECTIONS"),
        "{}",
        err(&o)
    );
}

async fn migrations(url: &str) -> Vec<i64> {
    assert!(
        leernet_store::Store::connect(url).await.is_err(),
        "the newer schema is refused"
    );
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    let rows = sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut c)
        .await
        .unwrap();
    c.close().await.ok();
    rows.iter().map(|r| r.get::<i64, _>("version")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_refuses_a_database_with_a_newer_schema() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        store.close().await;
        {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut c = sqlx::AnyConnection::connect(&db.url).await.unwrap();
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (2099010100, 'from a newer leernet', true, $1, 0)",
            )
            .bind(vec![0u8; 48])
            .execute(&mut c)
            .await
            .unwrap();
            c.close().await.ok();
        }
        let before = migrations(&db.url).await;
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("p");
        assert!(leernet(&["init", s(&p)], &[]).status.success());
        let o = leernet(
            &["serve", "--addr", "127.0.0.1:0", "--project", s(&p)],
            &[("LEERNET_DATABASE_URL", &db.url)],
        );
        assert_eq!(o.status.code(), Some(2), "{backend:?}: {}", err(&o));
        let e = err(&o);
        assert!(
            e.contains("schema version 2099010100") && e.contains("newer leernet"),
            "{backend:?}: {e}"
        );
        assert_eq!(e.trim().lines().count(), 1, "{e}");
        assert!(!out(&o).contains("serves"), "it did not start serving");
        assert_eq!(
            migrations(&db.url).await,
            before,
            "{backend:?}: nothing changed"
        );
        if backend == Backend::Postgres {
            assert!(
                !e.contains("leernet:leernet@"),
                "no password in the message: {e}"
            );
        }
        db.drop_database().await;
    }
}
