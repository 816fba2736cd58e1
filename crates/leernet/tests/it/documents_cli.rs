//! `leernet import document FILE|FOLDER`: a folder of transcripts and a session report is
//! stored with its turns, normalised (no BOM, no CR) and tied to its network; a bad file —
//! empty, not what its extension says, a PDF, a text stored already — is one sentence,
//! exit 1 and nothing stored, also when the other files of the folder are fine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn leernet(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .expect("run leernet")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/fixtures/documents/files")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn documents(dir: &Path) -> Vec<leernet_core::Document> {
    let store = leernet_store::Store::connect(&format!(
        "sqlite://{}",
        dir.join("leernet.sqlite").display()
    ))
    .await
    .unwrap();
    let mut out = Vec::new();
    for d in store.documents().await.unwrap() {
        out.push(store.document(d.id).await.unwrap().unwrap());
    }
    store.close().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_of_documents_is_imported_whole_or_not_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("init")
        .arg(&dir)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    ok(&o);
    ok(&leernet(
        &dir,
        &[
            "workplace",
            "add",
            "--slug",
            "noord",
            "--name",
            "Werkplaats Noord",
        ],
    ));
    ok(&leernet(
        &dir,
        &[
            "network",
            "add",
            "--slug",
            "wijk-a",
            "--name",
            "Wijk A",
            "--workplace",
            "noord",
        ],
    ));

    // A folder with one bad file among good ones: nothing is stored.
    let mixed = tmp.path().join("mixed");
    std::fs::create_dir(&mixed).unwrap();
    for f in std::fs::read_dir(fixtures()).unwrap().flatten() {
        std::fs::copy(f.path(), mixed.join(f.file_name())).unwrap();
    }
    std::fs::write(mixed.join("zz-leeg.txt"), b"").unwrap();
    let o = leernet(
        &dir,
        &[
            "import",
            "document",
            mixed.to_str().unwrap(),
            "--kind",
            "interview",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.trim(),
        "leernet: zz-leeg.txt: the file is empty; nothing was imported"
    );
    assert!(documents(&dir).await.is_empty());

    let out = ok(&leernet(
        &dir,
        &[
            "import",
            "document",
            fixtures().to_str().unwrap(),
            "--network",
            "wijk-a",
            "--kind",
            "interview",
            "--date",
            "2026-03-14",
        ],
    ));
    assert!(out.contains("3 documents imported."), "{out}");
    let docs = documents(&dir).await;
    let titles: Vec<&str> = docs.iter().map(|d| d.info.title.as_str()).collect();
    assert_eq!(
        titles,
        ["focusgroep-wijk-a", "interview-sanne", "sessieverslag-3"]
    );
    for d in &docs {
        assert!(
            !d.text.contains('\r') && !d.text.starts_with('\u{feff}'),
            "{:?}",
            d.info.title
        );
        assert_eq!(d.info.date.as_deref(), Some("2026-03-14"));
        assert!(d.info.network.is_some());
    }
    let interview = &docs[1];
    assert_eq!(interview.turns.len(), 4);
    let said: Vec<&str> = interview
        .turns
        .iter()
        .map(|t| leernet_core::span_text(&interview.text, t.start, t.end).unwrap())
        .collect();
    assert_eq!(said[1], "We leren elkaars taal spreken 😀. Dat kost tijd.");
    assert_eq!(
        said[3],
        "Wanneer is eigen kracht te veel gevraagd? Dat vraag ik me vaak af."
    );
    let focus = &docs[0];
    assert_eq!(
        focus
            .turns
            .iter()
            .map(|t| t.speaker.as_str())
            .collect::<Vec<_>>(),
        ["Gespreksleider", "Deelnemer 1", "Deelnemer 2"]
    );
    assert!(focus
        .text
        .contains("Deelnemer 1: Ik merk dat we vaker samen optrekken met de wijkteams."));
    assert!(docs[2]
        .text
        .starts_with("Sessieverslag 3\nWe spraken over eigen kracht en samenwerking"));

    // Bad input: each one sentence, exit 1, nothing more stored.
    let pdf = tmp.path().join("beleid.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n").unwrap();
    let fake = tmp.path().join("verslag.docx");
    std::fs::write(&fake, b"Dit is gewone tekst.").unwrap();
    for (file, says) in [
        (
            fixtures().join("interview-sanne.txt"),
            "holds the same text as the stored document \"interview-sanne\"",
        ),
        (pdf, "beleid.pdf: the file is not a PDF: "),
        (
            fake,
            "the file is not a Word document (.docx): it is not a ZIP archive",
        ),
    ] {
        let o = leernet(&dir, &["import", "document", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(says) && err.trim().lines().count() == 1,
            "{err}"
        );
    }
    let o = leernet(
        &dir,
        &[
            "import",
            "document",
            fixtures().to_str().unwrap(),
            "--network",
            "nergens",
        ],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("there is no network \"nergens\""));
    assert_eq!(documents(&dir).await.len(), 3);
}

/// `leernet document speaker DOC_ID`: the speakers of a document with their turns and roles;
/// `--speaker NAME --role ROLE` sets one (retrieval's filter reads the store's roles), `none`
/// clears it; an unknown document or speaker is one sentence, exit 1, and nothing changes; a
/// role that is none, or --speaker without --role, is a usage error (exit 2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_speakers_role_is_set_and_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("init")
        .arg(&dir)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    ok(&o);
    let file = fixtures().join("focusgroep-wijk-a.vtt");
    ok(&leernet(
        &dir,
        &[
            "import",
            "document",
            file.to_str().unwrap(),
            "--kind",
            "focus_group",
        ],
    ));
    let id = documents(&dir).await[0].info.id.0.to_string();
    let roles = || async {
        let store = leernet_store::Store::connect(&format!(
            "sqlite://{}",
            dir.join("leernet.sqlite").display()
        ))
        .await
        .unwrap();
        let r = store.speaker_roles().await.unwrap();
        store.close().await;
        r
    };
    let out = ok(&leernet(&dir, &["document", "speaker", &id]));
    assert!(out.contains("Document 1 \"focusgroep-wijk-a\":"), "{out}");
    assert!(
        out.contains("\"Gespreksleider\": 1 turn, no known role"),
        "{out}"
    );

    let out = ok(&leernet(
        &dir,
        &[
            "document",
            "speaker",
            &id,
            "--speaker",
            "Gespreksleider",
            "--role",
            "facilitator",
        ],
    ));
    assert_eq!(
        out.trim(),
        "\"Gespreksleider\" speaks as facilitator in document 1 \"focusgroep-wijk-a\"."
    );
    let set = roles().await;
    assert_eq!(
        set.get(&(leernet_core::DocumentId(1), "Gespreksleider".to_owned())),
        Some(&leernet_store::retrieval::SpeakerRole::Facilitator)
    );
    let out = ok(&leernet(&dir, &["document", "speaker", &id]));
    assert!(
        out.contains("\"Gespreksleider\": 1 turn, facilitator"),
        "{out}"
    );

    // Refused: nothing changes.
    for (args, code, says) in [
        (
            vec!["--speaker", "Niemand", "--role", "member"],
            1,
            "\"Niemand\" does not speak in document 1 \"focusgroep-wijk-a\" (its speakers are \"Gespreksleider\", \"Deelnemer 1\", \"Deelnemer 2\"); nothing was changed",
        ),
        (vec!["--speaker", "Deelnemer 1", "--role", "baas"], 2, "invalid value 'baas' for '--role"),
        (vec!["--speaker", "Deelnemer 1"], 2, "--role"),
    ] {
        let mut all = vec!["document", "speaker", id.as_str()];
        all.extend(args.iter().copied());
        let o = leernet(&dir, &all);
        assert_eq!(o.status.code(), Some(code), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let o = leernet(&dir, &["document", "speaker", "99"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "leernet: there is no document 99 in this study"
    );
    assert_eq!(roles().await, set);

    // none clears it.
    let out = ok(&leernet(
        &dir,
        &[
            "document",
            "speaker",
            &id,
            "--speaker",
            "Gespreksleider",
            "--role",
            "none",
        ],
    ));
    assert!(out.contains("has no known role"), "{out}");
    assert!(roles().await.is_empty());
}

/// `leernet document speaker DOC_ID --speaker NAME --person EMAIL`: a speaker label is linked
/// to a person of the study (an account, or someone invited by address), listed with them,
/// and unlinked with `--person none`; an address nobody has is one sentence, exit 1, and
/// nothing changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_speaker_is_linked_to_a_person() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("init")
        .arg(&dir)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    ok(&o);
    let file = fixtures().join("focusgroep-wijk-a.vtt");
    ok(&leernet(
        &dir,
        &["import", "document", file.to_str().unwrap()],
    ));
    let connect = || async {
        leernet_store::Store::connect(&format!(
            "sqlite://{}",
            dir.join("leernet.sqlite").display()
        ))
        .await
        .unwrap()
    };
    let store = connect().await;
    let mila = store
        .add_person(&leernet_store::NewPerson {
            email: leernet_core::Email::parse("mila@example.org").unwrap(),
            name: "Mila de Boer".into(),
            role: leernet_core::Role::Member,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    store.close().await;
    let people = || async {
        let store = connect().await;
        let p = store.speaker_people().await.unwrap();
        store.close().await;
        p
    };
    let link = |person: &str| {
        leernet(
            &dir,
            &[
                "document",
                "speaker",
                "1",
                "--speaker",
                "Gespreksleider",
                "--person",
                person,
            ],
        )
    };
    let out = ok(&link("MILA@example.org"));
    assert_eq!(
        out.trim(),
        "\"Gespreksleider\" is Mila de Boer in document 1 \"focusgroep-wijk-a\"."
    );
    let key = (leernet_core::DocumentId(1), "Gespreksleider".to_owned());
    assert_eq!(
        people().await.get(&key),
        Some(&leernet_store::retrieval::SpeakerPerson::Account(mila))
    );
    let out = ok(&leernet(&dir, &["document", "speaker", "1"]));
    assert!(
        out.contains("\"Gespreksleider\": 1 turn, no known role, Mila de Boer"),
        "{out}"
    );
    assert!(out.contains("\"Deelnemer 1\": "), "{out}");

    let o = link("niemand@example.org");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "leernet: nobody with address \"niemand@example.org\" has an account or an invitation in this study; nothing was changed"
    );
    assert_eq!(people().await.len(), 1);

    let out = ok(&link("none"));
    assert_eq!(
        out.trim(),
        "\"Gespreksleider\" is linked to nobody in document 1 \"focusgroep-wijk-a\" any more."
    );
    assert!(people().await.is_empty());
}
