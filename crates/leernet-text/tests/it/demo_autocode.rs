//! The auto-coder on the fictional demo study: precision and recall of its suggestions
//! against the two researchers' codings (`demo/codings.csv`), with the rules in
//! `content/autocode.toml`.

use leernet_text::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// respondent → question → answer
fn answers() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for file in ["demo/responses/network.csv", "demo/responses/member.csv"] {
        let text = read(file);
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let headers = rdr.headers().unwrap().clone();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let row: BTreeMap<String, String> = headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect();
            let who = row
                .get("respondent")
                .cloned()
                .unwrap_or_else(|| row["network"].clone());
            out.insert(who, row);
        }
    }
    out
}

/// Human codings as spans; `coder` None = both coders (the union).
fn human(all: &BTreeMap<String, BTreeMap<String, String>>, coder: Option<&str>) -> Vec<SpanUnit> {
    let text = read("demo/codings.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if coder.is_some_and(|c| c != &rec[0]) {
            continue;
        }
        let answer = &all[&rec[1]][&rec[2]];
        let (start, end) = if rec[4].is_empty() {
            (0, answer.chars().count())
        } else {
            let at = answer.find(&rec[4]).unwrap();
            let s = answer[..at].chars().count();
            (s, s + rec[4].chars().count())
        };
        out.push(SpanUnit {
            item: format!("{}/{}", &rec[1], &rec[2]),
            code: rec[3].to_owned(),
            span: Span { start, end },
        });
    }
    out
}

fn rules() -> RuleSet {
    RuleSet::from_toml("content/autocode.toml", &read("content/autocode.toml")).unwrap()
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "-".into())
}

#[test]
fn the_rules_name_only_codes_of_the_codebook() {
    let book = read("demo/codebook.toml");
    let keys: BTreeSet<String> = book
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end_matches('"').to_owned())
        .collect();
    let r = rules();
    for c in &r.codes {
        assert!(
            keys.contains(&c.key),
            "{} is not in demo/codebook.toml",
            c.key
        );
    }
    for fams in r.questions.values() {
        for f in fams {
            assert!(keys.contains(f), "family {f} is not in demo/codebook.toml");
        }
    }
}

#[test]
fn precision_and_recall_on_the_demo_study() {
    let all = answers();
    let r = rules();
    let coder = AutoCoder::new(&r);
    let mut list = Vec::new();
    for (who, row) in &all {
        for q in r.questions.keys() {
            if let Some(t) = row.get(q).filter(|t| !t.is_empty()) {
                list.push(Answer {
                    item: format!("{who}/{q}"),
                    question: q.clone(),
                    text: t.clone(),
                });
            }
        }
    }
    let both = evaluate_autocoder(&coder, &list, &human(&all, None));
    println!(
        "auto-coder on the demo study: {} answers, {} suggestions",
        both.answers, both.suggestions
    );
    let line = |what: &str, f: &Figures| {
        println!(
            "  {what:<38} precision {:>6}  recall {:>6}  F1 {:>6}  (tp {}, fp {}, fn {})",
            pct(f.precision),
            pct(f.recall),
            pct(f.f1),
            f.true_positives,
            f.false_positives,
            f.false_negatives
        )
    };
    line("answers x codes, either coder", &both.by_answer.overall);
    line("segments (overlap), either coder", &both.by_segment.overall);
    for c in [
        "fenna.kloosterboer@example.org",
        "joris.oudendijk@example.org",
    ] {
        let e = evaluate_autocoder(&coder, &list, &human(&all, Some(c)));
        line(
            &format!("answers x codes, {}", &c[..c.find('.').unwrap()]),
            &e.by_answer.overall,
        );
    }
    let mut fam: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (k, f) in &both.by_answer.per_code {
        let e = fam.entry(k.split('.').next().unwrap()).or_default();
        e.0 += f.true_positives;
        e.1 += f.false_positives;
        e.2 += f.false_negatives;
    }
    for (k, (tp, fp, fn_)) in fam {
        line(&format!("family {k}"), &Figures::from_counts(tp, fp, fn_));
    }
    // Measured when the rules were written (answers x codes, either coder): precision
    // 77.2%, recall 68.9%; segments: 79.5% and 72.3%. The floors sit a little under that, so
    // that a change to the rules or the matcher that loses more fails here.
    let p = both.by_answer.overall.precision.unwrap();
    let rc = both.by_answer.overall.recall.unwrap();
    assert!(p >= 0.72 && rc >= 0.64, "precision {p}, recall {rc}");
    let p = both.by_segment.overall.precision.unwrap();
    let rc = both.by_segment.overall.recall.unwrap();
    assert!(
        p >= 0.74 && rc >= 0.67,
        "segments: precision {p}, recall {rc}"
    );
}

#[test]
fn the_issues_examples_with_the_demo_rules() {
    let coder = AutoCoder::new(&rules());
    let s = coder.suggest(
        Some("themes_other"),
        "Samenwerkingsvraagstukken; we samenwerken, zij samenwerkt. Een integrale aanpak.",
    );
    let got: Vec<(&str, &str)> = s
        .iter()
        .map(|s| (s.code.as_str(), s.matched.as_str()))
        .collect();
    for want in [
        ("theme.collaboration", "Samenwerkingsvraagstukken"),
        ("theme.collaboration", "samenwerken"),
        ("theme.collaboration", "samenwerkt"),
        ("theme.integrated_care_welfare", "integrale"),
    ] {
        assert!(got.contains(&want), "{want:?} not in {got:?}");
    }
    // An exclusion: working with residents is inclusion, not collaboration between organisations.
    let s = coder.suggest(Some("learned"), "Samenwerken met bewoners als gelijken");
    assert!(s.iter().all(|s| s.code != "theme.collaboration"), "{s:?}");
}

#[test]
fn slow_question_hints_on_the_demo_answers() {
    // Answers to the two slow-question questions should mostly be flagged; answers about
    // outcomes and tips should mostly not.
    let all = answers();
    let lex = SlowLexicon::default();
    let mut count = BTreeMap::<&str, (usize, usize)>::new();
    for row in all.values() {
        for q in [
            "slow_questions_examples",
            "slow_question",
            "outcomes",
            "practice_change",
            "learned",
        ] {
            if let Some(t) = row.get(q).filter(|t| !t.is_empty()) {
                let e = count.entry(q).or_default();
                e.1 += 1;
                if !lex.hints(t).is_empty() {
                    e.0 += 1;
                }
            }
        }
    }
    for (q, (hit, n)) in &count {
        println!("  slow-question candidates in {q:<24} {hit:>3} of {n:>3} answers");
    }
    let share = |q: &str| count[q].0 as f64 / count[q].1 as f64;
    // Measured: slow_question 123 of 131, slow_questions_examples 15 of 16, practice_change
    // 4 of 137, learned 0 of 149, outcomes 0 of 17 (the lexicon was written with these
    // answers in view).
    assert!(share("slow_question") >= 0.85, "{count:?}");
    assert!(share("slow_questions_examples") >= 0.8, "{count:?}");
    assert!(share("practice_change") <= 0.1, "{count:?}");
    assert!(share("learned") <= 0.1, "{count:?}");
}

#[test]
fn search_over_the_demo_answers_with_filters() {
    let all = answers();
    let r = rules();
    let mut docs = Vec::new();
    let mut who = Vec::new();
    let coded = human(&all, None);
    for (resp, row) in &all {
        for q in r.questions.keys() {
            if let Some(t) = row.get(q).filter(|t| !t.is_empty()) {
                let item = format!("{resp}/{q}");
                let mut codes: Vec<String> = coded
                    .iter()
                    .filter(|c| c.item == item)
                    .map(|c| c.code.clone())
                    .collect();
                codes.dedup();
                docs.push(SearchDoc {
                    id: docs.len() as u64,
                    wave: "2026".into(),
                    network: row["network"].clone(),
                    question: q.clone(),
                    codes,
                    text: t.clone(),
                });
                who.push(item);
            }
        }
    }
    let idx = SearchIndex::build(&docs).unwrap();
    let hits = idx
        .search(&SearchQuery {
            text: "samenwerking".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(hits.len() >= 15, "{}", hits.len());
    // Every hit holds a word with the stem, or a compound with it.
    for h in &hits {
        let t = docs[h.id as usize].text.to_lowercase();
        assert!(t.contains("samenwerk") || t.contains("collaborat"), "{t}");
    }
    let q = SearchQuery {
        text: "samenwerking".into(),
        network: Some("havenmond-wijkkracht".into()),
        question: Some("learned".into()),
        code: Some("theme.collaboration".into()),
        wave: Some("2026".into()),
        limit: 0,
    };
    for h in idx.search(&q).unwrap() {
        let d = &docs[h.id as usize];
        assert_eq!(
            (d.network.as_str(), d.question.as_str()),
            ("havenmond-wijkkracht", "learned")
        );
        assert!(d.codes.iter().any(|c| c == "theme.collaboration"));
    }
    println!(
        "search: {} answers indexed, {} hits for \"samenwerking\"",
        docs.len(),
        hits.len()
    );
}
