//! Many studies on one installation, from the command line, on both back ends: a project of
//! the previous release becomes an installation with one study on its first command, losing
//! nothing; `study add|list|archive`, `role give|take` and `--study` work; a command with
//! `--study` touches only that study's database; a role in one study gives nothing in
//! another; and a password set in one study works in every study the person has a role in.

use leernet_core::{Email, Role, Slug};
use leernet_store::{
    Backend, Installation, NewNetwork, NewPerson, NewWorkplace, Store, StoreOptions, Study,
};
use leernet_testkit::{test_backends, TestDb};
use std::process::{Command, Output, Stdio};

struct Project {
    dir: tempfile::TempDir,
    /// The database's URL, for `LEERNET_DATABASE_URL`.
    url: String,
}

impl Project {
    fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, "")
    }

    fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_leernet"))
            .args(["--project", self.dir.path().to_str().unwrap()])
            .args(args)
            .env("USER", "onderzoeker")
            .env("LEERNET_DATABASE_URL", &self.url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    async fn installation(&self, backend: Backend) -> Installation {
        let url = match backend {
            Backend::Sqlite => Installation::url_beside(&self.url),
            Backend::Postgres => self.url.clone(),
        };
        Installation::connect_with(&url, &StoreOptions::default())
            .await
            .unwrap()
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

fn fails(o: &Output, code: i32, needles: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
}

/// Every row of every table of a study (the backup format: identical rows, identical
/// bytes).
async fn rows(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    out
}

/// A project as the previous release leaves one: a Werkplaats, a network and two people
/// with passwords, made by today's store.
async fn legacy(store: &Store) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noordkust").unwrap(),
            name: "Werkplaats Noordkust".into(),
            region: String::new(),
        })
        .await
        .unwrap();
    let net = store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-a").unwrap(),
            name: "Netwerk Wijk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    for (e, role, networks) in [
        ("lead", Role::Researcher, vec![]),
        ("fenna", Role::Facilitator, vec![net]),
    ] {
        store
            .add_person(&NewPerson {
                email: Email::parse(&format!("{e}@example.org")).unwrap(),
                name: e.into(),
                role,
                networks,
                password_hash: Some(format!("$argon2id$v=19$m=19456,t=2,p=1$old-{e}")),
            })
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_studies_from_the_command_line() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let p = Project {
            dir: tempfile::tempdir().unwrap(),
            url: db.url.clone(),
        };
        std::fs::write(
            p.dir.path().join("leernet.toml"),
            "[project]\nname = \"Netwerken 2026\"\n",
        )
        .unwrap();
        let store = Store::connect(&db.url).await.unwrap();
        legacy(&store).await;
        story(&p, &store, backend).await;
        store.close().await;
        db.drop_database().await;
    }
}

async fn fenna_id(inst: &Installation) -> leernet_core::PersonId {
    inst.account_by_email("fenna@example.org")
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn study(inst: &Installation, slug: &str) -> Study {
    inst.study_by_slug(&Slug::parse(slug).unwrap())
        .await
        .unwrap()
        .unwrap()
}

async fn story(p: &Project, a: &Store, backend: Backend) {
    let before = rows(a).await;

    // The first command makes the installation, with the project's database as its study,
    // named after the project; the study's database is as it was.
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&p.run(&["study", "list", "--json"]))).unwrap();
    assert_eq!(
        listed,
        serde_json::json!([{"slug": "netwerken-2026", "title_nl": "Netwerken 2026",
            "title_en": "Netwerken 2026", "state": "active"}])
    );
    assert_eq!(rows(a).await, before);
    let inst = p.installation(backend).await;
    let accounts = inst.accounts().await.unwrap();
    let persons = a.persons().await.unwrap();
    assert_eq!(
        accounts
            .iter()
            .map(|x| (x.id, &x.email))
            .collect::<Vec<_>>(),
        persons.iter().map(|x| (x.id, &x.email)).collect::<Vec<_>>()
    );
    inst.close().await;
    // With one study, every command works without --study, as before.
    assert!(ok(&p.run(&["network", "list"])).contains("wijk-a"));

    // A second study: its own database.
    let out = ok(&p.run(&["study", "add", "vervolg", "--title", "Vervolgonderzoek"]));
    assert!(out.contains("vervolg"), "{out}");
    fails(
        &p.run(&["study", "add", "vervolg", "--title", "Nog eens"]),
        1,
        &["vervolg"],
    );
    // Now a study command needs --study: a missing or wrong one names the studies.
    fails(
        &p.run(&["network", "list"]),
        2,
        &["--study", "netwerken-2026", "vervolg"],
    );
    fails(
        &p.run(&["--study", "elders", "network", "list"]),
        2,
        &["\"elders\"", "netwerken-2026", "vervolg"],
    );
    assert!(ok(&p.run(&["--study", "vervolg", "network", "list"])).contains("no networks yet"));

    // Commands with --study vervolg write into that study's database only.
    ok(&p.run(&[
        "--study",
        "vervolg",
        "workplace",
        "add",
        "--slug",
        "zuidkust",
        "--name",
        "Werkplaats Zuidkust",
    ]));
    ok(&p.run(&[
        "--study",
        "vervolg",
        "network",
        "add",
        "--slug",
        "haven",
        "--name",
        "Netwerk Haven",
        "--workplace",
        "zuidkust",
    ]));
    // A network of the first study takes part in the second too: one network.
    let out = ok(&p.run(&[
        "--study",
        "vervolg",
        "network",
        "add",
        "--slug",
        "wijk-a",
        "--name",
        "Netwerk Wijk A",
        "--workplace",
        "noordkust",
    ]));
    assert!(out.contains("same network"), "{out}");
    // A role in vervolg for the first study's lead, and a new member there.
    ok(&p.run(&[
        "role",
        "give",
        "--study",
        "vervolg",
        "--email",
        "lead@example.org",
        "--role",
        "coordinator",
        "--network",
        "haven",
    ]));
    ok(&p.run_with_input(
        &[
            "--study",
            "vervolg",
            "user",
            "add",
            "--email",
            "nieuw@example.org",
            "--role",
            "member",
            "--network",
            "wijk-a",
        ],
        "een lang genoeg wachtwoord\n",
    ));
    fails(
        &p.run(&[
            "role",
            "give",
            "--study",
            "vervolg",
            "--email",
            "fenna@example.org",
            "--role",
            "facilitator",
            "--network",
            "nergens",
        ]),
        1,
        &["nergens"],
    );
    // The first study's database did not change.
    assert_eq!(rows(a).await, before);

    let inst = p.installation(backend).await;
    let first = study(&inst, "netwerken-2026").await;
    let second = study(&inst, "vervolg").await;
    let b = inst.open_study(&second).await.unwrap();
    let in_a = a.networks().await.unwrap();
    let in_b = b.networks().await.unwrap();
    let wijk_a = |ns: &[leernet_core::Network]| {
        ns.iter()
            .find(|n| n.slug.as_str() == "wijk-a")
            .map(|n| n.id)
            .unwrap()
    };
    assert_eq!(wijk_a(&in_a), wijk_a(&in_b), "one network, one id");
    assert_eq!(in_b.len(), 2);
    // Only those with a role in vervolg are people there; fenna, who has a role in the
    // first study only, is not.
    let people_b = b.persons().await.unwrap();
    let emails_b: Vec<&str> = people_b.iter().map(|x| x.email.as_str()).collect();
    assert_eq!(emails_b, ["lead@example.org", "nieuw@example.org"]);
    let lead_a = a
        .account_by_email("lead@example.org")
        .await
        .unwrap()
        .unwrap();
    let lead_b = b
        .account_by_email("lead@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lead_a.id, lead_b.id);
    assert_eq!(
        (lead_a.role, lead_b.role),
        (Role::Researcher, Role::Coordinator)
    );
    assert!(a
        .account_by_email("nieuw@example.org")
        .await
        .unwrap()
        .is_none());
    assert!(b
        .account_by_email("fenna@example.org")
        .await
        .unwrap()
        .is_none());
    assert_eq!(inst.roles(first.id).await.unwrap().len(), 2);
    assert_eq!(inst.roles(second.id).await.unwrap().len(), 2);

    // A password set in one study works in every study the person has a role in.
    ok(&p.run_with_input(
        &[
            "--study",
            "vervolg",
            "user",
            "add",
            "--email",
            "lead@example.org",
            "--role",
            "coordinator",
        ],
        "een ander lang wachtwoord\n",
    ));
    let hash = inst
        .account_by_email("lead@example.org")
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    assert!(leernet_app::accounts::verify_password(
        "een ander lang wachtwoord",
        &hash
    ));
    for s in [a, &b] {
        let acc = s
            .account_by_email("lead@example.org")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(acc.password_hash.as_deref(), Some(hash.as_str()));
    }
    // ... which changed the first study's row of lead, and nothing else there.
    assert_eq!(
        a.account_by_email("lead@example.org")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Researcher
    );

    // Taking the role: lead can no longer log in to vervolg, but still to the first study.
    ok(&p.run(&[
        "role",
        "take",
        "--study",
        "vervolg",
        "--email",
        "lead@example.org",
    ]));
    assert_eq!(
        b.account_by_email("lead@example.org")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        None
    );
    assert!(a
        .account_by_email("lead@example.org")
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .is_some());
    b.close().await;

    // A person's export across every study: the installation's account and roles, and
    // what each study holds about them.
    let file = p.dir.path().join("lead.json");
    let said = ok(&p.run(&[
        "privacy",
        "export",
        "--person",
        "LEAD@example.org",
        "--all-studies",
        "--out",
        file.to_str().unwrap(),
    ]));
    assert!(said.contains("in 2 studies"), "{said}");
    let whole: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        whole["installation"]["account"]["email"], "lead@example.org",
        "{whole}"
    );
    let roles: Vec<&str> = whole["installation"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["study"].as_str().unwrap())
        .collect();
    // the role in vervolg was taken above; that study still holds what they did there
    assert_eq!(roles, ["netwerken-2026"]);
    let studies = whole["studies"].as_object().unwrap();
    assert_eq!(studies.len(), 2, "{whole}");
    assert!(studies.contains_key("vervolg"));
    for (slug, export) in studies {
        assert!(
            export.to_string().contains("lead@example.org"),
            "{slug}: the study's export is about the person: {export}"
        );
    }

    // Archived, vervolg is no longer picked without --study, but still listed.
    ok(&p.run(&["study", "archive", "vervolg"]));
    assert!(ok(&p.run(&["network", "list"])).contains("wijk-a"));
    let listed = ok(&p.run(&["study", "list"]));
    assert!(listed.contains("archived"), "{listed}");
    // It can be read, but nothing changes it: a change is refused before the installation
    // is written, and its database stays as it was.
    let b = inst
        .open_study(&study(&inst, "vervolg").await)
        .await
        .unwrap();
    assert!(b.is_read_only());
    let b_before = rows(&b).await;
    assert!(ok(&p.run(&["--study", "vervolg", "network", "list"])).contains("haven"));
    let networks_before = inst.networks().await.unwrap().len();
    fails(
        &p.run(&[
            "--study",
            "vervolg",
            "network",
            "add",
            "--slug",
            "dorp",
            "--name",
            "Netwerk Dorp",
            "--workplace",
            "zuidkust",
        ]),
        1,
        &["archived", "leernet study activate"],
    );
    fails(
        &p.run(&[
            "role",
            "give",
            "--study",
            "vervolg",
            "--email",
            "fenna@example.org",
            "--role",
            "member",
            "--network",
            "haven",
        ]),
        1,
        &["archived"],
    );
    assert_eq!(inst.networks().await.unwrap().len(), networks_before);
    assert!(inst.roles_of(fenna_id(&inst).await).await.unwrap().len() == 1);
    // The database refuses a write of its own accord too (not only the commands' check).
    let refused = b
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("oostkust").unwrap(),
            name: "Werkplaats Oostkust".into(),
            region: String::new(),
        })
        .await;
    assert!(
        matches!(refused, Err(leernet_store::StoreError::ReadOnly)),
        "{backend:?}: {refused:?}"
    );
    assert_eq!(rows(&b).await, b_before);
    b.close().await;
    // Made active again, it can be changed; archived once more for what follows.
    assert!(ok(&p.run(&["study", "activate", "vervolg"])).contains("active again"));
    ok(&p.run(&[
        "--study",
        "vervolg",
        "network",
        "add",
        "--slug",
        "dorp",
        "--name",
        "Netwerk Dorp",
        "--workplace",
        "zuidkust",
    ]));
    ok(&p.run(&["study", "archive", "vervolg"]));
    let log: Vec<String> = inst
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log.first().map(String::as_str), Some("study.adopt"));
    assert!(log.iter().any(|a| a == "study.add"));
    assert!(log.iter().any(|a| a == "role.take"));
    assert_eq!(log.last().map(String::as_str), Some("study.archive"));
    assert!(log.iter().any(|a| a == "study.activate"));

    // The whole installation in one backup (archived vervolg too), restored into an empty
    // project: the same accounts, studies, audit log and rows.
    let whole_file = p.dir.path().join("whole.backup");
    let said = ok(&p.run(&[
        "backup",
        "--out",
        whole_file.to_str().unwrap(),
        "--all-studies",
    ]));
    assert!(said.contains("2 studies"), "{said}");
    let restored_db = TestDb::new(backend).await;
    let q = Project {
        dir: tempfile::tempdir().unwrap(),
        url: restored_db.url.clone(),
    };
    std::fs::write(
        q.dir.path().join("leernet.toml"),
        "[project]\nname = \"Elders\"\n",
    )
    .unwrap();
    // A file cut short is refused before anything is written.
    let bytes = std::fs::read(&whole_file).unwrap();
    let cut = p.dir.path().join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    fails(
        &q.run(&["restore", cut.to_str().unwrap()]),
        2,
        &["cut off or changed", "nothing was restored"],
    );
    let said = ok(&q.run(&["restore", whole_file.to_str().unwrap()]));
    assert!(said.contains("2 studies"), "{said}");
    let qi = q.installation(backend).await;
    assert_eq!(qi.accounts().await.unwrap(), inst.accounts().await.unwrap());
    let shape = |v: Vec<Study>| {
        v.into_iter()
            .map(|s| (s.slug, s.title, s.state, s.created_at))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        shape(qi.studies().await.unwrap()),
        shape(inst.studies().await.unwrap())
    );
    assert_eq!(
        format!("{:?}", qi.audit_log().await.unwrap()),
        format!("{:?}", inst.audit_log().await.unwrap())
    );
    for slug in ["netwerken-2026", "vervolg"] {
        let from = inst.open_study(&study(&inst, slug).await).await.unwrap();
        let to = qi.open_study(&study(&qi, slug).await).await.unwrap();
        assert_eq!(rows(&to).await, rows(&from).await, "{slug}");
        from.close().await;
        to.close().await;
    }
    qi.close().await;
    // The restored project answers as the old one did; a second restore is refused.
    assert!(ok(&q.run(&["--study", "vervolg", "network", "list"])).contains("haven"));
    fails(
        &q.run(&["restore", whole_file.to_str().unwrap()]),
        2,
        &["already holds studies"],
    );
    restored_db.drop_database().await;

    // Fenna has a role in the first study only: her export across studies holds that study
    // alone (a study that holds nothing about her is left out, not an error).
    let whole: serde_json::Value = serde_json::from_str(&ok(&p.run(&[
        "privacy",
        "export",
        "--person",
        "fenna@example.org",
        "--all-studies",
    ])))
    .unwrap();
    let slugs: Vec<&String> = whole["studies"].as_object().unwrap().keys().collect();
    assert_eq!(slugs, ["netwerken-2026"], "{whole}");

    // Erasing lead from every study (archived vervolg too) and the installation. First
    // without --yes: it says what it would do and changes nothing.
    let lead_id = inst
        .account_by_email("lead@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let b = inst.open_study(&second).await.unwrap();
    let (a_before, b_before) = (rows(a).await, rows(&b).await);
    let dry = p.run(&[
        "privacy",
        "erase",
        "--person",
        "lead@example.org",
        "--all-studies",
    ]);
    fails(&dry, 2, &["run again with --yes"]);
    let said = String::from_utf8_lossy(&dry.stdout);
    for needle in [
        "In study netwerken-2026: Would erase",
        "In study vervolg: Would erase",
        "In the installation: Would erase account",
    ] {
        assert!(said.contains(needle), "{needle:?} not in {said}");
    }
    assert_eq!(rows(a).await, a_before, "a dry run changes nothing");
    assert_eq!(rows(&b).await, b_before, "a dry run changes nothing");
    assert!(inst
        .account_by_email("lead@example.org")
        .await
        .unwrap()
        .is_some());

    let said = ok(&p.run(&[
        "privacy",
        "erase",
        "--person",
        "LEAD@example.org",
        "--all-studies",
        "--yes",
    ]));
    assert!(
        said.contains("In the installation: Erased account"),
        "{said}"
    );
    for s in [a, &b] {
        assert!(s
            .account_by_email("lead@example.org")
            .await
            .unwrap()
            .is_none());
    }
    assert!(inst
        .account_by_email("lead@example.org")
        .await
        .unwrap()
        .is_none());
    assert!(inst.roles_of(lead_id).await.unwrap().is_empty());
    let emptied = inst.account(lead_id).await.unwrap().unwrap();
    assert_eq!(emptied.password_hash, None);
    assert!(!emptied.name.contains("lead"), "{emptied:?}");
    let last = inst.audit_log().await.unwrap().pop().unwrap();
    assert_eq!(last.action, "account.erase");
    assert_eq!(last.subject, format!("account:{}", lead_id.0));
    assert!(!format!("{last:?}").contains("lead@"), "{last:?}");
    // Fenna, in the same study, is untouched.
    assert!(a
        .account_by_email("fenna@example.org")
        .await
        .unwrap()
        .is_some());
    // Nothing is left to erase: a second run says so and changes nothing.
    fails(
        &p.run(&[
            "privacy",
            "erase",
            "--person",
            "lead@example.org",
            "--all-studies",
            "--yes",
        ]),
        2,
        &["no study of the installation", "lead@example.org"],
    );
    b.close().await;

    // An installation administrator, and a study made with its lead researcher (an account
    // of the installation, checked before anything is made).
    let said = ok(&p.run(&["admin", "give", "--email", "fenna@example.org"]));
    assert!(said.contains("administrator"), "{said}");
    let admins = inst.admins().await.unwrap();
    assert_eq!(admins.len(), 1);
    assert!(admins[0].admin);
    fails(
        &p.run(&["admin", "give", "--email", "niemand@example.org"]),
        1,
        &["niemand@example.org"],
    );
    fails(
        &p.run(&[
            "study",
            "add",
            "vierde",
            "--title",
            "Vierde",
            "--lead",
            "niemand@example.org",
        ]),
        1,
        &["niemand@example.org"],
    );
    assert!(inst
        .study_by_slug(&Slug::parse("vierde").unwrap())
        .await
        .unwrap()
        .is_none());
    ok(&p.run(&[
        "study",
        "add",
        "derde",
        "--title",
        "Derde onderzoek",
        "--lead",
        "fenna@example.org",
    ]));
    let third = study(&inst, "derde").await;
    let roles = inst.roles(third.id).await.unwrap();
    assert_eq!(
        (roles.len(), roles[0].role, roles[0].account),
        (1, Role::Researcher, fenna_id(&inst).await)
    );
    let said = ok(&p.run(&["admin", "take", "--email", "fenna@example.org"]));
    assert!(said.contains("no longer"), "{said}");
    assert!(inst.admins().await.unwrap().is_empty());
    inst.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restored_into_a_study_brings_its_people_into_the_installation() {
    for backend in test_backends() {
        let from_db = TestDb::new(backend).await;
        let to_db = TestDb::new(backend).await;
        let project = |url: &str| {
            let p = Project {
                dir: tempfile::tempdir().unwrap(),
                url: url.to_owned(),
            };
            std::fs::write(
                p.dir.path().join("leernet.toml"),
                "[project]\nname = \"Hersteld\"\n",
            )
            .unwrap();
            p
        };
        let from = project(&from_db.url);
        let store = Store::connect(&from_db.url).await.unwrap();
        legacy(&store).await;
        store.close().await;
        let file = from.dir.path().join("study.lnb");
        ok(&from.run(&["backup", "--out", file.to_str().unwrap()]));

        // The target is an installation already (its first command adopted the empty
        // database), then the backup is restored into its study.
        let to = project(&to_db.url);
        ok(&to.run(&["study", "list"]));
        ok(&to.run(&["restore", file.to_str().unwrap()]));
        let inst = to.installation(backend).await;
        let emails: Vec<String> = inst
            .accounts()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.email.as_str().to_owned())
            .collect();
        assert_eq!(emails, ["lead@example.org", "fenna@example.org"]);
        let study = study(&inst, "hersteld").await;
        assert_eq!(inst.roles(study.id).await.unwrap().len(), 2);
        assert_eq!(inst.study_networks(study.id).await.unwrap().len(), 1);
        inst.close().await;
        // A restored person's password can be set as anyone's.
        let out = ok(&to.run_with_input(
            &[
                "user",
                "add",
                "--email",
                "lead@example.org",
                "--role",
                "researcher",
            ],
            "een lang genoeg wachtwoord\n",
        ));
        assert!(out.starts_with("Updated"), "{out}");
        from_db.drop_database().await;
        to_db.drop_database().await;
    }
}
