//! The demo study as `StudyData`, read straight from `demo/` and `instruments/` so the
//! analysis tests run without a database (the store has its own suite).

#![allow(dead_code)]

use leernet_core::*;
use std::collections::BTreeMap;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Reads a CSV file with a header row (RFC 4180 quoting) into rows of column -> value.
pub fn csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    let header = rows.remove(0);
    rows.into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).expect(path)
}

/// The demo study: registry, both instruments with one wave each, every response.
pub fn demo() -> StudyData {
    let study: toml::Value = toml::from_str(&read("demo/study.toml")).unwrap();
    let mut data = StudyData {
        study: StudyInfo {
            title: Bilingual {
                nl: study["study"]["title_nl"].as_str().unwrap().into(),
                en: study["study"]["title_en"].as_str().unwrap().into(),
            },
            fictional: true,
        },
        ..Default::default()
    };
    let mut wp_ids = BTreeMap::new();
    for (i, w) in study["werkplaats"].as_array().unwrap().iter().enumerate() {
        let id = WorkplaceId(i as i64 + 1);
        wp_ids.insert(w["slug"].as_str().unwrap().to_owned(), id);
        data.workplaces.push(Workplace {
            id,
            slug: Slug::parse(w["slug"].as_str().unwrap()).unwrap(),
            name: w["name"].as_str().unwrap().into(),
            region: w["region"].as_str().unwrap().into(),
        });
    }
    let mut net_ids = BTreeMap::new();
    for (i, n) in study["network"].as_array().unwrap().iter().enumerate() {
        let id = NetworkId(i as i64 + 1);
        net_ids.insert(n["slug"].as_str().unwrap().to_owned(), id);
        data.networks.push(Network {
            id,
            slug: Slug::parse(n["slug"].as_str().unwrap()).unwrap(),
            name: n["name"].as_str().unwrap().into(),
            workplace: wp_ids[n["werkplaats"].as_str().unwrap()],
        });
    }
    let mut rid = 0;
    for (i, (form_id, file, csv_file, key)) in [
        ("leernet_network", "network.xlsx", "network.csv", "network"),
        ("leernet_member", "member.xlsx", "member.csv", "respondent"),
    ]
    .into_iter()
    .enumerate()
    {
        let workbook = std::fs::read(format!("{ROOT}/instruments/{file}")).unwrap();
        data.instruments.push(Instrument {
            id: InstrumentId(i as i64 + 1),
            form_id: form_id.into(),
            version: String::new(),
            title: Bilingual::default(),
            file_name: file.into(),
            workbook,
            sha256: String::new(),
        });
        data.waves.push(Wave {
            id: WaveId(i as i64 + 1),
            instrument: InstrumentId(i as i64 + 1),
            name: "2026".into(),
            status: WaveStatus::Closed,
        });
        for row in csv(&read(&format!("demo/responses/{csv_file}"))) {
            rid += 1;
            let network = net_ids[&row["network"]];
            let respondent = row[key].clone();
            let answers = row
                .into_iter()
                .filter(|(k, v)| k != "network" && k != "respondent" && !v.is_empty())
                .collect();
            data.responses.push(Response {
                id: ResponseId(rid),
                wave: WaveId(i as i64 + 1),
                network,
                respondent,
                status: ResponseStatus::Submitted,
                answers,
            });
        }
    }
    // People (the coders among them), the codebook and the two coders' codings.
    let mut person_ids = BTreeMap::new();
    for (i, p) in study["person"].as_array().unwrap().iter().enumerate() {
        let id = PersonId(i as i64 + 1);
        person_ids.insert(p["email"].as_str().unwrap().to_owned(), id);
        data.persons.push(Person {
            id,
            email: Email::parse(p["email"].as_str().unwrap()).unwrap(),
            name: p["name"].as_str().unwrap().into(),
            role: Role::parse(p["role"].as_str().unwrap()).unwrap(),
            networks: Vec::new(),
        });
    }
    let book: toml::Value = toml::from_str(&read("demo/codebook.toml")).unwrap();
    let mut code_ids = BTreeMap::new();
    let mut codes = Vec::new();
    for (i, c) in book["code"].as_array().unwrap().iter().enumerate() {
        let id = CodeId(i as i64 + 1);
        let key = c["id"].as_str().unwrap().to_owned();
        code_ids.insert(key.clone(), id);
        codes.push(Code {
            id,
            parent: c
                .get("parent")
                .and_then(|p| p.as_str())
                .map(|p| code_ids[p]),
            key,
            name: Bilingual {
                nl: c["name_nl"].as_str().unwrap().into(),
                en: c["name_en"].as_str().unwrap().into(),
            },
            description: Bilingual {
                nl: c["description_nl"].as_str().unwrap().into(),
                en: c["description_en"].as_str().unwrap().into(),
            },
            inclusion: Bilingual::default(),
            exclusion: Bilingual::default(),
            examples: Bilingual::default(),
            colour: None,
        });
    }
    data.codebooks.push(Codebook {
        id: CodebookId(1),
        name: "demo".into(),
        version: 1,
        codes,
    });
    let by_respondent: BTreeMap<String, ResponseId> = data
        .responses
        .iter()
        .map(|r| (r.respondent.clone(), r.id))
        .collect();
    for (i, row) in csv(&read("demo/codings.csv")).into_iter().enumerate() {
        let response = by_respondent[&row["respondent"]];
        let answer = &data
            .responses
            .iter()
            .find(|r| r.id == response)
            .unwrap()
            .answers[&row["question"]];
        let fragment = &row["fragment"];
        let (start, end) = if fragment.is_empty() {
            (0, answer.chars().count())
        } else {
            let at = answer.find(fragment.as_str()).unwrap();
            let start = answer[..at].chars().count();
            (start, start + fragment.chars().count())
        };
        data.codings.push(Coding {
            id: CodingId(i as i64 + 1),
            segment: Segment {
                response,
                question: row["question"].clone(),
                start,
                end,
            },
            code: code_ids[&row["code"]],
            coder: person_ids[&row["coder"]],
            memo: String::new(),
        });
    }
    data
}

/// The network questionnaire response of one network (mutable, to change the data).
pub fn network_answers<'a>(data: &'a mut StudyData, slug: &str) -> &'a mut Answers {
    let id = data
        .networks
        .iter()
        .find(|n| n.slug.as_str() == slug)
        .unwrap()
        .id;
    &mut data
        .responses
        .iter_mut()
        .find(|r| r.network == id && r.wave == WaveId(1))
        .unwrap()
        .answers
}

/// The demo with a second wave of both questionnaires. `follow`: the members keep their
/// respondent keys (they chose to be followed); otherwise each answers under a new
/// invitation, as anonymous members do. `lift`: members whose key is in it rate `lc_safe` one
/// higher (at most 5).
pub fn two_waves(follow: bool, lift: &[&str]) -> StudyData {
    let mut data = demo();
    let first: Vec<Wave> = data.waves.clone();
    let next_wave = first.iter().map(|w| w.id.0).max().unwrap() + 1;
    let mut next_response = data.responses.iter().map(|r| r.id.0).max().unwrap() + 1;
    let network_form = data
        .instruments
        .iter()
        .find(|i| i.form_id == "leernet_network")
        .unwrap()
        .id;
    let first_eight: Vec<NetworkId> = data.networks.iter().take(8).map(|n| n.id).collect();
    for (i, w) in first.iter().enumerate() {
        let id = WaveId(next_wave + i as i64);
        data.waves.push(Wave {
            id,
            instrument: w.instrument,
            name: "2027".into(),
            status: WaveStatus::Closed,
        });
        let again: Vec<Response> = data
            .responses
            .iter()
            .filter(|r| r.wave == w.id)
            .cloned()
            .collect();
        for mut r in again {
            r.id = ResponseId(next_response);
            next_response += 1;
            r.wave = id;
            if w.instrument == network_form && first_eight.contains(&r.network) {
                r.answers.insert("form_evaluation".into(), "yes".into());
                let themes = r.answers.get("themes").cloned().unwrap_or_default();
                if !themes.split_whitespace().any(|t| t == "loneliness") {
                    r.answers
                        .insert("themes".into(), format!("{themes} loneliness"));
                }
            }
            if w.instrument != network_form {
                if lift.contains(&r.respondent.as_str()) {
                    let v: u8 = r.answers["lc_safe"].parse().unwrap();
                    r.answers
                        .insert("lc_safe".into(), (v + 1).min(5).to_string());
                }
                if !follow {
                    r.respondent = format!("invitation:{}", r.id.0);
                }
            }
            data.responses.push(r);
        }
    }
    data
}
