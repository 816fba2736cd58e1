//! The demo study as leernet's domain types, read straight from `demo/` (no store), and the
//! paths of the REFI-QDA schemas and samples in `testdata/`.
#![allow(dead_code)]

use leernet_core::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `testdata/standards/refi-qda`: the REFI-QDA schemas and samples, copied with their
/// sources and licences (`SOURCES.md` there).
pub fn refi_dir() -> PathBuf {
    repo_root().join("testdata/standards/refi-qda")
}

pub struct Demo {
    pub persons: Vec<Person>,
    pub networks: Vec<Network>,
    pub waves: Vec<Wave>,
    pub responses: Vec<Response>,
    pub codebook: Codebook,
    pub codings: Vec<Coding>,
}

#[derive(serde::Deserialize)]
struct StudyFile {
    network: Vec<NetFile>,
    person: Vec<PersonFile>,
}
#[derive(serde::Deserialize)]
struct NetFile {
    slug: String,
    name: String,
}
#[derive(serde::Deserialize)]
struct PersonFile {
    email: String,
    name: String,
    role: String,
}
#[derive(serde::Deserialize)]
struct CodebookFile {
    code: Vec<CodeFile>,
}
#[derive(serde::Deserialize)]
struct CodeFile {
    id: String,
    parent: Option<String>,
    name_nl: String,
    name_en: String,
    description_nl: String,
    description_en: String,
    #[serde(default)]
    inclusion_nl: String,
    #[serde(default)]
    inclusion_en: String,
    #[serde(default)]
    exclusion_nl: String,
    #[serde(default)]
    exclusion_en: String,
    #[serde(default)]
    examples_nl: Vec<String>,
    #[serde(default)]
    examples_en: Vec<String>,
    colour: Option<String>,
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join(rel)).unwrap()
}

pub fn demo() -> Demo {
    let study: StudyFile = toml::from_str(&read("demo/study.toml")).unwrap();
    let networks: Vec<Network> = study
        .network
        .iter()
        .enumerate()
        .map(|(i, n)| Network {
            id: NetworkId(i as i64 + 1),
            slug: Slug::parse(&n.slug).unwrap(),
            name: n.name.clone(),
            workplace: WorkplaceId(1),
        })
        .collect();
    let persons: Vec<Person> = study
        .person
        .iter()
        .enumerate()
        .map(|(i, p)| Person {
            id: PersonId(i as i64 + 1),
            email: Email::parse(&p.email).unwrap(),
            name: p.name.clone(),
            role: Role::parse(&p.role).unwrap(),
            networks: vec![],
        })
        .collect();
    let waves = vec![
        Wave {
            id: WaveId(1),
            instrument: InstrumentId(1),
            name: "2026 network".into(),
            status: WaveStatus::Closed,
        },
        Wave {
            id: WaveId(2),
            instrument: InstrumentId(2),
            name: "2026 member".into(),
            status: WaveStatus::Closed,
        },
    ];
    let net_id: BTreeMap<String, NetworkId> = networks
        .iter()
        .map(|n| (n.slug.as_str().to_owned(), n.id))
        .collect();
    let mut responses = Vec::new();
    for (file, wave) in [
        ("demo/responses/network.csv", 1),
        ("demo/responses/member.csv", 2),
    ] {
        let text = read(file);
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let headers = rdr.headers().unwrap().clone();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let mut answers = Answers::new();
            let mut respondent = String::new();
            let mut network = String::new();
            for (h, v) in headers.iter().zip(rec.iter()) {
                match h {
                    "respondent" => respondent = v.to_owned(),
                    "network" => network = v.to_owned(),
                    _ if !v.is_empty() => {
                        answers.insert(h.to_owned(), v.to_owned());
                    }
                    _ => {}
                }
            }
            if respondent.is_empty() {
                respondent = network.clone();
            }
            responses.push(Response {
                id: ResponseId(responses.len() as i64 + 1),
                wave: WaveId(wave),
                network: net_id[&network],
                respondent,
                status: ResponseStatus::Submitted,
                answers,
            });
        }
    }
    let cb: CodebookFile = toml::from_str(&read("demo/codebook.toml")).unwrap();
    let mut code_ids: BTreeMap<String, CodeId> = BTreeMap::new();
    let mut codes = Vec::new();
    for (i, c) in cb.code.iter().enumerate() {
        let id = CodeId(i as i64 + 1);
        code_ids.insert(c.id.clone(), id);
        codes.push(Code {
            id,
            key: c.id.clone(),
            parent: c.parent.as_ref().map(|p| code_ids[p]),
            name: Bilingual {
                nl: c.name_nl.clone(),
                en: c.name_en.clone(),
            },
            description: Bilingual {
                nl: c.description_nl.clone(),
                en: c.description_en.clone(),
            },
            inclusion: Bilingual {
                nl: c.inclusion_nl.clone(),
                en: c.inclusion_en.clone(),
            },
            exclusion: Bilingual {
                nl: c.exclusion_nl.clone(),
                en: c.exclusion_en.clone(),
            },
            examples: Bilingual {
                nl: c.examples_nl.join("\n"),
                en: c.examples_en.join("\n"),
            },
            colour: c.colour.as_deref().map(|s| Colour::parse(s).unwrap()),
        });
    }
    let codebook = Codebook {
        id: CodebookId(1),
        name: "demo".into(),
        version: 1,
        codes,
    };
    let person_id: BTreeMap<String, PersonId> = persons
        .iter()
        .map(|p| (p.email.as_str().to_owned(), p.id))
        .collect();
    let text = read("demo/codings.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut codings = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (coder, respondent, question, code, fragment) =
            (&rec[0], &rec[1], &rec[2], &rec[3], &rec[4]);
        let r = responses
            .iter()
            .find(|r| r.respondent == respondent)
            .unwrap();
        let answer = &r.answers[question];
        let (start, end) = if fragment.is_empty() {
            (0, answer.chars().count())
        } else {
            let at = answer.find(fragment).unwrap();
            let s = answer[..at].chars().count();
            (s, s + fragment.chars().count())
        };
        codings.push(Coding {
            id: CodingId(codings.len() as i64 + 1),
            segment: Segment {
                response: r.id,
                question: question.to_owned(),
                start,
                end,
            },
            code: code_ids[code],
            coder: person_id[coder],
            memo: if codings.len() % 97 == 0 {
                "memo: <check> & \"quote\"\r\nsecond line".into()
            } else {
                String::new()
            },
        });
    }
    Demo {
        persons,
        networks,
        waves,
        responses,
        codebook,
        codings,
    }
}

/// xmllint on this machine, or `None` with the reason printed. Fails when `CI` is set.
pub fn xmllint() -> Option<&'static str> {
    leernet_testkit::tools::program(
        "xmllint (Debian package libxml2-utils; XSD validation)",
        &["xmllint"],
        "--version",
    )
    .map(|_| "xmllint")
}

/// Validates `xml` against `schema` (a file in the shared REFI-QDA folder) with xmllint.
pub fn validate(xml: &[u8], schema: &str, name: &str) -> Result<(), String> {
    let Some(bin) = xmllint() else {
        return Ok(());
    };
    let dir = std::env::temp_dir().join(format!("leernet-qda-xsd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    let out = std::process::Command::new(bin)
        .arg("--noout")
        .arg("--schema")
        .arg(refi_dir().join(schema))
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
