//! Coding as shared work, on every back end: an assignment for two coders, codings inside
//! the answer only, suggestions that stay suggestions until accepted, finishing once, the
//! lead settling a consensus only after everyone finished, the decisions log, codebook
//! changes with a reason, and the slow-question register. Every refusal leaves nothing
//! half-written.

use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    blind_double_coding_to_consensus => assignment_story,
    codebook_changes_and_slow_questions_are_logged => log_story,
);

const ANSWER: &str = "We leren samen met bewoners. Wat is eigenlijk rechtvaardig?";

struct Seed {
    lead: PersonId,
    anna: PersonId,
    bram: PersonId,
    stranger: PersonId,
    network: NetworkId,
    responses: Vec<ResponseId>,
    book: CodebookId,
    codes: Vec<CodeId>,
    other_code: CodeId,
}

async fn seed(store: &Store) -> Seed {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noordkust").unwrap(),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let network = store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-a").unwrap(),
            name: "Netwerk Wijk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let mut people = Vec::new();
    for e in ["lead", "anna", "bram", "stranger"] {
        people.push(
            store
                .add_person(&NewPerson {
                    email: Email::parse(&format!("{e}@example.org")).unwrap(),
                    name: e.into(),
                    role: Role::Researcher,
                    networks: vec![],
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
    }
    let inst = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerk".into(),
                en: "Network".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: vec![1, 2, 3],
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(inst, "2026", WaveStatus::Closed)
        .await
        .unwrap();
    let resp = |n: usize, text: &str| NewResponse {
        network,
        respondent: format!("r{n}"),
        status: ResponseStatus::Submitted,
        answers: [("rationale_text".to_owned(), text.to_owned())]
            .into_iter()
            .collect(),
    };
    let responses = store
        .add_responses(wave, &[resp(1, ANSWER), resp(2, "Kort."), resp(3, "   ")])
        .await
        .unwrap();
    let code = |k: &str| NewCode {
        key: k.into(),
        parent: None,
        name: Bilingual {
            nl: k.into(),
            en: k.into(),
        },
        description: Bilingual::default(),
        ..Default::default()
    };
    let book = store
        .add_codebook("demo", &[code("theme.a"), code("theme.b")])
        .await
        .unwrap();
    store.add_codebook("other", &[code("x")]).await.unwrap();
    let books = store.codebooks().await.unwrap();
    Seed {
        lead: people[0],
        anna: people[1],
        bram: people[2],
        stranger: people[3],
        network,
        responses,
        book,
        codes: books[0].codes.iter().map(|c| c.id).collect(),
        other_code: books[1].codes[0].id,
    }
}

fn span(r: ResponseId, code: CodeId, start: usize, end: usize) -> SpanCode {
    SpanCode {
        response: r,
        code,
        start,
        end,
        memo: String::new(),
    }
}

async fn assignment_story(store: &Store) {
    let s = seed(store).await;
    let (r1, r2, blank) = (s.responses[0], s.responses[1], s.responses[2]);
    let new = |responses: Vec<ResponseId>, coders: Vec<PersonId>| NewAssignment {
        name: "Ronde 1".into(),
        question: "rationale_text".into(),
        codebook: s.book,
        lead: s.lead,
        coders,
        responses,
        at: 100,
    };
    // An answer left blank cannot be assigned; nor an assignment without coders.
    assert_eq!(
        store
            .add_assignment(&new(vec![r1, blank], vec![s.anna, s.bram]))
            .await
            .unwrap(),
        Err(Refusal::NotInAssignment)
    );
    assert_eq!(
        store.add_assignment(&new(vec![r1], vec![])).await.unwrap(),
        Err(Refusal::Incomplete)
    );
    assert!(store.assignments().await.unwrap().is_empty());
    assert!(store.coding_decisions(None).await.unwrap().is_empty());

    let id = store
        .add_assignment(&new(vec![r1, r2, r1], vec![s.bram, s.anna, s.anna]))
        .await
        .unwrap()
        .unwrap();
    let a = store.assignment(id).await.unwrap().unwrap();
    assert_eq!(a.items, vec![r1, r2], "duplicates dropped, order kept");
    assert_eq!(a.coders.len(), 2);
    assert!(a.is_coder(s.anna) && a.is_coder(s.bram) && !a.is_coder(s.lead));

    let (ca, cb) = (s.codes[0], s.codes[1]);
    let len = ANSWER.chars().count();
    // Offsets outside the text, empty spans, foreign codes, strangers, other answers: refused.
    for (who, sp, why) in [
        (s.anna, span(r1, ca, 0, len + 1), "past the end"),
        (s.anna, span(r1, ca, 5, 5), "empty"),
        (s.anna, span(r1, ca, 9, 3), "reversed"),
        (
            s.anna,
            span(r1, s.other_code, 0, 3),
            "another codebook's code",
        ),
        (s.stranger, span(r1, ca, 0, 3), "not a coder"),
        (s.lead, span(r1, ca, 0, 3), "the lead does not code"),
        (s.anna, span(blank, ca, 0, 1), "not in the assignment"),
    ] {
        assert!(
            store
                .add_assignment_coding(id, who, &sp)
                .await
                .unwrap()
                .is_err(),
            "{why}"
        );
    }
    assert_eq!(
        store
            .add_assignment_coding(id, s.anna, &span(r1, ca, 0, len + 1))
            .await
            .unwrap(),
        Err(Refusal::OutsideText {
            start: 0,
            end: len + 1,
            len
        })
    );
    assert!(store.assignment_codings(id, None).await.unwrap().is_empty());

    // Anna: codes the first sentence (a), the whole second answer (b).
    let a1 = store
        .add_assignment_coding(id, s.anna, &span(r1, ca, 0, 28))
        .await
        .unwrap()
        .unwrap();
    store
        .add_assignment_coding(id, s.anna, &span(r2, cb, 0, 5))
        .await
        .unwrap()
        .unwrap();
    // A mistake, deleted again; deleting someone else's coding is refused.
    let oops = store
        .add_assignment_coding(id, s.anna, &span(r1, cb, 29, 40))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .delete_assignment_coding(id, s.bram, oops)
            .await
            .unwrap(),
        Err(Refusal::NoCoding)
    );
    store
        .delete_assignment_coding(id, s.anna, oops)
        .await
        .unwrap()
        .unwrap();

    // Bram: accepts a suggestion (it becomes his coding) and rejects another (nothing coded).
    let accepted = store
        .decide_suggestion(
            id,
            s.bram,
            &span(r1, ca, 3, 28),
            SuggestionDecision::Accepted,
            110,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(accepted.is_some());
    let again = store
        .decide_suggestion(
            id,
            s.bram,
            &span(r1, ca, 3, 28),
            SuggestionDecision::Rejected,
            111,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, accepted, "a decided suggestion stays decided");
    assert_eq!(
        store
            .decide_suggestion(
                id,
                s.bram,
                &span(r2, ca, 0, 5),
                SuggestionDecision::Rejected,
                112
            )
            .await
            .unwrap(),
        Ok(None)
    );
    let decisions = store.suggestion_decisions(id, s.bram).await.unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[1].decision, SuggestionDecision::Rejected);

    // Blind: each coder's own codings; the study's figures see none of them until every
    // coder finished.
    let own_a = store.assignment_codings(id, Some(s.anna)).await.unwrap();
    let own_b = store.assignment_codings(id, Some(s.bram)).await.unwrap();
    assert_eq!(own_a.len(), 2);
    assert_eq!(own_b.len(), 1);
    assert!(own_a.iter().all(|c| c.coder == s.anna) && own_a[0].id == a1);
    assert_eq!(store.codings().await.unwrap().len(), 3);
    assert!(store.study_data().await.unwrap().codings.is_empty());

    // The lead cannot settle before everyone finished.
    assert_eq!(
        store
            .settle(id, s.lead, r2, &[], "geen code", 120)
            .await
            .unwrap(),
        Err(Refusal::NotAllFinished)
    );
    store
        .finish_assignment(id, s.anna, 130)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.finish_assignment(id, s.anna, 131).await.unwrap(),
        Err(Refusal::AlreadyFinished)
    );
    assert_eq!(
        store.finish_assignment(id, s.stranger, 131).await.unwrap(),
        Err(Refusal::NotACoder)
    );
    assert!(
        store.study_data().await.unwrap().codings.is_empty(),
        "one coder finished: the assignment is still open"
    );
    // Once finished, Anna's codings no longer change.
    assert_eq!(
        store
            .add_assignment_coding(id, s.anna, &span(r2, ca, 0, 5))
            .await
            .unwrap(),
        Err(Refusal::Finished)
    );
    assert_eq!(
        store
            .delete_assignment_coding(id, s.anna, a1)
            .await
            .unwrap(),
        Err(Refusal::Finished)
    );
    store
        .finish_assignment(id, s.bram, 140)
        .await
        .unwrap()
        .unwrap();
    assert!(store.assignment(id).await.unwrap().unwrap().all_finished());
    let data = store.study_data().await.unwrap();
    assert_eq!(
        data.codings.len(),
        3,
        "finished: the codings reach the study"
    );
    assert!(data.consensus.is_empty());

    // Settling: only the lead, with a reason, with valid spans.
    assert_eq!(
        store.settle(id, s.anna, r2, &[], "ik", 150).await.unwrap(),
        Err(Refusal::NotTheLead)
    );
    assert_eq!(
        store
            .settle(id, s.lead, r2, &[span(r2, cb, 0, 5)], "  ", 150)
            .await
            .unwrap(),
        Err(Refusal::NoReason)
    );
    assert_eq!(
        store
            .settle(id, s.lead, r2, &[span(r2, cb, 0, 99)], "te lang", 150)
            .await
            .unwrap(),
        Err(Refusal::OutsideText {
            start: 0,
            end: 99,
            len: 5
        })
    );
    assert!(store.consensus_codings().await.unwrap().is_empty());
    store
        .settle(
            id,
            s.lead,
            r2,
            &[span(r2, cb, 0, 5)],
            "Anna heeft gelijk",
            160,
        )
        .await
        .unwrap()
        .unwrap();
    // Settling again replaces the earlier consensus of that answer.
    store
        .settle(id, s.lead, r1, &[span(r1, ca, 0, 28)], "eerste lezing", 170)
        .await
        .unwrap()
        .unwrap();
    store
        .settle(
            id,
            s.lead,
            r1,
            &[span(r1, ca, 3, 28)],
            "Brams grens is preciezer",
            180,
        )
        .await
        .unwrap()
        .unwrap();
    let consensus = store.assignment_consensus(id).await.unwrap();
    assert_eq!(consensus.len(), 2);
    assert!(consensus.iter().all(|c| c.coder == s.lead));
    assert!(consensus
        .iter()
        .any(|c| c.segment.response == r1 && c.segment.start == 3));
    assert_eq!(store.consensus_codings().await.unwrap(), consensus);
    // The coders' own codings are untouched, and consensus is not counted as a coder.
    assert_eq!(store.codings().await.unwrap().len(), 3);
    let data = store.study_data().await.unwrap();
    assert_eq!(data.codings.len(), 3);
    assert_eq!(
        data.consensus, consensus,
        "the study data carries the consensus"
    );
    let mut settled = vec![
        (r1, "rationale_text".to_owned()),
        (r2, "rationale_text".to_owned()),
    ];
    settled.sort();
    assert_eq!(data.settled, settled, "and which answers were settled");

    // The log: who, when, what, why; never the answer's text.
    let log = store.coding_decisions(Some(id)).await.unwrap();
    let kinds: Vec<&str> = log.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "assignment",
            "finished",
            "finished",
            "consensus",
            "consensus",
            "consensus"
        ]
    );
    let last = log.last().unwrap();
    assert_eq!(
        (last.person, last.at, last.response),
        (s.lead, 180, Some(r1))
    );
    assert_eq!(last.why, "Brams grens is preciezer");
    assert!(last.what.contains("theme.a [3–28)"), "{}", last.what);
    assert!(log.iter().all(|d| !d.what.contains("bewoners")));
}

async fn log_story(store: &Store) {
    let s = seed(store).await;
    let fields = CodeFields {
        name: Bilingual {
            nl: "Morele vragen".into(),
            en: "Moral questions".into(),
        },
        inclusion: Bilingual {
            nl: "Een vraag naar wat goed of juist is".into(),
            en: "A question about what is good or right".into(),
        },
        exclusion: Bilingual {
            nl: "Regels en procedures".into(),
            en: "Rules and procedures".into(),
        },
        examples: Bilingual {
            nl: "  Mag dit wel?  \n\n Voor wie doen we het?".into(),
            en: "May we do this?\nWho is it for?".into(),
        },
        colour: Some(Colour::parse("#1f77b4").unwrap()),
        ..Default::default()
    };
    // A fresh codebook is version 1, with no person and no time.
    let before = store.codebooks().await.unwrap()[0].clone();
    assert_eq!(before.version, 1);
    let v1 = store.codebook_versions(s.book).await.unwrap();
    assert_eq!(
        v1,
        [CodebookVersion {
            version: 1,
            at: None,
            person: None,
            reason: String::new()
        }]
    );
    assert_eq!(
        store.codebook_version(s.book, 1).await.unwrap(),
        Some(before.clone())
    );
    assert_eq!(store.codebook_version(s.book, 2).await.unwrap(), None);
    assert_eq!(
        store
            .add_code_logged(s.book, "theme.moral", None, &fields, s.lead, "", 10)
            .await
            .unwrap(),
        Err(Refusal::NoReason)
    );
    assert_eq!(
        store
            .add_code_logged(s.book, "theme.a", None, &fields, s.lead, "dubbel", 10)
            .await
            .unwrap(),
        Err(Refusal::DuplicateCode)
    );
    // Refusals change neither the codebook nor its version.
    assert_eq!(store.codebooks().await.unwrap()[0], before);
    assert_eq!(store.codebook_versions(s.book).await.unwrap(), v1);
    let moral = store
        .add_code_logged(
            s.book,
            "theme.moral",
            Some(s.codes[0]),
            &fields,
            s.lead,
            "Komt vaak voor in ronde 1",
            10,
        )
        .await
        .unwrap()
        .unwrap();
    let added = store.codebooks().await.unwrap()[0].clone();
    assert_eq!(added.version, 2);
    let code = added.codes.iter().find(|c| c.id == moral).unwrap();
    assert_eq!(code.inclusion, fields.inclusion);
    assert_eq!(code.exclusion, fields.exclusion);
    // Examples are kept one per line, trimmed, without empty lines.
    assert_eq!(code.examples.nl, "Mag dit wel?\nVoor wie doen we het?");
    assert_eq!(code.colour.as_ref().unwrap().as_str(), "#1F77B4");
    let renamed = CodeFields {
        name: Bilingual {
            nl: "Morele en ethische vragen".into(),
            en: "Moral and ethical questions".into(),
        },
        colour: Some(Colour::parse("#D62728").unwrap()),
        ..CodeFields::of(code)
    };
    // Without a reason, or changing nothing: refused, nothing written.
    assert_eq!(
        store
            .change_code_logged(moral, &renamed, s.anna, " ", 20)
            .await
            .unwrap(),
        Err(Refusal::NoReason)
    );
    assert_eq!(
        store
            .change_code_logged(moral, &CodeFields::of(code), s.anna, "niets", 20)
            .await
            .unwrap(),
        Err(Refusal::Unchanged)
    );
    assert_eq!(store.codebooks().await.unwrap()[0], added);
    store
        .change_code_logged(moral, &renamed, s.anna, "Scherper", 20)
        .await
        .unwrap()
        .unwrap();
    let book = &store.codebooks().await.unwrap()[0];
    assert_eq!(book.version, 3);
    let code = book.codes.iter().find(|c| c.id == moral).unwrap();
    assert_eq!(code.name, renamed.name);
    assert_eq!(code.colour.as_ref().unwrap().as_str(), "#D62728");
    assert_eq!(code.inclusion, fields.inclusion);
    assert_eq!(code.parent, Some(s.codes[0]));
    // Every version: who, when, why; each snapshot holds the codebook as it was then.
    let versions = store.codebook_versions(s.book).await.unwrap();
    let who: Vec<_> = versions
        .iter()
        .map(|v| (v.version, v.at, v.person, v.reason.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            (1, None, None, ""),
            (2, Some(10), Some(s.lead), "Komt vaak voor in ronde 1"),
            (3, Some(20), Some(s.anna), "Scherper"),
        ]
    );
    let v1 = store.codebook_version(s.book, 1).await.unwrap().unwrap();
    assert_eq!(v1.codes, before.codes);
    assert_eq!(v1.version, 1);
    let v2 = store.codebook_version(s.book, 2).await.unwrap().unwrap();
    assert_eq!(v2.codes, added.codes);
    let v3 = store.codebook_version(s.book, 3).await.unwrap().unwrap();
    assert_eq!(v3.codes, book.codes);
    assert_eq!(v3.name, book.name);
    assert_eq!(store.codebook_version(s.book, 4).await.unwrap(), None);
    // Two changes at once get consecutive versions; neither fails.
    let one = CodeFields {
        name: Bilingual {
            nl: "Een".into(),
            en: "One".into(),
        },
        ..Default::default()
    };
    let two = CodeFields {
        name: Bilingual {
            nl: "Twee".into(),
            en: "Two".into(),
        },
        ..Default::default()
    };
    let (a, b) = tokio::join!(
        store.add_code_logged(s.book, "theme.one", None, &one, s.lead, "een", 30),
        store.add_code_logged(s.book, "theme.two", None, &two, s.anna, "twee", 30),
    );
    assert!(a.unwrap().is_ok() && b.unwrap().is_ok());
    let numbers: Vec<i64> = store
        .codebook_versions(s.book)
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert_eq!(
        store
            .codebook_version(s.book, 5)
            .await
            .unwrap()
            .unwrap()
            .codes
            .len(),
        book.codes.len() + 2
    );
    // The other codebook did not move.
    let other = &store.codebooks().await.unwrap()[1];
    assert_eq!(other.version, 1);
    let log = store.coding_decisions(None).await.unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(
        (log[0].kind.as_str(), log[0].person, log[0].code),
        ("code_added", s.lead, Some(moral))
    );
    assert_eq!(
        (log[1].kind.as_str(), log[1].person, log[1].why.as_str()),
        ("code_changed", s.anna, "Scherper")
    );
    assert!(log[1].what.contains("Morele vragen") && log[1].what.contains("Morele en ethische"));
    assert!(
        log[1].what.contains("colour #1F77B4 became #D62728") && log[1].what.contains("version 3"),
        "{}",
        log[1].what
    );
    assert!(!log[1].what.contains("inclusion"), "{}", log[1].what);

    // The slow-question register: one verdict per span, the later one wins; spans checked.
    let r1 = s.responses[0];
    let len = ANSWER.chars().count();
    assert!(matches!(
        store
            .judge_slow_question(
                r1,
                "rationale_text",
                29,
                len + 3,
                SlowStatus::Confirmed,
                s.anna,
                30
            )
            .await
            .unwrap(),
        Err(Refusal::OutsideText { .. })
    ));
    store
        .judge_slow_question(
            r1,
            "rationale_text",
            29,
            len,
            SlowStatus::Rejected,
            s.anna,
            31,
        )
        .await
        .unwrap()
        .unwrap();
    store
        .judge_slow_question(
            r1,
            "rationale_text",
            29,
            len,
            SlowStatus::Confirmed,
            s.bram,
            32,
        )
        .await
        .unwrap()
        .unwrap();
    let reg = store.slow_question_register(Some(s.network)).await.unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(
        (reg[0].status, reg[0].coder, reg[0].start, reg[0].end),
        (SlowStatus::Confirmed, s.bram, 29, len)
    );
    assert_eq!(store.slow_question_register(None).await.unwrap(), reg);
    assert_eq!(reg[0].moved_to, None);

    // Moving to the network's log: a rejected entry and an unknown one are refused.
    let rejected = store
        .judge_slow_question(r1, "rationale_text", 0, 8, SlowStatus::Rejected, s.anna, 33)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .move_slow_question_to_log(rejected, s.anna, 34)
            .await
            .unwrap(),
        Err(Refusal::NotConfirmed)
    );
    assert_eq!(
        store
            .move_slow_question_to_log(rejected + 1000, s.anna, 34)
            .await
            .unwrap(),
        Err(Refusal::NoSlowQuestion)
    );
    assert!(store
        .slow_question_log(Some(s.network), None)
        .await
        .unwrap()
        .is_empty());
    // A confirmed entry moves once: an anonymous log entry with the fragment's text.
    let logged = store
        .move_slow_question_to_log(reg[0].id, s.anna, 35)
        .await
        .unwrap()
        .unwrap();
    let log = store
        .slow_question_log(Some(s.network), None)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id, logged);
    assert_eq!(log[0].text, "Wat is eigenlijk rechtvaardig?");
    assert_eq!((log[0].author, log[0].anonymous), (None, true));
    assert_eq!(log[0].status, SlowQuestionStatus::New);
    let moved = store.slow_question_register(Some(s.network)).await.unwrap();
    assert_eq!(moved[0].moved_to, Some(logged));
    assert_eq!(
        store
            .move_slow_question_to_log(reg[0].id, s.bram, 36)
            .await
            .unwrap(),
        Err(Refusal::AlreadyMoved)
    );
    // A moved verdict stays: judging its span again is refused and changes nothing.
    assert_eq!(
        store
            .judge_slow_question(
                r1,
                "rationale_text",
                29,
                len,
                SlowStatus::Rejected,
                s.anna,
                37
            )
            .await
            .unwrap(),
        Err(Refusal::AlreadyMoved)
    );
    assert_eq!(
        store.slow_question_register(Some(s.network)).await.unwrap(),
        moved
    );
    assert_eq!(
        store
            .slow_question_log(Some(s.network), None)
            .await
            .unwrap()
            .len(),
        1,
        "a second move added nothing"
    );
}
