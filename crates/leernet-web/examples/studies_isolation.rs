//! Two studies on one installation: does one study's big import slow the other study's
//! respondents? (issue "Many studies on one installation", item 5.)
//!
//! ```sh
//! cargo run --release -p leernet-web --example studies_isolation -- --rows 1000000
//! ```
//!
//! What it does, on SQLite (one file per study, the case the design was made for: one
//! database's single writer would make every save wait behind an import's transaction):
//! an installation with two studies in a scratch folder, served in this process as
//! `leernet serve` serves it (the portal, 2 worker threads). Study *fieldwork* has the
//! shipped network questionnaire open with 2N invitations; study *import* has an instrument
//! and an empty wave. Timed, twice — first alone, then while study *import* takes R responses
//! (default 1,000,000, each with 40 answers) in one all-or-nothing import transaction, as `leernet import responses`
//! does —, on C client connections:
//!
//! 1. *page saves*: N invitations post pages 1..8 through `/s/{token}` (the portal finds the
//!    study of each link);
//! 2. *submissions*: the same N invitations submit.
//!
//! It prints each phase's rate and latency, the import's own time, and whether the import
//! was still running when the phases ended (so the second run was measured under it). At
//! the end both studies must hold what was acknowledged. Bounded: N ≤ 10,000, C ≤ 256,
//! R ≤ 5,000,000; it only ever talks to 127.0.0.1.

#[path = "../tests/it/common/fill.rs"]
#[allow(dead_code)]
mod fill;
#[path = "common/load.rs"]
mod load;
#[path = "../tests/it/common/walk.rs"]
mod walk;

use leernet_core::*;
use leernet_store::testing::numbered_token as token;
use leernet_store::*;
use load::{http, phase, report};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const NETWORK_XLSX: &[u8] = include_bytes!("../../../instruments/network.xlsx");
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Args {
    rows: usize,
    invitations: usize,
    connections: usize,
}

fn args() -> Args {
    let mut a = Args {
        rows: 1_000_000,
        invitations: 2000,
        connections: 32,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--rows" => a.rows = v.parse().expect("--rows R"),
            "--invitations" => a.invitations = v.parse().expect("--invitations N"),
            "--connections" => a.connections = v.parse().expect("--connections C"),
            _ => panic!("unknown argument {k}"),
        }
    }
    assert!((1..=5_000_000).contains(&a.rows), "1 ≤ R ≤ 5000000");
    assert!((1..=10_000).contains(&a.invitations), "1 ≤ N ≤ 10000");
    assert!((1..=256).contains(&a.connections), "1 ≤ C ≤ 256");
    a
}

/// Page saves and submissions of invitations `first..first + n` of study *fieldwork*.
fn fieldwork(
    addr: &str,
    bodies: &Arc<Vec<String>>,
    first: usize,
    n: usize,
    c: usize,
) -> [String; 2] {
    let cookie = Arc::new(walk::cookie(CSRF));
    let (b, ck) = (bodies.clone(), cookie.clone());
    let saves = phase(
        addr,
        n,
        c,
        Arc::new(move |i, conn: &mut http::Conn| {
            let url = format!("/s/{}", token(first + i).as_str());
            let mut lat = Vec::new();
            for body in &b[..b.len() - 1] {
                let t = Instant::now();
                let r = conn.post_form(&url, &ck, body).expect("save");
                assert_eq!(r.status, 303, "save refused: {}", r.text());
                lat.push(t.elapsed());
            }
            lat
        }),
    );
    let (b, ck) = (bodies.clone(), cookie);
    let submits = phase(
        addr,
        n,
        c,
        Arc::new(move |i, conn: &mut http::Conn| {
            let url = format!("/s/{}", token(first + i).as_str());
            let t = Instant::now();
            let r = conn
                .post_form(&url, &ck, b.last().expect("a last page"))
                .expect("submit");
            assert_eq!(r.status, 303, "submission refused: {}", r.text());
            vec![t.elapsed()]
        }),
    );
    [
        report("page saves", &saves.0, saves.1),
        report("submissions", &submits.0, submits.1),
    ]
}

/// Imports `rows` responses into study *import*'s wave in one transaction (as `leernet
/// import responses` does, in blocks of 10,000 rows); returns its time.
async fn import(
    store: &Store,
    instrument: InstrumentId,
    network: NetworkId,
    rows: usize,
) -> Duration {
    let t = Instant::now();
    let mut im = store
        .begin_import(instrument, "import")
        .await
        .expect("begin the import");
    // rows the size of a real member questionnaire's: 40 answers, about 1.2 kB
    let answers = |r: usize| {
        let fields: Vec<String> = (0..40)
            .map(|q| format!("\"q{q:02}\":\"antwoord {} op vraag {q}\"", r % 97))
            .collect();
        format!("{{{}}}", fields.join(","))
    };
    let mut i = 0;
    while i < rows {
        let block: Vec<SerializedResponse> = (i..(i + 10_000).min(rows))
            .map(|r| SerializedResponse {
                network,
                respondent: format!("r{r}"),
                status: ResponseStatus::Submitted,
                answers_json: answers(r),
            })
            .collect();
        im.add_serialized(block).await.expect("add a block");
        i += 10_000;
    }
    im.commit().await.expect("commit the import");
    t.elapsed()
}

fn main() {
    let a = args();
    let n = a.invitations;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("a scratch folder");
    let url = format!(
        "sqlite://{}",
        dir.path().join("installation.sqlite").display()
    );
    let (inst, import_store, field_store, instrument, network) = rt.block_on(async {
        let inst = Installation::connect_with(&url, &StoreOptions::default())
            .await
            .expect("the installation");
        let mut stores = Vec::new();
        for slug in ["import", "fieldwork"] {
            let study = inst
                .add_study(
                    &NewStudy {
                        slug: Slug::parse(slug).unwrap(),
                        title: Bilingual {
                            nl: slug.into(),
                            en: slug.into(),
                        },
                    },
                    &Actor::System,
                    0,
                )
                .await
                .expect("a study");
            stores.push(inst.open_study(&study).await.expect("its store"));
        }
        let (import_store, field_store) = (stores.remove(0), stores.remove(0));
        // Study *import*: one invitation, token 0, which study *fieldwork* does not use.
        let wave = leernet_store::testing::open_wave_with_invitations(
            &import_store,
            NETWORK_XLSX,
            "imp",
            0,
        )
        .await;
        let instrument = import_store
            .waves()
            .await
            .unwrap()
            .into_iter()
            .find(|w| w.id == wave)
            .unwrap()
            .instrument;
        let network = import_store.networks().await.unwrap()[0].id;
        // Study *fieldwork*: invitations 0..=2N+1 (1..=N alone, N+1..=2N under the import,
        // 2N+1 answered first to record the pages).
        leernet_store::testing::open_wave_with_invitations(
            &field_store,
            NETWORK_XLSX,
            "veld",
            2 * n + 1,
        )
        .await;
        (inst, import_store, field_store, instrument, network)
    });

    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    let listener = server
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap().to_string();
    let served = inst.clone();
    std::thread::spawn(move || {
        server.block_on(leernet_web::serve_installation_until(
            served,
            listener,
            leernet_web::ServeOptions::new(SystemClock::shared()),
            std::future::pending(),
        ))
    });

    let bodies = Arc::new(walk::record(&addr, token(2 * n + 1).as_str(), CSRF).expect("walk"));
    println!(
        "leernet studies isolation: SQLite, {} invitations per run, {} connections, {} pages per questionnaire, {} rows imported in the other study, {} cores",
        n,
        a.connections,
        bodies.len(),
        a.rows,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );

    let alone = fieldwork(&addr, &bodies, 1, n, a.connections);
    println!("alone:\n  {}\n  {}", alone[0], alone[1]);

    // The import runs on its own runtime (as `leernet import` runs in its own process).
    let running = Arc::new(AtomicBool::new(true));
    let (r, s) = (running.clone(), import_store.clone());
    let rows = a.rows;
    let importer = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("import runtime");
        let took = rt.block_on(import(&s, instrument, network, rows));
        r.store(false, Ordering::SeqCst);
        took
    });
    // let the import's transaction start before measuring
    std::thread::sleep(Duration::from_millis(500));
    let during = fieldwork(&addr, &bodies, n + 1, n, a.connections);
    let still = running.load(Ordering::SeqCst);
    println!(
        "during the import in the other study ({}):\n  {}\n  {}",
        if still {
            "still running when the phases ended"
        } else {
            "it ENDED before the phases did: use more rows"
        },
        during[0],
        during[1]
    );
    let took = importer.join().expect("the import");
    println!(
        "the import: {} rows in {:.1} s = {:.0} rows/s",
        a.rows,
        took.as_secs_f64(),
        a.rows as f64 / took.as_secs_f64()
    );

    rt.block_on(async {
        let imported = import_store.responses(None).await.unwrap().len();
        assert_eq!(imported, a.rows, "every imported row is stored");
        let submitted = field_store
            .responses(None)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.status == ResponseStatus::Submitted)
            .count();
        assert_eq!(
            submitted,
            2 * n + 1,
            "every acknowledged submission is stored"
        );
        println!("stored: {imported} imported rows; {submitted} submitted responses");
        import_store.close().await;
        field_store.close().await;
        inst.close().await;
    });
}
