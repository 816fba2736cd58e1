//! The installation on both back ends: a database made the way the previous release made
//! one (today's `Store`, with people, roles, networks, responses and an audit log) becomes
//! the first study of an installation losing nothing, twice changing nothing, and all or
//! nothing; a second study holds only what the installation projects into it.

use leernet_core::*;
use leernet_store::{
    Actor, Installation, NewInstrument, NewNetwork, NewPerson, NewResponse, NewStudy, NewWorkplace,
    ProjectedPerson, Store, StoreError, StoreOptions, StudyLocation, StudyRole,
};

leernet_testkit::on_every_backend!(with_url,
    an_existing_study_becomes_the_first_of_an_installation_losing_nothing => adopt_story,
    adopting_is_all_or_nothing => refused_story,
    a_role_in_one_study_gives_nothing_in_another => two_studies_story,
    links_work_once_and_until_their_time_and_deactivating_ends_sessions => people_story,
);

fn actor() -> Actor {
    Actor::Cli("onderzoeker".into())
}

/// A database as the previous release makes one.
async fn legacy(store: &Store) -> (Vec<NetworkId>, Vec<PersonId>) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noordkust").unwrap(),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let mut nets = Vec::new();
    for slug in ["wijk-a", "wijk-b"] {
        nets.push(
            store
                .add_network(&NewNetwork {
                    slug: Slug::parse(slug).unwrap(),
                    name: format!("Netwerk {slug}"),
                    workplace: wp,
                })
                .await
                .unwrap(),
        );
    }
    let mut people = Vec::new();
    for (e, role, networks, hash) in [
        (
            "lead",
            Role::Researcher,
            vec![],
            Some("$argon2id$v=19$lead"),
        ),
        (
            "fenna",
            Role::Facilitator,
            vec![nets[0]],
            Some("$argon2id$v=19$fenna"),
        ),
        ("mo", Role::Member, vec![nets[0], nets[1]], None),
        (
            "cor",
            Role::Coordinator,
            vec![nets[1]],
            Some("$argon2id$v=19$cor"),
        ),
    ] {
        people.push(
            store
                .add_person_audited(
                    &NewPerson {
                        email: Email::parse(&format!("{e}@example.org")).unwrap(),
                        name: e.into(),
                        role,
                        networks,
                        password_hash: hash.map(str::to_owned),
                    },
                    &actor(),
                    1_700_000_000,
                )
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
    store
        .add_responses(
            wave,
            &[1, 2].map(|n| NewResponse {
                network: nets[n - 1],
                respondent: format!("r{n}"),
                status: ResponseStatus::Submitted,
                answers: [("rationale_text".to_owned(), format!("antwoord {n}"))]
                    .into_iter()
                    .collect(),
            }),
        )
        .await
        .unwrap();
    (nets, people)
}

/// Every row of every table, in key order (the backup format: identical data, identical
/// bytes).
async fn rows(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    out
}

async fn open(store: &Store, url: &str) -> Installation {
    let url = match store.backend() {
        leernet_store::Backend::Sqlite => Installation::url_beside(url),
        leernet_store::Backend::Postgres => url.to_owned(),
    };
    Installation::connect_with(&url, &StoreOptions::default())
        .await
        .unwrap()
}

/// Everything the installation holds, as text, to compare before and after.
async fn snapshot(inst: &Installation) -> String {
    let mut roles = Vec::new();
    let mut taking_part = Vec::new();
    for s in inst.studies().await.unwrap() {
        roles.push(inst.roles(s.id).await.unwrap());
        taking_part.push(inst.study_networks(s.id).await.unwrap());
    }
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{roles:?}\n{taking_part:?}",
        inst.studies().await.unwrap(),
        inst.accounts().await.unwrap(),
        inst.workplaces().await.unwrap(),
        inst.networks().await.unwrap(),
        inst.audit_log().await.unwrap(),
    )
}

fn title() -> Bilingual {
    Bilingual {
        nl: "Onderzoek".into(),
        en: "Study".into(),
    }
}

async fn adopt_story(store: &Store, url: &str) {
    let (nets, people) = legacy(store).await;
    let before = rows(store).await;
    let inst = open(store, url).await;
    let location = inst.location_of(url, store).await.unwrap();
    match (&location, store.backend()) {
        (StudyLocation::Sqlite(p), leernet_store::Backend::Sqlite) => {
            assert_eq!(
                p, "test.sqlite",
                "stored relative to the installation's folder"
            )
        }
        (StudyLocation::PostgresSchema(s), leernet_store::Backend::Postgres) => {
            assert_eq!(s, "public")
        }
        other => panic!("{other:?}"),
    }
    let slug = Slug::parse("onderzoek").unwrap();
    let adopted = inst
        .adopt(
            &slug,
            &title(),
            location.clone(),
            store,
            &actor(),
            1_800_000_000,
        )
        .await
        .unwrap();
    assert!(adopted.newly);
    assert_eq!(
        (adopted.accounts, adopted.networks, adopted.workplaces),
        (4, 2, 1)
    );

    // The study's database is exactly as it was: every table, every row.
    assert_eq!(rows(store).await, before);

    // The installation holds the study's people with the same ids, e-mail addresses and
    // password hashes, their roles with their networks, and the registry.
    let accounts = inst.accounts().await.unwrap();
    let persons = store.persons().await.unwrap();
    assert_eq!(accounts.len(), persons.len());
    for (a, p) in accounts.iter().zip(&persons) {
        assert_eq!((a.id, &a.email, &a.name), (p.id, &p.email, &p.name));
        let hash = store.account(p.id).await.unwrap().unwrap().password_hash;
        assert_eq!(a.password_hash, hash);
        assert_eq!(a.lang, Lang::Nl);
    }
    assert_eq!(accounts[2].password_hash, None);
    let roles = inst.roles(adopted.study.id).await.unwrap();
    let expected: Vec<StudyRole> = persons
        .iter()
        .map(|p| StudyRole {
            account: p.id,
            study: adopted.study.id,
            role: p.role,
            networks: p.networks.clone(),
        })
        .collect();
    assert_eq!(roles, expected);
    assert_eq!(roles[2].networks, nets);
    assert_eq!(
        inst.networks().await.unwrap(),
        store.networks().await.unwrap()
    );
    assert_eq!(
        inst.workplaces().await.unwrap(),
        store.workplaces().await.unwrap()
    );
    assert_eq!(inst.study_networks(adopted.study.id).await.unwrap(), nets);
    let log = inst.audit_log().await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "study.adopt");
    assert!(!log[0].detail.contains('@'), "no addresses in the log");

    // Opened by the installation, the study is the same database.
    let again = inst.open_study(&adopted.study).await.unwrap();
    assert_eq!(rows(&again).await, before);
    again.close().await;

    // Twice changes nothing, and neither does opening the installation again.
    let snap = snapshot(&inst).await;
    let second = inst
        .adopt(&slug, &title(), location, store, &actor(), 1_900_000_000)
        .await
        .unwrap();
    assert!(!second.newly);
    assert_eq!(second.study, adopted.study);
    inst.close().await;
    let inst = open(store, url).await;
    assert_eq!(snapshot(&inst).await, snap);
    assert_eq!(rows(store).await, before);

    // New ids in the installation come after the adopted ones.
    let new = inst
        .add_account(
            &Email::parse("nieuw@example.org").unwrap(),
            "Nieuw",
            Lang::En,
            &actor(),
            1_900_000_001,
        )
        .await
        .unwrap();
    assert!(new.0 > people.iter().map(|p| p.0).max().unwrap());
    inst.close().await;
}

async fn refused_story(store: &Store, url: &str) {
    legacy(store).await;
    let inst = open(store, url).await;
    // Someone else already has the e-mail address of one of the study's people.
    inst.add_account(
        &Email::parse("mo@example.org").unwrap(),
        "Mo",
        Lang::Nl,
        &actor(),
        1,
    )
    .await
    .unwrap();
    let snap = snapshot(&inst).await;
    let location = inst.location_of(url, store).await.unwrap();
    let err = inst
        .adopt(
            &Slug::parse("onderzoek").unwrap(),
            &title(),
            location,
            store,
            &actor(),
            2,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    // Nothing of it was kept: no study, no account, no network, no audit entry.
    assert_eq!(snapshot(&inst).await, snap);
    assert!(inst.studies().await.unwrap().is_empty());
    inst.close().await;
}

async fn two_studies_story(store: &Store, url: &str) {
    let (nets, people) = legacy(store).await;
    let inst = open(store, url).await;
    let location = inst.location_of(url, store).await.unwrap();
    let a = inst
        .adopt(
            &Slug::parse("a").unwrap(),
            &title(),
            location,
            store,
            &actor(),
            1,
        )
        .await
        .unwrap()
        .study;
    let b = inst
        .add_study(
            &NewStudy {
                slug: Slug::parse("b-vervolg").unwrap(),
                title: title(),
            },
            &actor(),
            2,
        )
        .await
        .unwrap();
    assert!(matches!(
        inst.add_study(
            &NewStudy {
                slug: Slug::parse("b-vervolg").unwrap(),
                title: title(),
            },
            &actor(),
            3,
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let study_b = inst.open_study(&b).await.unwrap();
    // A new study is today's schema, empty: nobody and no network.
    assert!(study_b.persons().await.unwrap().is_empty());
    assert!(study_b.networks().await.unwrap().is_empty());

    // Network wijk-b takes part in B too: one network, the same id and slug.
    let net_b = inst
        .networks()
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.id == nets[1])
        .unwrap();
    let wp = inst.workplaces().await.unwrap()[0].clone();
    assert!(inst
        .add_study_network(b.id, net_b.id, &actor(), 4)
        .await
        .unwrap());
    assert!(!inst
        .add_study_network(b.id, net_b.id, &actor(), 5)
        .await
        .unwrap());
    study_b.project_network(&wp, &net_b).await.unwrap();
    assert_eq!(study_b.networks().await.unwrap(), vec![net_b.clone()]);

    // The coordinator gets a role in B; the others have none there.
    let cor = inst.account(people[3]).await.unwrap().unwrap();
    let role = StudyRole {
        account: cor.id,
        study: b.id,
        role: Role::Researcher,
        networks: vec![],
    };
    inst.give_role(&role, &actor(), 6).await.unwrap();
    study_b
        .project_person(
            &ProjectedPerson {
                id: cor.id,
                email: cor.email.clone(),
                name: cor.name.clone(),
                role: Role::Researcher,
                networks: vec![],
                password_hash: cor.password_hash.clone(),
            },
            &actor(),
            6,
        )
        .await
        .unwrap();
    let in_b = study_b.persons().await.unwrap();
    assert_eq!(in_b.len(), 1);
    assert_eq!((in_b[0].id, in_b[0].role), (cor.id, Role::Researcher));
    assert_eq!(
        study_b
            .account(cor.id)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        cor.password_hash
    );
    // In A they keep their own role; the lead of A has nothing in B.
    assert_eq!(
        store.account(cor.id).await.unwrap().unwrap().role,
        Role::Coordinator
    );
    assert!(study_b.account(people[0]).await.unwrap().is_none());
    assert_eq!(inst.roles(b.id).await.unwrap(), vec![role]);
    assert_eq!(inst.roles_of(cor.id).await.unwrap().len(), 2);
    // A role in B for a network that does not take part in B is refused.
    assert!(inst
        .give_role(
            &StudyRole {
                account: people[1],
                study: b.id,
                role: Role::Facilitator,
                networks: vec![nets[0]],
            },
            &actor(),
            7,
        )
        .await
        .is_err());

    // Taking the role: the row stays (codings point at it), but without a password.
    assert!(inst.take_role(cor.id, b.id, &actor(), 8).await.unwrap());
    assert!(study_b.withdraw_person(cor.id, &actor(), 8).await.unwrap());
    assert_eq!(
        study_b
            .account(cor.id)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        None
    );
    assert!(inst.roles(b.id).await.unwrap().is_empty());

    // Archived, B stays listed.
    inst.archive_study(&b.slug, &actor(), 9).await.unwrap();
    let states: Vec<_> = inst
        .studies()
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.slug.as_str().to_owned(), s.state))
        .collect();
    assert_eq!(
        states,
        [
            ("a".to_owned(), leernet_store::StudyState::Active),
            ("b-vervolg".to_owned(), leernet_store::StudyState::Archived)
        ]
    );
    assert_eq!(a.id.0 + 1, b.id.0);
    study_b.close().await;
    inst.close().await;
}

/// Issue 18, item 1: a one-time link sets a password once and only before its time; a newer
/// reset link replaces the older; using one ends the account's sessions; deactivating a role
/// ends them too and, with no active role left, the account may not log in; a network
/// archived stays in the registry.
async fn people_story(store: &Store, url: &str) {
    use leernet_store::{LinkPurpose, LinkState};
    let (nets, people) = legacy(store).await;
    let inst = open(store, url).await;
    let location = inst.location_of(url, store).await.unwrap();
    let a = inst
        .adopt(
            &Slug::parse("a").unwrap(),
            &title(),
            location,
            store,
            &actor(),
            1,
        )
        .await
        .unwrap()
        .study;
    let fenna = people[1];
    let secret = |c: char| c.to_string().repeat(64);
    inst.add_account_link(fenna, LinkPurpose::Invite, &secret('a'), 100, 200, &actor())
        .await
        .unwrap();
    assert_eq!(
        inst.account_link(&secret('a'), 150).await.unwrap(),
        LinkState::Valid {
            account: fenna,
            purpose: LinkPurpose::Invite
        }
    );
    assert_eq!(
        inst.account_link(&secret('a'), 200).await.unwrap(),
        LinkState::Expired
    );
    assert_eq!(
        inst.account_link(&secret('f'), 150).await.unwrap(),
        LinkState::Unknown
    );
    assert_eq!(
        inst.use_account_link(&secret('a'), "$argon2id$late", 201)
            .await
            .unwrap(),
        Err(LinkState::Expired),
        "a late link sets nothing"
    );
    inst.create_session("s1", fenna, "c", 150, 10_000)
        .await
        .unwrap();
    assert_eq!(
        inst.use_account_link(&secret('a'), "$argon2id$new", 160)
            .await
            .unwrap(),
        Ok(fenna)
    );
    let acc = inst.account(fenna).await.unwrap().unwrap();
    assert_eq!(acc.password_hash.as_deref(), Some("$argon2id$new"));
    assert!(
        inst.session("s1", 161).await.unwrap().is_none(),
        "sessions ended"
    );
    assert_eq!(
        inst.use_account_link(&secret('a'), "$argon2id$again", 162)
            .await
            .unwrap(),
        Err(LinkState::Used),
        "once only"
    );
    assert_eq!(
        inst.account(fenna)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .as_deref(),
        Some("$argon2id$new")
    );
    // a newer reset link replaces the older one
    inst.add_account_link(fenna, LinkPurpose::Reset, &secret('b'), 300, 3900, &actor())
        .await
        .unwrap();
    inst.add_account_link(fenna, LinkPurpose::Reset, &secret('c'), 310, 3910, &actor())
        .await
        .unwrap();
    assert_eq!(
        inst.account_link(&secret('b'), 320).await.unwrap(),
        LinkState::Used
    );
    assert!(matches!(
        inst.account_link(&secret('c'), 320).await.unwrap(),
        LinkState::Valid { .. }
    ));

    // deactivating: sessions end, links go, no login while no role is active
    inst.create_session("s2", fenna, "c", 400, 10_000)
        .await
        .unwrap();
    assert!(inst.may_log_in(fenna).await.unwrap());
    assert!(inst
        .set_role_active(fenna, a.id, false, &actor(), 401)
        .await
        .unwrap());
    assert!(
        !inst
            .set_role_active(fenna, a.id, false, &actor(), 402)
            .await
            .unwrap(),
        "already so"
    );
    assert!(inst.session("s2", 403).await.unwrap().is_none());
    assert!(!inst.may_log_in(fenna).await.unwrap());
    assert!(!inst.role_is_active(fenna, a.id).await.unwrap());
    assert_eq!(inst.inactive_accounts(a.id).await.unwrap(), vec![fenna]);
    assert_eq!(
        inst.account_link(&secret('c'), 404).await.unwrap(),
        LinkState::Used,
        "a deactivated person's links go"
    );
    assert_eq!(
        inst.roles_of(fenna).await.unwrap().len(),
        1,
        "the role itself stays"
    );
    inst.set_role_active(fenna, a.id, true, &actor(), 405)
        .await
        .unwrap();
    assert!(inst.may_log_in(fenna).await.unwrap());

    // archiving deletes nothing
    assert!(inst
        .set_network_archived(nets[1], true, &actor(), 500)
        .await
        .unwrap());
    assert_eq!(inst.archived_networks().await.unwrap(), vec![nets[1]]);
    assert_eq!(inst.networks().await.unwrap().len(), 2);
    let log = inst.audit_log().await.unwrap();
    for action in [
        "account.link",
        "account.password",
        "role.deactivate",
        "role.reactivate",
        "network.archive",
    ] {
        assert!(log.iter().any(|e| e.action == action), "{action} audited");
    }
    assert!(
        log.iter().all(|e| !e.detail.contains("fenna")),
        "ids only in the log"
    );
    inst.close().await;
}
