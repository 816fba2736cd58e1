//! The answer model: visibility, required, constraints, calculations, choice filters
//! and repeats, on small forms.

use crate::common;
use common::valid;
use leernet_xlsform::{Answers, EvalOptions};

const FORM: &str = r#"
| survey |
|        | type               | name    | label::nl     | label::en   | relevant               | required | constraint          | constraint_message::nl | constraint_message::en | calculation            | choice_filter | required_message::en |
|        | integer            | age     | Leeftijd      | Age         |                        | yes      | . >= 0 and . < 130  | Ongeldige leeftijd     | Invalid age            |                        |               | Age please           |
|        | select_one yn      | works   | Werkt u?      | Working?    | ${age} >= 16           | yes      |                     |                        |                        |                        |               |                      |
|        | text               | job     | Beroep        | Job         | ${works} = 'yes'       | yes      |                     |                        |                        |                        |               |                      |
|        | calculate          | decade  |               |             |                        |          |                     |                        |                        | int(${age} div 10)     |               |                      |
|        | begin_group        | more    | Meer          | More        | ${decade} >= 2         |          |                     |                        |                        |                        |               |                      |
|        | select_multiple fr | fruit   | Fruit         | Fruit       |                        |          | count-selected(.) <= 2 |                     | At most two            |                        |               |                      |
|        | select_one city    | city    | Stad          | City        |                        |          |                     |                        |                        |                        | region = ${region} |                 |
|        | end_group          |         |               |             |                        |          |                     |                        |                        |                        |               |                      |
|        | select_one reg     | region  | Regio         | Region      |                        |          |                     |                        |                        |                        |               |                      |
|        | begin_repeat       | kid     | Kind          | Child       |                        |          |                     |                        |                        |                        |               |                      |
|        | integer            | kid_age | Leeftijd kind | Child age   |                        | yes      | . < ${age}          |                        |                        |                        |               |                      |
|        | calculate          | kid_pos |               |             |                        |          |                     |                        |                        | position(..)           |               |                      |
|        | end_repeat         |         |               |             |                        |          |                     |                        |                        |                        |               |                      |
|        | calculate          | n_kids  |               |             |                        |          |                     |                        |                        | count(${kid})          |               |                      |
|        | calculate          | sum_age |               |             |                        |          |                     |                        |                        | sum(${kid_age})        |               |                      |
| choices |
|         | list_name | name  | label::nl | label::en | region |
|         | yn        | yes   | Ja        | Yes       |        |
|         | yn        | no    | Nee       | No        |        |
|         | fr        | apple | Appel     | Apple     |        |
|         | fr        | pear  | Peer      | Pear      |        |
|         | fr        | plum  | Pruim     | Plum      |        |
|         | reg       | n     | Noord     | North     |        |
|         | reg       | s     | Zuid      | South     |        |
|         | city      | gron  | Groningen | Groningen | n      |
|         | city      | maas  | Maastricht | Maastricht | s    |
|         | city      | leeu  | Leeuwarden | Leeuwarden | n    |
| settings |
|          | default_language |
|          | nl               |
"#;

fn opts(lang: &str) -> EvalOptions<'_> {
    EvalOptions {
        lang,
        now: Some(19_787.5),
        last_saved: None,
    }
}

#[test]
fn empty_answers() {
    let f = valid(FORM);
    let e = f.evaluate(&Answers::default(), &opts("nl"));
    assert!(e.is_relevant("age"));
    assert!(
        !e.is_relevant("works"),
        "age empty: ${{age}} >= 16 is false"
    );
    assert!(!e.is_relevant("fruit"), "group not relevant");
    assert_eq!(e.value("decade"), Some(""), "NaN is stored as empty");
    let missing: Vec<String> = e.missing_required().into_iter().map(|m| m.0).collect();
    assert_eq!(missing, ["age"]);
    assert!(!e.is_complete());
}

#[test]
fn relevance_required_and_calculation_follow_answers() {
    let f = valid(FORM);
    let a = Answers::from_pairs([("age", "34"), ("works", "yes")]);
    let e = f.evaluate(&a, &opts("en"));
    assert!(e.is_relevant("works") && e.is_relevant("job"));
    assert_eq!(e.value("decade"), Some("3"));
    assert!(e.is_relevant("fruit"));
    let missing = e.missing_required();
    assert_eq!(
        missing,
        [("job".to_string(), "This answer is required.".to_string())]
    );
    let vis = e.visible();
    assert!(vis.contains(&"city") && !vis.contains(&"decade"));
}

#[test]
fn non_relevant_answers_count_as_empty() {
    let f = valid(FORM);
    // works=no hides job, even though a job was typed earlier
    let a = Answers::from_pairs([("age", "34"), ("works", "no"), ("job", "baker")]);
    let e = f.evaluate(&a, &opts("en"));
    assert!(!e.is_relevant("job"));
    assert_eq!(e.value("job"), Some(""));
    assert!(e.is_complete(), "{:?}", e.missing_required());
}

#[test]
fn constraints_fail_with_translated_messages() {
    let f = valid(FORM);
    let a = Answers::from_pairs([("age", "200")]);
    assert_eq!(
        f.evaluate(&a, &opts("en")).failing_constraints(),
        [("age".to_string(), "Invalid age".to_string())]
    );
    assert_eq!(
        f.evaluate(&a, &opts("nl")).failing_constraints(),
        [("age".to_string(), "Ongeldige leeftijd".to_string())]
    );
    // only the nl message exists for fruit? no: only en; nl falls back to it
    let a = Answers::from_pairs([("age", "30"), ("works", "no"), ("fruit", "apple pear plum")]);
    let f2 = f.evaluate(&a, &opts("nl"));
    assert_eq!(
        f2.failing_constraints(),
        [("fruit".to_string(), "At most two".to_string())]
    );
    assert!(f
        .evaluate(
            &Answers::from_pairs([("age", "30"), ("works", "no"), ("fruit", "apple pear")]),
            &opts("nl")
        )
        .is_complete());
    // a missing required answer reports the required_message in the language asked
    assert_eq!(
        f.evaluate(&Answers::default(), &opts("en"))
            .missing_required()[0]
            .1,
        "Age please"
    );
}

#[test]
fn choice_filter_keeps_matching_choices() {
    let f = valid(FORM);
    let a = Answers::from_pairs([("age", "30"), ("region", "n")]);
    let e = f.evaluate(&a, &opts("nl"));
    let names: Vec<&str> = e.choices("city").iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["gron", "leeu"]);
    let a = Answers::from_pairs([("age", "30"), ("region", "s")]);
    let e = f.evaluate(&a, &opts("nl"));
    assert_eq!(
        e.state("city").unwrap().choices.as_deref(),
        Some(&["maas".to_string()][..])
    );
    // no filter: all choices
    assert_eq!(e.choices("fruit").len(), 3);
}

#[test]
fn repeats_evaluate_per_instance_and_aggregate() {
    let f = valid(FORM);
    let mut a = Answers::from_pairs([("age", "40"), ("works", "no")]);
    a.repeats.insert(
        "kid".into(),
        vec![
            Answers::from_pairs([("kid_age", "5")]),
            Answers::from_pairs([("kid_age", "50")]),
            Answers::from_pairs([]),
        ],
    );
    let e = f.evaluate(&a, &opts("en"));
    let kids = &e.repeats["kid"];
    assert_eq!(kids.len(), 3);
    assert_eq!(kids[1].value("kid_pos"), Some("2"));
    assert!(kids[0].is_complete());
    assert_eq!(
        kids[1].failing_constraints().len(),
        1,
        "50 is not below the parent's age 40"
    );
    assert_eq!(e.value("n_kids"), Some("3"));
    assert_eq!(
        e.value("sum_age"),
        Some(""),
        "sum over an empty value is NaN, stored empty"
    );
    let missing: Vec<String> = e.missing_required().into_iter().map(|m| m.0).collect();
    assert_eq!(missing, ["kid[3]/kid_age"]);
    let failing: Vec<String> = e.failing_constraints().into_iter().map(|m| m.0).collect();
    assert_eq!(failing, ["kid[2]/kid_age"]);
}

#[test]
fn repeat_count_and_relevant_repeat() {
    let f = valid(
        r#"
| survey |
|        | type         | name  | label | repeat_count | relevant    |
|        | integer      | n     | N     |              |             |
|        | begin_repeat | r     | R     | ${n}         | ${n} > 0    |
|        | text         | x     | X     |              |             |
|        | end_repeat   |       |       |              |             |
"#,
    );
    let mut a = Answers::from_pairs([("n", "2")]);
    a.repeats
        .insert("r".into(), vec![Answers::from_pairs([("x", "a")])]);
    let e = f.evaluate(&a, &EvalOptions::default());
    assert_eq!(e.repeat_counts["r"], 2);
    assert!(e.repeats["r"][0].is_relevant("x"));
    a.set("n", "0");
    let e = f.evaluate(&a, &EvalOptions::default());
    assert!(!e.repeats["r"][0].is_relevant("x"));
}

#[test]
fn calculations_in_dependency_order_not_sheet_order() {
    let f = valid(
        r#"
| survey |
|        | type      | name | label | calculation |
|        | calculate | c    |       | ${b} + 1    |
|        | calculate | b    |       | ${a} * 2    |
|        | integer   | a    | A     |             |
"#,
    );
    let e = f.evaluate(&Answers::from_pairs([("a", "5")]), &EvalOptions::default());
    assert_eq!(e.value("c"), Some("11"));
    assert_eq!(e.computed(), [("c", "11"), ("b", "10")]);
}

#[test]
fn choice_name_and_dates() {
    let f = valid(
        r#"
| survey |
|        | type          | name | label::nl | label::en | calculation                | constraint    |
|        | select_one yn | q    | Q         | Q         |                            |               |
|        | calculate     | lbl  |           |           | jr:choice-name(${q}, '${q}') |             |
|        | date          | d    | D         | D         |                            | . <= today()  |
|        | calculate     | t    |           |           | today()                    |               |
| choices |
|         | list_name | name | label::nl | label::en |
|         | yn        | yes  | Ja        | Yes       |
"#,
    );
    let a = Answers::from_pairs([("q", "yes"), ("d", "2030-01-01")]);
    let o = EvalOptions {
        lang: "en",
        now: Some(19_787.5),
        last_saved: None,
    };
    let e = f.evaluate(&a, &o);
    assert_eq!(e.value("lbl"), Some("Yes"));
    assert_eq!(e.value("t"), Some("2024-03-05"));
    assert_eq!(e.failing_constraints().len(), 1);
    let o = EvalOptions {
        lang: "nl",
        now: Some(19_787.5),
        last_saved: None,
    };
    assert_eq!(f.evaluate(&a, &o).value("lbl"), Some("Ja"));
}

#[test]
fn submission_values_render_and_defaults() {
    let f = valid(
        r#"
| survey |
|        | type          | name | label::nl         | label::en          | relevant     | default |
|        | select_one yn | q    | Vraag             | Question           |              | no      |
|        | text          | why  | Waarom ${q}?      | Why ${q}?          | ${q} = 'yes' |         |
|        | note          | n    | Dank              | Thanks             |              |         |
|        | integer       | k    | K                 | K                  |              | 3       |
| choices |
|         | list_name | name | label::nl | label::en |
|         | yn        | yes  | Ja        | Yes       |
|         | yn        | no   | Nee       | No        |
"#,
    );
    let a = f.default_answers();
    assert_eq!(a.values.get("q").map(String::as_str), Some("no"));
    assert_eq!(a.values.get("k").map(String::as_str), Some("3"));
    let mut a = a;
    a.set("why", "typed before q changed");
    let e = f.evaluate(&a, &EvalOptions::default());
    assert_eq!(e.submission_values(), [("q", "no"), ("k", "3")]);
    a.set("q", "yes");
    let e = f.evaluate(&a, &EvalOptions::default());
    let why = f.question("why").unwrap();
    assert_eq!(e.render(why.label.get("nl"), "nl"), "Waarom Ja?");
    assert_eq!(e.render(why.label.get("en"), "en"), "Why Yes?");
    assert_eq!(
        e.render("${k} and ${missing} and ${open", "en"),
        "3 and  and ${open"
    );
}

#[test]
fn a_plain_map_is_a_scope_for_rules() {
    use leernet_xlsform::expr::parse;
    use std::collections::HashMap;
    let profile: HashMap<String, String> = [("formality", "4"), ("has_facilitator", "yes")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let rule = parse("${formality} >= 3 and ${has_facilitator} = 'yes'").unwrap();
    assert!(rule.eval_bool(&profile));
    assert!(!parse("${formality} > 4").unwrap().eval_bool(&profile));
}

#[test]
fn a_form_can_be_shared_between_threads() {
    // the web tier keeps one Form per instrument and evaluates from many requests
    fn shared<T: Send + Sync>() {}
    shared::<leernet_xlsform::Form>();
    shared::<leernet_xlsform::expr::Expr>();
}

#[test]
fn the_flat_layout_carries_repeat_instances_both_ways() {
    let f = valid(FORM);
    let flat: std::collections::BTreeMap<String, String> = [
        ("age", "40"),
        ("kid", "3"),
        ("kid[1]/kid_age", "5"),
        ("kid[2]/kid_age", "50"),
        ("kid[999999]/kid_age", "1"), // beyond the cap: ignored
        ("kid[x]/kid_age", "1"),      // malformed: ignored
        ("age[1]/kid_age", "1"),      // not a repeat: ignored
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let a = Answers::from_flat(&f, &flat);
    assert_eq!(a.values.get("age").map(String::as_str), Some("40"));
    assert_eq!(a.repeats["kid"].len(), 3, "the count keeps the empty third");
    let e = f.evaluate(&a, &opts("en"));
    assert_eq!(e.value("n_kids"), Some("3"));
    let failing: Vec<String> = e.failing_constraints().into_iter().map(|m| m.0).collect();
    assert_eq!(failing, ["kid[2]/kid_age"]);
    let back = a.to_flat();
    let expected: Vec<(&str, &str)> = vec![
        ("age", "40"),
        ("kid", "3"),
        ("kid[1]/kid_age", "5"),
        ("kid[2]/kid_age", "50"),
    ];
    assert_eq!(
        back.iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(Answers::from_flat(&f, &back), a);
}
