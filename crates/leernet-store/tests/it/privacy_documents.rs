//! Documents in a privacy export and erase, on every back end (issue 20): the person's
//! speaker turns are exported; an erase replaces their name — as a speaker and in the text —
//! by a marker of the same length, so every coding still covers the same characters.

use leernet_core::*;
use leernet_store::privacy::ErasePlan;
use leernet_store::retrieval::SpeakerRole;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    a_speaker_is_exported_and_erased_with_offsets_kept => documents_privacy_story,
);

const TEXT: &str = "Interviewer: Wie ben je?\nSanne de Vries: Ik ben Sanne de Vries 😀 en ik leer graag.\nInterviewer: Dank je, sanne de vries.";

fn span(what: &str) -> (usize, usize) {
    let b = TEXT.find(what).expect(what);
    let s = TEXT[..b].chars().count();
    (s, s + what.chars().count())
}

async fn documents_privacy_story(store: &Store) {
    let sanne = store
        .add_person(&NewPerson {
            email: Email::parse("sanne@example.org").unwrap(),
            name: "Sanne de Vries".into(),
            role: Role::Member,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let coder = store
        .add_person(&NewPerson {
            email: Email::parse("anna@example.org").unwrap(),
            name: "Anna".into(),
            role: Role::Researcher,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    store
        .add_codebook(
            "c",
            &[NewCode {
                key: "leren".into(),
                name: Bilingual {
                    nl: "leren".into(),
                    en: "learning".into(),
                },
                ..Default::default()
            }],
        )
        .await
        .unwrap();
    let code = store.codebooks().await.unwrap()[0].codes[0].id;
    let mut turns = Vec::new();
    for (speaker, said) in [
        ("Interviewer", "Wie ben je?"),
        (
            "Sanne de Vries",
            "Ik ben Sanne de Vries 😀 en ik leer graag.",
        ),
        ("Interviewer", "Dank je, sanne de vries."),
    ] {
        let (start, end) = span(said);
        turns.push(Turn {
            speaker: speaker.into(),
            start,
            end,
        });
    }
    let doc = store
        .add_documents(&[NewDocument {
            title: "Interview".into(),
            kind: DocumentKind::Interview,
            network: None,
            workplace: None,
            wave: None,
            date: None,
            file_name: "i.txt".into(),
            format: "txt".into(),
            text: TEXT.into(),
            turns,
        }])
        .await
        .unwrap()[0];
    store
        .set_speaker_role(doc, "Sanne de Vries", Some(SpeakerRole::Member))
        .await
        .unwrap();
    let (s, e) = span("en ik leer graag");
    store
        .add_document_codings(&[NewDocumentCoding {
            span: DocumentSpan {
                document: doc,
                start: s,
                end: e,
            },
            code,
            coder,
            memo: String::new(),
        }])
        .await
        .unwrap();
    let before = store.document(doc).await.unwrap().unwrap();

    // The export lists the speaker turn (their name as the speaker) and the mentions.
    let subject = store.privacy_subject("sanne@example.org").await.unwrap();
    assert_eq!(subject.id, Some(sanne));
    let ex = store
        .export_person(&subject, &Actor::Cli("t".into()), 10)
        .await
        .unwrap()
        .to_json();
    let d = &ex["areas"]["documents"];
    let turns = d["speaker_turns"].as_array().unwrap();
    assert_eq!(turns.len(), 1, "{d}");
    assert_eq!(turns[0]["speaker"], "Sanne de Vries");
    assert_eq!(
        turns[0]["text"],
        "Ik ben Sanne de Vries 😀 en ik leer graag."
    );
    assert_eq!(turns[0]["title"], "Interview");
    assert_eq!(d["mentioned_in"][0]["mentions"], 3, "{d}");

    // The erase: the name becomes a marker of its length everywhere in the document.
    let plan = ErasePlan {
        subject,
        keep_anonymised: Default::default(),
    };
    let dry = store
        .erase_person(&plan, &Actor::Cli("t".into()), 11, true)
        .await
        .unwrap();
    assert_eq!(dry.count("documents", "texts_changed"), 1);
    assert_eq!(
        store.document(doc).await.unwrap().unwrap(),
        before,
        "a dry run changes nothing"
    );
    let r = store
        .erase_person(&plan, &Actor::Cli("t".into()), 12, false)
        .await
        .unwrap();
    assert_eq!(r.count("documents", "texts_changed"), 1);
    assert_eq!(r.count("documents", "speaker_labels_replaced"), 1);
    let after = store.document(doc).await.unwrap().unwrap();
    assert!(
        !after.text.to_lowercase().contains("sanne"),
        "{}",
        after.text
    );
    assert!(!after.text.contains("Vries"));
    assert_eq!(after.text.chars().count(), TEXT.chars().count());
    assert_eq!(after.info.chars, before.info.chars);
    assert_eq!(
        after.text,
        "Interviewer: Wie ben je?\n[————————————]: Ik ben [————————————] 😀 en ik leer graag.\nInterviewer: Dank je, [————————————]."
    );
    // Turns keep their spans; the speaker is the marker.
    assert_eq!(after.turns.len(), 3);
    for (a, b) in after.turns.iter().zip(&before.turns) {
        assert_eq!((a.start, a.end), (b.start, b.end));
    }
    assert_eq!(after.turns[1].speaker, "[————————————]");
    assert_eq!(after.turns[0].speaker, "Interviewer");
    let roles = store.speaker_roles().await.unwrap();
    assert_eq!(
        roles.get(&(doc, "[————————————]".to_owned())),
        Some(&SpeakerRole::Member)
    );
    // The coding still covers the same words.
    let p = store.passages(code, false).await.unwrap();
    assert_eq!(p[0].text, "en ik leer graag");
}

on_every_backend!(
    a_speaker_linked_to_a_person_is_exported_and_erased => linked_speaker_story,
);

const LINKED: &str = "Interviewer: Hoe gaat het, Anna?\nAnna: Goed 😀, we leren samen.\nInterviewer: Mooi zo.\nBram: Ik ook.";

fn linked_span(what: &str) -> (usize, usize) {
    let b = LINKED.find(what).expect(what);
    let s = LINKED[..b].chars().count();
    (s, s + what.chars().count())
}

/// A speaker label that is not a full name ("Anna", "Interviewer") is linked to a person —
/// an account, or someone invited by address only —; the person's export holds the turns they
/// spoke, and their erase masks those turns (same length) and the label, nothing else.
async fn linked_speaker_story(store: &Store) {
    use leernet_store::retrieval::SpeakerPerson;
    let anna = store
        .add_person(&NewPerson {
            email: Email::parse("anna@example.org").unwrap(),
            name: "Anna Jansen".into(),
            role: Role::Member,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let coder = store
        .add_person(&NewPerson {
            email: Email::parse("c@example.org").unwrap(),
            name: "Coder".into(),
            role: Role::Researcher,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    store
        .add_codebook(
            "c",
            &[NewCode {
                key: "leren".into(),
                name: Bilingual {
                    nl: "leren".into(),
                    en: "learning".into(),
                },
                ..Default::default()
            }],
        )
        .await
        .unwrap();
    let code = store.codebooks().await.unwrap()[0].codes[0].id;
    let mut turns = Vec::new();
    for (speaker, said) in [
        ("Interviewer", "Hoe gaat het, Anna?"),
        ("Anna", "Goed 😀, we leren samen."),
        ("Interviewer", "Mooi zo."),
        ("Bram", "Ik ook."),
    ] {
        let (start, end) = linked_span(said);
        turns.push(Turn {
            speaker: speaker.into(),
            start,
            end,
        });
    }
    let doc = store
        .add_documents(&[NewDocument {
            title: "Gesprek".into(),
            kind: DocumentKind::Interview,
            network: None,
            workplace: None,
            wave: None,
            date: None,
            file_name: "g.txt".into(),
            format: "txt".into(),
            text: LINKED.into(),
            turns,
        }])
        .await
        .unwrap()[0];
    // A label that does not speak is refused.
    assert!(store
        .set_speaker_person(doc, "Carla", Some(SpeakerPerson::Account(anna)))
        .await
        .is_err());
    store
        .set_speaker_person(doc, "Anna", Some(SpeakerPerson::Account(anna)))
        .await
        .unwrap();
    store
        .set_speaker_person(
            doc,
            "Bram",
            Some(SpeakerPerson::Invitee("Bram@Example.org".into())),
        )
        .await
        .unwrap();
    // Linked and unlinked again: nothing is left of the link.
    store
        .set_speaker_person(doc, "Interviewer", Some(SpeakerPerson::Account(coder)))
        .await
        .unwrap();
    store
        .set_speaker_person(doc, "Interviewer", None)
        .await
        .unwrap();
    let people = store.speaker_people().await.unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(
        people.get(&(doc, "Anna".to_owned())),
        Some(&SpeakerPerson::Account(anna))
    );
    assert_eq!(
        people.get(&(doc, "Bram".to_owned())),
        Some(&SpeakerPerson::Invitee("bram@example.org".into()))
    );
    // Codings on the interviewer's turns.
    let mut codings = Vec::new();
    for what in ["Hoe gaat het", "Mooi zo"] {
        let (start, end) = linked_span(what);
        codings.push(NewDocumentCoding {
            span: DocumentSpan {
                document: doc,
                start,
                end,
            },
            code,
            coder,
            memo: String::new(),
        });
    }
    store.add_document_codings(&codings).await.unwrap();

    let subject = store.privacy_subject("anna@example.org").await.unwrap();
    let ex = store
        .export_person(&subject, &Actor::Cli("t".into()), 10)
        .await
        .unwrap()
        .to_json();
    let turns = ex["areas"]["documents"]["speaker_turns"]
        .as_array()
        .unwrap();
    assert_eq!(turns.len(), 1, "{turns:?}");
    assert_eq!(turns[0]["title"], "Gesprek");
    assert_eq!(turns[0]["speaker"], "Anna");
    assert_eq!(turns[0]["text"], "Goed 😀, we leren samen.");

    let plan = ErasePlan {
        subject,
        keep_anonymised: Default::default(),
    };
    let r = store
        .erase_person(&plan, &Actor::Cli("t".into()), 12, false)
        .await
        .unwrap();
    assert_eq!(r.count("documents", "speaker_labels_replaced"), 1);
    assert_eq!(r.count("documents", "turns_removed"), 1);
    let after = store.document(doc).await.unwrap().unwrap();
    assert_eq!(after.text.chars().count(), LINKED.chars().count());
    assert_eq!(
        after.text,
        format!(
            "Interviewer: Hoe gaat het, [——]?\n[——]: [{}]\nInterviewer: Mooi zo.\nBram: Ik ook.",
            "—".repeat(21)
        )
    );
    assert_eq!(after.turns[1].speaker, "[——]");
    assert_eq!(after.turns[3].speaker, "Bram");
    // Codings on the other turns still cover the same words.
    let p = store.passages(code, false).await.unwrap();
    let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["Hoe gaat het", "Mooi zo"]);
    // Her link is gone; Bram's stays.
    let people = store.speaker_people().await.unwrap();
    assert_eq!(people.len(), 1);
    assert!(people.contains_key(&(doc, "Bram".to_owned())));

    // Bram, invited by address only, is found by it: his turn is his.
    let bram_subject = leernet_store::privacy::Subject {
        id: None,
        audit_key: AuditSubject::Invitation(1),
        email: "bram@example.org".into(),
        name: String::new(),
        pseudonyms: vec![],
    };
    let ex = store
        .export_person(&bram_subject, &Actor::Cli("t".into()), 13)
        .await
        .unwrap()
        .to_json();
    let turns = ex["areas"]["documents"]["speaker_turns"]
        .as_array()
        .unwrap();
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0]["text"], "Ik ook.");
}
