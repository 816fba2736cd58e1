//! The analysis dataset and the typology: on the demo study (stable across runs, every
//! network typed, real differences, stability within [0, 1]), on a constructed dataset with
//! three clear types (recovered exactly, stability 1.0), and on bad input (never a panic).

use leernet_analysis::dataset::{Category, Dataset, Measure, TypologyConfig, Variable};
use leernet_analysis::{analyse, analyse_with_typology, Overview, Typology};
use leernet_core::*;
use std::collections::BTreeMap;

/// The demo study as the store would hand it out, built from `demo/` without a store.
fn demo_data() -> StudyData {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let read = |p: &str| std::fs::read_to_string(format!("{root}{p}")).unwrap();
    let study: toml::Table = read("demo/study.toml").parse().unwrap();
    let s = study["study"].as_table().unwrap();
    let title = Bilingual {
        nl: s["title_nl"].as_str().unwrap().into(),
        en: s["title_en"].as_str().unwrap().into(),
    };
    let mut workplaces = Vec::new();
    let mut wp_ids = BTreeMap::new();
    for (i, w) in study["werkplaats"].as_array().unwrap().iter().enumerate() {
        let slug = w["slug"].as_str().unwrap();
        wp_ids.insert(slug.to_owned(), WorkplaceId(i as i64 + 1));
        workplaces.push(Workplace {
            id: WorkplaceId(i as i64 + 1),
            slug: Slug::parse(slug).unwrap(),
            name: w["name"].as_str().unwrap().into(),
            region: w["region"].as_str().unwrap().into(),
        });
    }
    let mut networks = Vec::new();
    let mut net_ids = BTreeMap::new();
    for (i, n) in study["network"].as_array().unwrap().iter().enumerate() {
        let slug = n["slug"].as_str().unwrap();
        net_ids.insert(slug.to_owned(), NetworkId(i as i64 + 1));
        networks.push(Network {
            id: NetworkId(i as i64 + 1),
            slug: Slug::parse(slug).unwrap(),
            name: n["name"].as_str().unwrap().into(),
            workplace: wp_ids[n["werkplaats"].as_str().unwrap()],
        });
    }
    let mut instruments = Vec::new();
    let mut waves = Vec::new();
    let mut responses = Vec::new();
    let mut by_key: BTreeMap<(String, String), ResponseId> = BTreeMap::new();
    let mut answers_of: BTreeMap<ResponseId, Answers> = BTreeMap::new();
    let mut form_of: BTreeMap<String, String> = BTreeMap::new(); // question -> form id
    for (i, (file, csvf)) in [
        ("network.xlsx", "demo/responses/network.csv"),
        ("member.xlsx", "demo/responses/member.csv"),
    ]
    .iter()
    .enumerate()
    {
        let bytes = std::fs::read(format!("{root}instruments/{file}")).unwrap();
        let form = leernet_xlsform::Form::from_workbook(&bytes, file).unwrap();
        for q in form.questions() {
            form_of.insert(q.name.clone(), form.id().to_owned());
        }
        let id = InstrumentId(i as i64 + 1);
        instruments.push(Instrument {
            id,
            form_id: form.id().to_owned(),
            version: form.version().unwrap_or("").to_owned(),
            title: Bilingual::default(),
            file_name: (*file).to_owned(),
            workbook: bytes,
            sha256: String::new(),
        });
        let wave = WaveId(i as i64 + 1);
        waves.push(Wave {
            id: wave,
            instrument: id,
            name: "2026".into(),
            status: WaveStatus::Closed,
        });
        let text = read(csvf);
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let headers = rdr.headers().unwrap().clone();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let mut answers = Answers::new();
            let mut network = String::new();
            let mut respondent = String::new();
            for (h, v) in headers.iter().zip(rec.iter()) {
                match h {
                    "network" => network = v.to_owned(),
                    "respondent" => respondent = v.to_owned(),
                    _ if !v.is_empty() => {
                        answers.insert(h.to_owned(), v.to_owned());
                    }
                    _ => {}
                }
            }
            if respondent.is_empty() {
                respondent = network.clone();
            }
            let rid = ResponseId(responses.len() as i64 + 1);
            by_key.insert((form.id().to_owned(), respondent.clone()), rid);
            answers_of.insert(rid, answers.clone());
            responses.push(Response {
                id: rid,
                wave,
                network: net_ids[&network],
                respondent,
                status: ResponseStatus::Submitted,
                answers,
            });
        }
    }
    let book: toml::Table = read("demo/codebook.toml").parse().unwrap();
    let mut codes = Vec::new();
    let mut code_ids = BTreeMap::new();
    for (i, c) in book["code"].as_array().unwrap().iter().enumerate() {
        let key = c["id"].as_str().unwrap().to_owned();
        let id = CodeId(i as i64 + 1);
        code_ids.insert(key.clone(), id);
        codes.push(Code {
            id,
            parent: c.get("parent").map(|p| code_ids[p.as_str().unwrap()]),
            key,
            name: Bilingual {
                nl: c["name_nl"].as_str().unwrap().into(),
                en: c["name_en"].as_str().unwrap().into(),
            },
            description: Bilingual::default(),
            inclusion: Bilingual::default(),
            exclusion: Bilingual::default(),
            examples: Bilingual::default(),
            colour: None,
        });
    }
    let mut codings = Vec::new();
    let mut coders: BTreeMap<String, PersonId> = BTreeMap::new();
    let text = read("demo/codings.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let n = coders.len() as i64 + 1;
        let coder = *coders.entry(rec[0].to_owned()).or_insert(PersonId(n));
        let form = &form_of[&rec[2]];
        let rid = by_key[&(form.clone(), rec[1].to_owned())];
        let answer = &answers_of[&rid][&rec[2]];
        let (start, end) = if rec[4].is_empty() {
            (0, answer.chars().count())
        } else {
            let b = answer.find(&rec[4]).unwrap();
            let s = answer[..b].chars().count();
            (s, s + rec[4].chars().count())
        };
        codings.push(Coding {
            id: CodingId(codings.len() as i64 + 1),
            segment: Segment {
                response: rid,
                question: rec[2].to_owned(),
                start,
                end,
            },
            code: code_ids[&rec[3]],
            coder,
            memo: String::new(),
        });
    }
    StudyData {
        study: StudyInfo {
            title,
            fictional: true,
        },
        workplaces,
        networks,
        persons: Vec::new(),
        instruments,
        waves,
        responses,
        codebooks: vec![Codebook {
            id: CodebookId(1),
            name: "demo".into(),
            version: 1,
            codes,
        }],
        codings,
        consensus: Vec::new(),
        settled: Vec::new(),
        current_waves: Default::default(),
        documents: Vec::new(),
        document_codings: Vec::new(),
        type_names: Vec::new(),
    }
}

fn in_unit(x: Option<f64>) -> bool {
    x.is_none_or(|x| (0.0..=1.0).contains(&x))
}

#[test]
fn demo_typology_is_stable_complete_and_meaningful() {
    let data = demo_data();
    let a = analyse(&data, &Overview::builtin()).unwrap();
    let b = analyse(&data, &Overview::builtin()).unwrap();
    let ja = serde_json::to_string(&a.typology).unwrap();
    assert_eq!(
        ja,
        serde_json::to_string(&b.typology).unwrap(),
        "byte-identical"
    );
    assert_eq!(
        serde_json::to_string(&a.datasets).unwrap(),
        serde_json::to_string(&b.datasets).unwrap()
    );
    let t = a.typology.as_ref().unwrap();
    assert!(t.computed, "{:?}", t.message);
    assert_eq!(t.n, 17);
    assert!((2..=6).contains(&t.k));
    // Every network has a type in 1..k, and the types partition them.
    assert_eq!(t.networks.len(), 17);
    assert!(t.networks.iter().all(|n| (1..=t.k).contains(&n.type_)));
    assert_eq!(t.types.iter().map(|ty| ty.size).sum::<usize>(), 17);
    // The chosen k is the best silhouette among the k that gave k clusters.
    let best = t
        .silhouette_by_k
        .iter()
        .filter(|f| f.clusters == f.k)
        .filter_map(|f| f.silhouette)
        .fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(t.silhouette, Some(best));
    // Profiles name real differences: every type's first row differs by >= 15 points.
    for ty in &t.types {
        let first = &ty.rows[0];
        assert!(first.difference.abs() >= 0.15, "{ty:?}");
        assert!(!ty.summary.nl.is_empty() && !ty.summary.en.is_empty());
        assert!(ty.summary.en.contains(&first.label.en), "{}", ty.summary.en);
    }
    // Stability numbers are in [0, 1] (ARI may be negative in principle, not above 1).
    let s = t.stability.as_ref().unwrap();
    assert_eq!(s.loo_ari.len(), 17);
    assert!(s.bootstrap_used > 150, "{}", s.bootstrap_used);
    assert!(s.loo_ari.iter().all(|(_, a)| *a <= 1.0 && *a >= -1.0));
    assert!(in_unit(s.bootstrap_ari_mean.map(f64::abs)));
    for n in &t.networks {
        for x in [
            n.loo_stay,
            n.loo_jaccard,
            n.bootstrap_stay,
            n.bootstrap_jaccard,
        ] {
            assert!(x.is_some() && in_unit(x), "{n:?}");
        }
    }
    // Coded open answers joined the features.
    assert!(t.features.iter().any(|f| f.key.starts_with("code.agenda.")));
    // The LCA table is there, with its warning.
    let lca = t.lca.as_ref().unwrap();
    assert!(!lca.rows.is_empty());
    assert!(lca.warning.en.contains("under-powered at n = 17"));
    // Three levels, with their rules.
    let ds = a.datasets.as_ref().unwrap();
    assert_eq!(ds.member.n_units, 179);
    assert!(ds.member.values.is_empty(), "member answers stay private");
    assert_eq!(ds.network.n_units, 17);
    assert_eq!(ds.workplace.n_units, 15);
    let fp = &ds.network.variables[ds.network.index("facilitator_position").unwrap()];
    assert_eq!(fp.measure, Measure::Ordinal);
    assert_eq!(fp.categories[0].name, "with_interest");
    assert_eq!((fp.n, fp.not_applicable, fp.not_answered), (15, 2, 0));
    let lc = ds.network.index("lc_safe_agree").unwrap();
    assert!(ds.network.values[lc]
        .iter()
        .all(|v| in_unit(*v) && v.is_some()));
    let w = ds.workplace.index("learning_climate_mean").unwrap();
    assert_eq!(ds.workplace.variables[w].rule, "mean_of_networks");
    // Print the solution for the report of this work.
    for ty in &t.types {
        eprintln!(
            "type {} ({}): {:?}\n  {}",
            ty.number, ty.size, ty.names, ty.summary.en
        );
    }
    eprintln!(
        "k = {}, silhouette {:?}, by k {:?}\nloo ari mean {:?} min {:?}; boot ari {:?} sd {:?}; stay {:?}",
        t.k,
        t.silhouette,
        t.silhouette_by_k
            .iter()
            .map(|f| (f.k, f.clusters, f.silhouette))
            .collect::<Vec<_>>(),
        s.loo_ari_mean,
        s.loo_ari_min,
        s.bootstrap_ari_mean,
        s.bootstrap_ari_sd,
        s.type_bootstrap_stay
    );
    for n in &t.networks {
        eprintln!(
            "  {} type {} sil {:.2} loo {:?} boot {:?}",
            n.slug, n.type_, n.silhouette, n.loo_stay, n.bootstrap_stay
        );
    }
    eprintln!(
        "lca {:?} best {:?} ari {:?}",
        lca.rows
            .iter()
            .map(|r| (r.classes, r.bic))
            .collect::<Vec<_>>(),
        lca.best_classes,
        lca.ari_with_types
    );
    eprintln!("dropped {:?}", t.dropped);
}

fn var(key: &str, measure: Measure, cats: &[&str]) -> Variable {
    Variable {
        key: key.into(),
        label: Bilingual {
            nl: format!("{key} nl"),
            en: format!("{key} en"),
        },
        measure,
        categories: cats
            .iter()
            .map(|c| Category {
                name: (*c).into(),
                label: Bilingual {
                    nl: (*c).into(),
                    en: (*c).into(),
                },
            })
            .collect(),
        source: format!("test/{key}"),
        rule: "answer".into(),
        n: 0,
        not_answered: 0,
        not_applicable: 0,
    }
}

fn config(features: &[&str]) -> TypologyConfig {
    let mut c = TypologyConfig::builtin();
    c.typology.features = features.iter().map(|s| s.to_string()).collect();
    c.typology.describe = Vec::new();
    c.typology.lca_features = Vec::new();
    c.typology.bootstrap = 50;
    c
}

/// 15 networks in three clear types (5 each) on a numeric, an ordinal, a nominal and an
/// option feature, with a little noise on the numeric one.
fn three_types() -> (Dataset, Vec<String>) {
    let n = 15;
    let ty = |i: usize| i % 3;
    let num: Vec<Option<f64>> = (0..n)
        .map(|i| Some(ty(i) as f64 * 10.0 + (i / 3) as f64 * 0.1))
        .collect();
    let ord: Vec<Option<f64>> = (0..n).map(|i| Some(ty(i) as f64)).collect();
    let nom: Vec<Option<f64>> = (0..n).map(|i| Some(ty(i) as f64)).collect();
    let opt: Vec<Option<f64>> = (0..n).map(|i| Some((ty(i) == 2) as u8 as f64)).collect();
    let ds = Dataset {
        level: "network".into(),
        units: (0..n).map(|i| format!("net-{i:02}")).collect(),
        n_units: n,
        variables: vec![
            var("size", Measure::Numeric, &[]),
            var("freq", Measure::Ordinal, &["low", "mid", "high"]),
            var("kind", Measure::Nominal, &["a", "b", "c"]),
            var("opt.x", Measure::AsymmetricBinary, &[]),
            var("const", Measure::Numeric, &[]),
            var("empty", Measure::Nominal, &["a", "b"]),
        ],
        values: vec![num, ord, nom, opt, vec![Some(1.0); n], vec![None; n]],
        rule: Bilingual::default(),
    };
    let names = (0..n).map(|i| format!("Network {i}")).collect();
    (ds, names)
}

#[test]
fn three_clear_types_are_recovered_exactly_and_stably() {
    let (ds, names) = three_types();
    let cfg = config(&["size", "freq", "kind", "opt.*", "const", "empty"]);
    let t = leernet_analysis::typology::compute(&ds, &names, &cfg).unwrap();
    assert!(t.computed, "{:?}", t.message);
    assert_eq!(t.k, 3);
    // Types numbered by size then first network: network 0 is type 1, 1 type 2, 2 type 3.
    for n in &t.networks {
        let i: usize = n.slug[4..].parse().unwrap();
        assert_eq!(n.type_, i % 3 + 1, "{n:?}");
        assert_eq!(n.loo_stay, Some(1.0));
        assert_eq!(n.bootstrap_stay, Some(1.0));
        assert_eq!(n.bootstrap_jaccard, Some(1.0));
    }
    let s = t.stability.as_ref().unwrap();
    assert_eq!(s.loo_ari_mean, Some(1.0));
    assert_eq!(s.loo_ari_min, Some(1.0));
    assert_eq!(s.bootstrap_ari_mean, Some(1.0));
    assert_eq!(s.overall_bootstrap_stay, Some(1.0));
    // The constant and the empty feature are dropped, with their reason.
    let dropped: Vec<(&str, &str)> = t
        .dropped
        .iter()
        .map(|d| (d.key.as_str(), d.reason.as_str()))
        .collect();
    assert_eq!(
        dropped,
        vec![("const", "constant"), ("empty", "all_missing")]
    );
    // Profiles: type 3 is the one with option x (100% vs 33%).
    let t3 = &t.types[2];
    let row = t3.rows.iter().find(|r| r.key == "opt.x").unwrap();
    assert_eq!((row.value_type, row.difference > 0.6), (1.0, true));
    assert!(
        t3.summary.en.contains("opt.x en (100% vs 33%)"),
        "{}",
        t3.summary.en
    );
    // Identical input, identical output.
    let again = leernet_analysis::typology::compute(&ds, &names, &cfg).unwrap();
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
}

fn not_computed(t: &Typology) -> String {
    assert!(!t.computed);
    assert!(t.types.is_empty() && t.networks.is_empty());
    let m = t.message.as_ref().expect("a message");
    assert!(!m.nl.is_empty());
    m.en.clone()
}

#[test]
fn bad_inputs_give_a_message_not_a_panic() {
    let (ds, names) = three_types();
    // Fewer networks than k_min + 1.
    let mut small = ds.clone();
    small.n_units = 2;
    small.units.truncate(2);
    for v in &mut small.values {
        v.truncate(2);
    }
    let t = leernet_analysis::typology::compute(&small, &names, &config(&["size"])).unwrap();
    assert!(
        not_computed(&t).contains("needs at least 3"),
        "{:?}",
        t.message
    );
    // Only a constant and an all-missing feature: dropped, then no typology.
    let t = leernet_analysis::typology::compute(&ds, &names, &config(&["const", "empty"])).unwrap();
    assert!(not_computed(&t).contains("No feature tells the networks apart"));
    assert_eq!(t.dropped.len(), 2);
    // Every value missing: no network has a feature, so none is clustered.
    let mut empty = ds.clone();
    for v in &mut empty.values {
        v.iter_mut().for_each(|x| *x = None);
    }
    let t =
        leernet_analysis::typology::compute(&empty, &names, &config(&["size", "kind"])).unwrap();
    assert_eq!(t.excluded.len(), 15);
    not_computed(&t);
    // Two networks with no feature in common: Gower cannot compare them.
    let mut apart = ds.clone();
    for i in 0..15 {
        apart.values[0][i] = (i % 2 == 0).then_some(i as f64);
        apart.values[2][i] = (i % 2 == 1).then_some((i % 3) as f64);
    }
    let t =
        leernet_analysis::typology::compute(&apart, &names, &config(&["size", "kind"])).unwrap();
    assert!(not_computed(&t).contains("Gower"), "{:?}", t.message);
    // More types asked than networks allow: k is capped at n - 1 and says so.
    let mut cfg = config(&["size", "freq", "kind"]);
    cfg.typology.k_min = 2;
    cfg.typology.k_max = 40;
    let t = leernet_analysis::typology::compute(&ds, &names, &cfg).unwrap();
    assert!(t.computed);
    assert!(t.k_reason.en.contains("k up to 14"), "{}", t.k_reason.en);
    // A feature the dataset does not hold is listed as dropped, named.
    let t = leernet_analysis::typology::compute(&ds, &names, &config(&["nope", "size", "kind"]))
        .unwrap();
    assert!(t.computed);
    assert_eq!(t.dropped[0].key, "nope");
    assert_eq!(t.dropped[0].reason, "not_in_dataset");
    // Only unknown features: no typology, and the reason says so.
    let t = leernet_analysis::typology::compute(&ds, &names, &config(&["nope"])).unwrap();
    not_computed(&t);
}

#[test]
fn shipped_configuration_parses_and_bad_ones_are_refused() {
    let c = TypologyConfig::builtin();
    assert_eq!(c.typology.linkage, "average");
    for (text, needle) in [
        ("x = 1", "typology.toml"),
        (
            &include_str!("../../../../content/typology.toml").replace("k_min = 2", "k_min = 1"),
            "k_min",
        ),
        (
            &include_str!("../../../../content/typology.toml")
                .replace("linkage = \"average\"", "linkage = \"centroid\""),
            "centroid",
        ),
    ] {
        let e = TypologyConfig::parse(text, "typology.toml").unwrap_err();
        assert!(e.to_string().contains(needle), "{e}");
    }
}

#[test]
fn without_codings_the_features_are_the_closed_answers() {
    let mut data = demo_data();
    data.codings.clear();
    let f = analyse_with_typology(&data, &Overview::builtin(), &TypologyConfig::builtin()).unwrap();
    let t = f.typology.unwrap();
    assert!(t.computed);
    assert!(!t.features.iter().any(|f| f.key.starts_with("code.")));
}

/// The typology pipeline on the demo, held to the reference stack (numpy Gower from the
/// paper, scipy linkage and fcluster, scikit-learn silhouette and ARI) by
/// `tests/reference/typology_reference.py`: silhouette by k, the chosen k, the types (up to
/// their numbering), and the ARI of every leave-one-out and bootstrap replicate. Skipped
/// with a printed reason when the Python environment is unavailable, unless `CI` is set.
#[test]
fn demo_typology_matches_the_python_reference_pipeline() {
    use serde_json::{json, Value};
    let Some(py) = leernet_testkit::tools::python() else {
        return;
    };
    let mut cfg = TypologyConfig::builtin();
    cfg.typology.bootstrap = 60;
    let f = analyse_with_typology(&demo_data(), &Overview::builtin(), &cfg).unwrap();
    let t = f.typology.unwrap();
    let ds = f.datasets.unwrap().network;
    let rows: Vec<usize> = (0..ds.n_units)
        .filter(|&r| !t.excluded.contains(&ds.units[r]))
        .collect();
    let features: Vec<Value> = t
        .features
        .iter()
        .map(|ft| {
            let i = ds.index(&ft.key).unwrap();
            let vals: Vec<Option<f64>> = rows.iter().map(|&r| ds.values[i][r]).collect();
            json!({ "measure": ft.measure, "values": vals })
        })
        .collect();
    let case = json!({
        "features": features, "n": rows.len(), "linkage": cfg.typology.linkage,
        "k_min": cfg.typology.k_min, "k_max": cfg.typology.k_max,
        "seed": cfg.typology.seed, "bootstrap": cfg.typology.bootstrap,
    });
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (input, output) = (dir.join("typology_in.json"), dir.join("typology_out.json"));
    std::fs::write(&input, serde_json::to_vec(&case).unwrap()).unwrap();
    let st = std::process::Command::new(&py)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/reference/typology_reference.py"
        ))
        .arg(&input)
        .arg(&output)
        .status()
        .unwrap();
    assert!(st.success(), "typology_reference.py failed");
    let r: Value = serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    let close = |a: f64, b: &Value, what: &str| {
        let b = b.as_f64().unwrap();
        assert!(
            (a - b).abs() <= 1e-9,
            "{what}: leernet {a} vs reference {b}"
        );
    };
    let by_k = r["by_k"].as_array().unwrap();
    assert_eq!(by_k.len(), t.silhouette_by_k.len());
    for (ours, theirs) in t.silhouette_by_k.iter().zip(by_k) {
        assert_eq!(ours.clusters as u64, theirs["clusters"].as_u64().unwrap());
        close(
            ours.silhouette.unwrap(),
            &theirs["silhouette"],
            "silhouette",
        );
    }
    assert_eq!(t.k as u64, r["k"].as_u64().unwrap());
    close(t.silhouette.unwrap(), &r["silhouette"], "chosen silhouette");
    let ref_labels: Vec<usize> = r["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect();
    let ours: Vec<usize> = t.networks.iter().map(|n| n.type_).collect();
    assert_eq!(
        leernet_stats::cluster::adjusted_rand_index(&ours, &ref_labels).unwrap(),
        1.0,
        "same types up to numbering"
    );
    let st = t.stability.unwrap();
    let loo = r["loo_ari"].as_array().unwrap();
    assert_eq!(loo.len(), st.loo_ari.len());
    for ((_, a), b) in st.loo_ari.iter().zip(loo) {
        close(*a, b, "leave-one-out ARI");
    }
    let boot: Vec<f64> = r["boot_ari"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(boot.len(), st.bootstrap_used);
    let mean = boot.iter().sum::<f64>() / boot.len() as f64;
    close(
        st.bootstrap_ari_mean.unwrap(),
        &json!(mean),
        "bootstrap mean ARI",
    );
}

#[test]
fn without_the_member_questionnaire_the_typology_still_runs() {
    let mut data = demo_data();
    let member = data.instruments[1].id;
    let wave = data
        .waves
        .iter()
        .find(|w| w.instrument == member)
        .unwrap()
        .id;
    data.instruments.retain(|i| i.id != member);
    data.waves.retain(|w| w.id != wave);
    let kept: std::collections::BTreeSet<ResponseId> = data
        .responses
        .iter()
        .filter(|r| r.wave != wave)
        .map(|r| r.id)
        .collect();
    data.responses.retain(|r| kept.contains(&r.id));
    data.codings.retain(|c| kept.contains(&c.segment.response));
    // (The dataset and typology directly: `analyse` itself still needs every instrument
    // that the overview's member section names, see figures.rs.)
    let cfg = TypologyConfig::builtin();
    let forms = leernet_analysis::Forms::read(&data.instruments).unwrap();
    let ds = leernet_analysis::dataset::build(&data, &forms, &Overview::builtin(), &cfg).unwrap();
    let names: Vec<String> = data.networks.iter().map(|n| n.name.clone()).collect();
    let t = leernet_analysis::typology::compute(&ds.network, &names, &cfg).unwrap();
    assert!(t.computed, "{:?}", t.message);
    assert_eq!(t.n, 17);
    assert_eq!(ds.member.n_units, 0);
    assert!(ds.network.index("learning_climate_mean").is_none());
}

#[test]
fn demo_crosstabs_by_type() {
    let a = analyse(&demo_data(), &Overview::builtin()).unwrap();
    let t = a.typology.as_ref().unwrap();
    // Formality (ordinal) and who sets the agenda (options) by type.
    for key in ["org_form", "agenda_setting.participants_together"] {
        let c = t
            .crosstabs
            .iter()
            .find(|c| c.key == key)
            .unwrap_or_else(|| panic!("no cross-table of {key}"));
        assert_eq!(c.counts.iter().flatten().sum::<u64>() as usize, c.n);
        // Each column holds the type's networks that answered: at most its size.
        for (j, &ty) in c.types.iter().enumerate() {
            let col: u64 = c.counts.iter().map(|r| r[j]).sum();
            assert!(col as usize <= t.types[ty - 1].size, "{key} type {ty}");
        }
        let chi = leernet_stats::descriptives::chi_square(&c.counts, false).unwrap();
        assert_eq!(c.chi_square, Some(chi.statistic));
        assert_eq!(c.p_value, Some(chi.p_value));
        // 17 networks: expected counts below 5, and the table says so in both languages.
        assert!(c.low_expected_warning);
        let note = c.note.as_ref().unwrap();
        assert!(note.en.contains("unreliable") && note.nl.contains("onbetrouwbaar"));
        assert_eq!(
            c.fisher_p.is_some(),
            c.cells == 4,
            "{key}: Fisher only for 2 x 2"
        );
    }
    assert!(t.crosstabs.iter().all(|c| c.measure != Measure::Numeric));
}

/// Leave-one-out reclusters once per network (n times O(n²)): above `loo_max_networks` it
/// is left out, the method says so, and the bootstrap still measures stability.
#[test]
fn leave_one_out_is_left_out_above_its_bound_and_the_method_says_so() {
    let (ds, names) = three_types();
    let mut cfg = config(&["size", "freq", "kind", "opt.*"]);
    cfg.typology.loo_max_networks = 15;
    let t = leernet_analysis::typology::compute(&ds, &names, &cfg).unwrap();
    let s = t.stability.as_ref().unwrap();
    assert_eq!(s.loo_ari.len(), 15);
    assert!(t.networks.iter().all(|n| n.loo_stay == Some(1.0)));
    assert!(s
        .description
        .nl
        .starts_with("Leave-one-out (15 herhalingen)"));

    cfg.typology.loo_max_networks = 14;
    let t = leernet_analysis::typology::compute(&ds, &names, &cfg).unwrap();
    let s = t.stability.as_ref().unwrap();
    assert!(s.loo_ari.is_empty());
    assert_eq!(s.loo_ari_mean, None);
    assert!(t
        .networks
        .iter()
        .all(|n| n.loo_stay.is_none() && n.loo_jaccard.is_none()));
    assert_eq!(s.bootstrap_ari_mean, Some(1.0));
    assert!(t.networks.iter().all(|n| n.bootstrap_stay == Some(1.0)));
    assert!(
        s.description
            .nl
            .starts_with("Geen leave-one-out (meer dan 14 netwerken"),
        "{}",
        s.description.nl
    );
    assert!(s
        .description
        .en
        .starts_with("No leave-one-out (more than 14 networks"));
    assert!(s
        .method
        .starts_with("no leave-one-out (more than 14 networks"));
}

/// A researcher's name for a type follows the type's networks, not its number: it stands in
/// the typology, on the handreikingen and wherever the type appears; a name of networks that
/// overlap less than half with every type names none; two names never go to one type.
#[test]
fn a_researchers_name_follows_the_types_networks() {
    let mut data = demo_data();
    let before = analyse(&data, &Overview::builtin()).unwrap();
    let t = before.typology.as_ref().unwrap();
    assert!(t.computed && t.types.len() >= 2, "{:?}", t.message);
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let first = sorted(&t.types[0].networks);
    let second = sorted(&t.types[1].networks);
    let rules_name = t.types[1].name.clone();
    let naming = |networks: Vec<String>, nl: &str| TypeNaming {
        networks,
        name: Bilingual {
            nl: nl.into(),
            en: format!("{nl} (en)"),
        },
    };
    // The first type's networks with one network more that no type of it has, and one of
    // them left out: still the first type (overlap ≥ ½); a name of one network of the
    // second type and of many strangers names nothing.
    let mut near_first = first.clone();
    near_first.push("een-netwerk-dat-er-niet-meer-is".into());
    if near_first.len() > 3 {
        near_first.remove(0);
    }
    let mut strangers: Vec<String> = (0..10).map(|i| format!("vreemd-{i}")).collect();
    strangers.push(second[0].clone());
    strangers.sort();
    data.type_names = vec![
        naming(near_first.clone(), "Samen sturen"),
        naming(strangers, "Nergens"),
    ];
    let after = analyse(&data, &Overview::builtin()).unwrap();
    let ta = after.typology.as_ref().unwrap();
    assert_eq!(ta.types[0].name.nl, "Samen sturen");
    assert_eq!(ta.types[0].name.en, "Samen sturen (en)");
    assert_eq!(
        ta.types[1].name, rules_name,
        "an overlap below ½ names nothing"
    );
    assert!(ta.types.iter().all(|tp| tp.name.nl != "Nergens"));
    // the handreiking of a network of the first type carries the name
    let h = after
        .handles
        .handreikingen
        .iter()
        .find(|h| h.slug == first[0])
        .expect("a handreiking of the first type's network");
    assert_eq!(
        h.network_type.as_ref().map(|r| r.name.nl.as_str()),
        Some("Samen sturen")
    );
    // Two names of the same networks: the best overlap wins, and the later of equals; the
    // other names no second type.
    data.type_names = vec![naming(first.clone(), "Oud"), naming(first.clone(), "Nieuw")];
    let twice = analyse(&data, &Overview::builtin()).unwrap();
    let tt = twice.typology.as_ref().unwrap();
    assert_eq!(tt.types[0].name.nl, "Nieuw");
    assert_eq!(
        tt.types.iter().filter(|tp| tp.name.nl == "Oud").count(),
        0,
        "a name goes to one type only"
    );
    // the overlap itself: shared / together
    let n = naming(vec!["a".into(), "b".into(), "c".into()], "x");
    assert_eq!(n.overlap(&["b".into(), "c".into(), "d".into()]), 0.5);
    assert_eq!(n.overlap(&[]), 0.0);
    assert_eq!(naming(vec![], "x").overlap(&[]), 0.0);
}
