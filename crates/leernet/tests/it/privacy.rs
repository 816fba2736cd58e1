//! The privacy tools at the command line, on every back end the environment offers:
//! `leernet privacy export|erase|pseudonymise`, `leernet retention set|apply` and
//! `leernet audit list` — their exit codes, their messages, and that bad input (an unknown
//! person or wave, a bad date, a missing `--yes`) changes nothing.

use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::*;
use std::process::{Command, Output};

const ANNA: &str = "anna.devries@example.org";
/// Anna's slow question, anonymous slow question and story in the workspace.
const WS_TEXTS: [&str; 3] = [
    "Wie vangt de buurt op in de zomer?",
    "Mag ik twijfelen aan het protocol?",
    "De buurtkamer ging weer open.",
];

struct Project {
    dir: tempfile::TempDir,
    /// `LEERNET_DATABASE_URL` for PostgreSQL; SQLite uses the project's own file.
    url: Option<String>,
}

impl Project {
    fn run(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
        c.args(["--project", self.dir.path().to_str().unwrap()])
            .args(args)
            .env("USER", "onderzoeker")
            .env_remove("LEERNET_DATABASE_URL");
        if let Some(u) = &self.url {
            c.env("LEERNET_DATABASE_URL", u);
        }
        c.output().unwrap()
    }

    fn store_url(&self) -> String {
        self.url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/leernet.sqlite", self.dir.path().display()))
    }
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fails(o: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
}

/// An XLSForm whose settings say what an erase does to submitted responses.
fn workbook(form_id: &str, consent_erase: Option<&str>) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    s.set_name("survey").unwrap();
    for (c, v) in ["type", "name", "label::Nederlands (nl)"]
        .iter()
        .enumerate()
    {
        s.write_string(0, c as u16, *v).unwrap();
    }
    for (c, v) in ["text", "open", "Wat wil je kwijt?"].iter().enumerate() {
        s.write_string(1, c as u16, *v).unwrap();
    }
    let st = wb.add_worksheet();
    st.set_name("settings").unwrap();
    let mut cols = vec![("form_id", form_id), ("version", "1")];
    if let Some(v) = consent_erase {
        cols.push(("consent_erase", v));
    }
    for (c, (k, v)) in cols.iter().enumerate() {
        st.write_string(0, c as u16, *k).unwrap();
        st.write_string(1, c as u16, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

struct Seed {
    wave1: WaveId,
    wave2: WaveId,
    anna_r1: ResponseId,
    anna_r2: ResponseId,
}

async fn seed(store: &Store) -> Seed {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noord").unwrap(),
            name: "Werkplaats Noord".into(),
            region: String::new(),
        })
        .await
        .unwrap();
    let net = store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-a").unwrap(),
            name: "Wijk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let anna = store
        .add_person(&NewPerson {
            email: Email::parse(ANNA).unwrap(),
            name: "Anna de Vries".into(),
            role: Role::Member,
            networks: vec![net],
            password_hash: None,
        })
        .await
        .unwrap();
    let mut waves = Vec::new();
    for (form_id, consent, wave) in [
        ("leden_a", Some("keep_anonymised"), "voorjaar-2026"),
        ("leden_b", None, "najaar-2026"),
    ] {
        let inst = store
            .add_instrument(&NewInstrument {
                form_id: form_id.into(),
                version: "1".into(),
                title: Bilingual {
                    nl: form_id.into(),
                    en: form_id.into(),
                },
                file_name: format!("{form_id}.xlsx"),
                workbook: workbook(form_id, consent),
            })
            .await
            .unwrap();
        waves.push(store.add_wave(inst, wave, WaveStatus::Open).await.unwrap());
    }
    let mut responses = Vec::new();
    for (n, wave) in waves.iter().enumerate() {
        let ids = store
            .add_invitations(
                *wave,
                &[
                    NewInvitation {
                        network: net,
                        token: InvitationToken::from_random([n as u8 * 2; 20]),
                        kind: InvitationKind::Member,
                        person: Some(anna),
                        email: Some(Email::parse(ANNA).unwrap()),
                    },
                    NewInvitation {
                        network: net,
                        token: InvitationToken::from_random([n as u8 * 2 + 1; 20]),
                        kind: InvitationKind::Member,
                        person: None,
                        email: Some(Email::parse("carla@example.org").unwrap()),
                    },
                ],
            )
            .await
            .unwrap();
        for (id, text) in [
            (ids[0], "Samen leren werkt."),
            (ids[1], "Anna de Vries trekt het netwerk."),
        ] {
            let a: Answers = [("open".to_owned(), text.to_owned())].into_iter().collect();
            store.save_survey(id, &a, 0, true).await.unwrap();
        }
        responses.push(store.responses(Some(*wave)).await.unwrap()[0].id);
    }
    // Anna's workspace: she attended a session, voted, and wrote a slow question, an
    // anonymous one and a story.
    use leernet_store::workspace::{Cycle, NewSession, NewSlowQuestion, SessionRecord};
    let session = store
        .plan_session(
            net,
            &NewSession {
                date: "2026-03-12".into(),
                place: String::new(),
                online: true,
                method: "intervision".into(),
                model: "incident".into(),
                agenda: vec![],
                ..NewSession::default()
            },
            None,
            1,
        )
        .await
        .unwrap();
    store
        .record_session(
            net,
            session,
            &SessionRecord {
                date: "2026-03-12".into(),
                online: true,
                method: "intervision".into(),
                model: "incident".into(),
                present: vec![anna],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let round = store.open_round(net, "Voorjaar", 3, 2).await.unwrap();
    let topic = store
        .propose_topic(net, round, anna, true, "Samen koken")
        .await
        .unwrap();
    store
        .cast_votes(net, round, anna, &[(topic, 2)])
        .await
        .unwrap();
    for (text, anonymous) in [(WS_TEXTS[0], false), (WS_TEXTS[1], true)] {
        store
            .add_slow_question(
                &NewSlowQuestion {
                    network: net,
                    text: text.into(),
                    author: Some(anna),
                    anonymous,
                    session: None,
                    themes: vec![],
                },
                3,
            )
            .await
            .unwrap();
    }
    store
        .add_story(net, anna, WS_TEXTS[2], &[Cycle::Applied], 4)
        .await
        .unwrap();
    Seed {
        wave1: waves[0],
        wave2: waves[1],
        anna_r1: responses[0],
        anna_r2: responses[1],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_tools_from_the_command_line() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let p = Project {
            dir: tempfile::tempdir().unwrap(),
            url: (backend == Backend::Postgres).then(|| db.url.clone()),
        };
        std::fs::write(
            p.dir.path().join("leernet.toml"),
            "[project]\nname = \"study\"\n",
        )
        .unwrap();
        let store = Store::connect(&p.store_url()).await.unwrap();
        let s = seed(&store).await;
        story(&p, &store, &s).await;
        store.close().await;
        db.drop_database().await;
    }
}

async fn story(p: &Project, store: &Store, s: &Seed) {
    // Unknown person: exit 2, one sentence, nothing changed, nothing recorded.
    let before = store.responses(None).await.unwrap();
    for args in [
        &["privacy", "export", "--person", "niemand@example.org"][..],
        &[
            "privacy",
            "erase",
            "--person",
            "niemand@example.org",
            "--yes",
        ][..],
    ] {
        let o = p.run(args);
        fails(
            &o,
            2,
            "there is no person with e-mail address \"niemand@example.org\"",
        );
        assert!(o.stdout.is_empty());
    }
    fails(
        &p.run(&[
            "privacy",
            "export",
            "--person",
            ANNA,
            "--out",
            "/nonexistent/x.json",
        ]),
        2,
        "does not exist",
    );
    assert_eq!(store.responses(None).await.unwrap(), before);
    assert!(store.audit_log().await.unwrap().is_empty());

    // Export to standard output and to a file readable by its owner only.
    let out = ok(&p.run(&["privacy", "export", "--person", "ANNA.devries@example.org"]));
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["person"]["email"], ANNA);
    assert_eq!(j["areas"]["responses"].as_array().unwrap().len(), 2);
    assert_eq!(j["areas"]["mentions"].as_array().unwrap().len(), 2);
    let ws = &j["areas"]["workspace"];
    let mut texts: Vec<&str> = ws["slow_questions"]
        .as_array()
        .unwrap()
        .iter()
        .chain(ws["stories"].as_array().unwrap())
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    texts.sort();
    let mut want = WS_TEXTS.to_vec();
    want.sort();
    assert_eq!(texts, want);
    assert_eq!(ws["sessions_attended"].as_array().unwrap().len(), 1);
    assert_eq!(ws["votes"][0]["dots"], 2);
    let file = p.dir.path().join("anna.json");
    let msg = ok(&p.run(&[
        "privacy",
        "export",
        "--person",
        ANNA,
        "--out",
        file.to_str().unwrap(),
    ]));
    assert!(msg.contains("anna.json"), "{msg}");
    // Same data, same export: only the audit area grew (it lists the first export).
    let mut written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["areas"]["audit"][0]["action"], "privacy.export");
    let mut first = j.clone();
    written["areas"]["audit"] = serde_json::Value::Null;
    first["areas"]["audit"] = serde_json::Value::Null;
    assert_eq!(written, first);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Retention: bad input changes nothing.
    fails(
        &p.run(&[
            "retention",
            "set",
            "--wave",
            "voorjaar-2026",
            "--until",
            "2026-02-30",
        ]),
        2,
        "is not a date",
    );
    fails(
        &p.run(&[
            "retention",
            "set",
            "--wave",
            "bestaat-niet",
            "--until",
            "2027-01-01",
        ]),
        2,
        "there is no wave named \"bestaat-niet\"",
    );
    assert!(store.retention_dates().await.unwrap().is_empty());

    // Erase without --yes says what would happen and changes nothing.
    let before = store.responses(None).await.unwrap();
    let o = p.run(&["privacy", "erase", "--person", ANNA]);
    fails(&o, 2, "run again with --yes");
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("Would erase"), "{said}");
    assert!(
        said.contains("1 removed with their codings; 1 submitted kept"),
        "{said}"
    );
    assert_eq!(store.responses(None).await.unwrap(), before);
    // With --yes: wave 1's consent keeps Anna's response anonymised; wave 2's removes it.
    let said = ok(&p.run(&["privacy", "erase", "--person", ANNA, "--yes"]));
    assert!(said.contains("Erased person"), "{said}");
    assert!(
        said.contains("- workspace: 4 texts they wrote blanked; 1 votes and 1 attendances kept"),
        "{said}"
    );
    let stories = store.stories(None).await.unwrap();
    assert!(stories.len() == 1 && stories[0].text.is_empty() && stories[0].author.is_none());
    let sessions = store.ws_sessions(None).await.unwrap();
    assert_eq!(sessions[0].attendance, 1, "the network's count stays");
    let log = store.slow_question_log(None, None).await.unwrap();
    assert!(log.len() == 2 && log.iter().all(|q| q.text.is_empty()));
    let rs = store.responses(None).await.unwrap();
    let kept = rs
        .iter()
        .find(|r| r.id == s.anna_r1)
        .expect("kept anonymised");
    assert!(kept.respondent.starts_with("erased:"));
    assert!(!rs.iter().any(|r| r.id == s.anna_r2));
    assert!(format!("{rs:?}").contains("[verwijderd] trekt het netwerk."));
    // Nothing of Anna is left in the SQLite file or its log, not even in free pages.
    if p.url.is_none() {
        // Read by another process: opening and closing the file here would drop this
        // process's SQLite locks (POSIX locks belong to the process, not to the descriptor).
        let mut bytes = Vec::new();
        for f in ["leernet.sqlite", "leernet.sqlite-wal"] {
            let path = p.dir.path().join(f);
            if path.exists() {
                bytes.extend(Command::new("cat").arg(path).output().unwrap().stdout);
            }
        }
        assert!(bytes.len() > 4096, "the database file was read");
        let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        for needle in [ANNA, "Anna de Vries", WS_TEXTS[0], WS_TEXTS[1], WS_TEXTS[2]] {
            assert!(!has(needle), "{needle:?} is still in the database file");
        }
        assert!(has("Samen leren werkt."), "others' answers stay");
    }
    fails(
        &p.run(&["privacy", "export", "--person", ANNA]),
        2,
        "there is no person",
    );

    // Pseudonymising an open wave is refused (exit 1); a closed one gets codes and a key file.
    let key = p.dir.path().join("sleutel.json");
    fails(
        &p.run(&[
            "privacy",
            "pseudonymise",
            "--wave",
            "najaar-2026",
            "--key-out",
            key.to_str().unwrap(),
        ]),
        1,
        "not closed",
    );
    assert!(!key.exists());
    store
        .set_wave_status(s.wave2, WaveStatus::Closed)
        .await
        .unwrap();
    let msg = ok(&p.run(&[
        "privacy",
        "pseudonymise",
        "--wave",
        "najaar-2026",
        "--key-out",
        key.to_str().unwrap(),
    ]));
    assert!(msg.contains("1 responses got a code"), "{msg}");
    let k: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    let carla_code = k["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["email"] == "carla@example.org")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = hex::decode(k["key"].as_str().unwrap()).unwrap();
    assert_eq!(
        leernet_store::privacy::pseudonym_code(&secret, "carla@example.org"),
        carla_code
    );
    let r2 = store.responses(Some(s.wave2)).await.unwrap();
    assert_eq!(r2.len(), 1);
    assert_eq!(r2[0].answers["open"], "[verwijderd] trekt het netwerk.");
    assert_eq!(
        store.pseudonyms(s.wave2).await.unwrap(),
        [(r2[0].id, carla_code.clone())]
    );
    // The same key file again (wave 1, closed): the same person gets the same code.
    store
        .set_wave_status(s.wave1, WaveStatus::Closed)
        .await
        .unwrap();
    ok(&p.run(&[
        "privacy",
        "pseudonymise",
        "--wave",
        "voorjaar-2026",
        "--key-out",
        key.to_str().unwrap(),
    ]));
    let carla1 = store.pseudonyms(s.wave1).await.unwrap();
    assert!(carla1.iter().any(|(_, c)| *c == carla_code), "{carla1:?}");
    // Carla's address is gone from leernet now; with the key she is found by her code.
    fails(
        &p.run(&["privacy", "export", "--person", "carla@example.org"]),
        2,
        "there is no person",
    );
    let out = ok(&p.run(&[
        "privacy",
        "export",
        "--person",
        "carla@example.org",
        "--key",
        key.to_str().unwrap(),
    ]));
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rs = j["areas"]["responses"].as_array().unwrap();
    assert_eq!(rs.len(), 2, "{out}");
    assert_eq!(rs[0]["pseudonym"], carla_code.as_str());
    let k2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    assert_eq!(k2["key"], k["key"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // Retention: set, not yet due, due, and a second run (cron) that finds nothing left.
    ok(&p.run(&[
        "retention",
        "set",
        "--wave",
        "voorjaar-2026",
        "--until",
        "2027-06-30",
    ]));
    let said = ok(&p.run(&["retention", "apply", "--today", "2027-06-30"]));
    assert!(
        said.contains("No wave's retention date has passed"),
        "{said}"
    );
    let said = ok(&p.run(&["retention", "apply", "--today", "2027-07-01"]));
    assert!(
        said.contains("removed 0 invitation addresses, 1 pseudonym codes"),
        "{said}"
    );
    assert!(store
        .invitations(Some(s.wave1))
        .await
        .unwrap()
        .iter()
        .all(|i| i.email.is_none()));
    let said = ok(&p.run(&["retention", "apply", "--today", "2027-07-02"]));
    assert!(said.contains("nothing left to remove"), "{said}");
    fails(
        &p.run(&["retention", "apply", "--today", "morgen"]),
        2,
        "is not a date",
    );

    // The audit log: every action once, by the command-line user, without addresses.
    let out = ok(&p.run(&["audit", "list", "--json"]));
    let log: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "privacy.export",
            "privacy.export",
            "privacy.erase",
            "privacy.pseudonymise",
            "privacy.pseudonymise",
            "privacy.export",
            "retention.set",
            "retention.apply"
        ]
    );
    assert!(log.iter().all(|e| e["actor"] == "cli:onderzoeker"));
    assert!(!out.contains('@') && !out.contains("Anna"));
    let text = ok(&p.run(&["audit", "list"]));
    assert_eq!(text.lines().count(), 8);
    assert!(text.lines().nth(2).unwrap().contains("privacy.erase"));

    // Giving and changing a role at the command line is recorded too.
    for role in ["coordinator", "researcher", "researcher"] {
        let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
        c.args(["--project", p.dir.path().to_str().unwrap()])
            .args(["user", "add", "--email", "dora@example.org", "--role", role])
            .env("USER", "onderzoeker")
            .env_remove("LEERNET_DATABASE_URL")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if let Some(u) = &p.url {
            c.env("LEERNET_DATABASE_URL", u);
        }
        let mut child = c.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"een lang genoeg wachtwoord\n")
            .unwrap();
        ok(&child.wait_with_output().unwrap());
    }
    let dora = store
        .account_by_email("dora@example.org")
        .await
        .unwrap()
        .unwrap();
    let roles: Vec<(String, String)> = store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "role.change")
        .map(|e| (e.subject.as_string(), e.detail))
        .collect();
    let who = format!("person:{}", dora.id.0);
    assert_eq!(
        roles,
        [
            (who.clone(), "from=none to=coordinator".to_owned()),
            (who, "from=coordinator to=researcher".to_owned()),
        ]
    );

    // Data leaving by `leernet export` and coming in by `leernet import` is recorded, with
    // the wave and counts only.
    let csv = p.dir.path().join("najaar.csv");
    ok(&p.run(&[
        "export",
        "--format",
        "csv",
        "--instrument",
        "leden_b",
        "--wave",
        "najaar-2026",
        "--out",
        csv.to_str().unwrap(),
    ]));
    let input = p.dir.path().join("in.csv");
    std::fs::write(&input, "id,network,open\nx1,wijk-a,Goed idee\n").unwrap();
    ok(&p.run(&[
        "import",
        "responses",
        input.to_str().unwrap(),
        "--instrument",
        "leden_b",
        "--format",
        "csv",
        "--wave",
        "import-2027",
        "--network-column",
        "network",
    ]));
    let imported = store
        .waves()
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.name == "import-2027")
        .unwrap();
    let log = store.audit_log().await.unwrap();
    let subjects: Vec<String> = log.iter().map(|e| e.subject.as_string()).collect();
    let last: Vec<(&str, &str, &str, &str)> = log[log.len() - 2..]
        .iter()
        .zip(&subjects[log.len() - 2..])
        .map(|(e, subject)| {
            (
                e.action.as_str(),
                e.actor.as_str(),
                subject.as_str(),
                e.detail.as_str(),
            )
        })
        .collect();
    let w2 = format!("wave:{}", s.wave2.0);
    let wi = format!("wave:{}", imported.id.0);
    assert_eq!(
        last,
        [
            (
                "responses.export",
                "cli:onderzoeker",
                w2.as_str(),
                "format=csv rows=1 waves=1"
            ),
            (
                "responses.import",
                "cli:onderzoeker",
                wi.as_str(),
                "format=csv added=1 already=0 wave_created=true"
            ),
        ]
    );
}
