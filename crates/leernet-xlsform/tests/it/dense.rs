//! `Form::evaluate_dense` (answers by question index, for imports) against
//! `Form::evaluate` (answers by name): for any answers without repeat instances, the same
//! relevance, required, constraints, choice filters, group relevance and messages.

use crate::common;
use common::{own_forms_dir, valid};
use leernet_xlsform::{Answers, EvalOptions, Form, QuestionKind};
use proptest::prelude::*;

/// Groups, a calculation, a choice filter, constraints with messages, required with and
/// without a message, skip rules on earlier answers, and a repeat (left without
/// instances) read from outside.
const FORM: &str = r#"
| survey |
|        | type               | name    | label::nl | label::en | relevant          | required | constraint              | constraint_message::en | calculation        | choice_filter      | required_message::en | read_only |
|        | integer            | age     | Leeftijd  | Age       |                   | yes      | . >= 0 and . < 130      | Invalid age            |                    |                    | Age please           |           |
|        | select_one yn      | works   | Werkt u?  | Working?  | ${age} >= 16      | yes      |                         |                        |                    |                    |                      |           |
|        | text               | job     | Beroep    | Job       | ${works} = 'yes'  | yes      | string-length(.) < 6    |                        |                    |                    |                      | ${age} > 90 |
|        | calculate          | decade  |           |           |                   |          |                         |                        | int(${age} div 10) |                    |                      |           |
|        | begin_group        | more    | Meer      | More      | ${decade} >= 2    |          |                         |                        |                    |                    |                      |           |
|        | select_multiple fr | fruit   | Fruit     | Fruit     |                   |          | count-selected(.) <= 2  | At most two            |                    |                    |                      |           |
|        | select_one city    | city    | Stad      | City      |                   | ${works} = 'no' |                  |                        |                    | region = ${region} |                      |           |
|        | end_group          |         |           |           |                   |          |                         |                        |                    |                    |                      |           |
|        | select_one reg     | region  | Regio     | Region    |                   |          |                         |                        |                    |                    |                      |           |
|        | decimal            | score   | Score     | Score     | selected(${fruit}, 'pear') |  | . > ${age} div 100     |                        |                    |                    |                      |           |
|        | begin_repeat       | kid     | Kind      | Child     |                   |          |                         |                        |                    |                    |                      |           |
|        | integer            | kid_age | Kind      | Child age |                   | yes      | . < ${age}              |                        |                    |                    |                      |           |
|        | end_repeat         |         |           |           |                   |          |                         |                        |                    |                    |                      |           |
|        | calculate          | n_kids  |           |           |                   |          |                         |                        | count(${kid})      |                    |                      |           |
| choices |
|         | list_name | name  | label::nl  | label::en  | region |
|         | yn        | yes   | Ja         | Yes        |        |
|         | yn        | no    | Nee        | No         |        |
|         | fr        | apple | Appel      | Apple      |        |
|         | fr        | pear  | Peer       | Pear       |        |
|         | fr        | plum  | Pruim      | Plum       |        |
|         | reg       | n     | Noord      | North      |        |
|         | reg       | s     | Zuid       | South      |        |
|         | city      | gron  | Groningen  | Groningen  | n      |
|         | city      | maas  | Maastricht | Maastricht | s      |
| settings |
|          | default_language |
|          | nl               |
"#;

/// Candidate answers for a question: empty, valid and invalid ones of its type.
fn pool(form: &Form, kind: &QuestionKind) -> Vec<String> {
    let mut out = vec![String::new(), "x".into(), "  ".into()];
    match kind {
        QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Range { .. } => {
            out.extend(["0", "1", "15", "16", "25", "91", "-3", "130", "2.5"].map(String::from))
        }
        _ => {}
    }
    if let Some(list) = kind.choice_source().and_then(|l| form.choices(l)) {
        let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
        out.extend(names.iter().map(|n| n.to_string()));
        if kind.is_multiple() && names.len() > 1 {
            out.push(format!("{} {}", names[0], names[1]));
            out.push(names.join(" "));
        }
    }
    out.extend(["yes", "no", "abcdefgh", "2024-01-31"].map(String::from));
    out
}

/// What the two evaluations must share, as comparable text.
fn outcome(form: &Form, e: &leernet_xlsform::Evaluation<'_>) -> String {
    let mut s = String::new();
    for (q, st) in form.questions().zip(&e.states) {
        if q.repeat.is_some() {
            continue;
        }
        s.push_str(&format!(
            "{}: relevant={} evaluated={} missing={} {:?} failed={} {:?} ro={} choices={:?}\n",
            q.name,
            st.relevant,
            st.evaluated,
            st.missing_required,
            st.required_message,
            st.constraint_failed,
            st.constraint_message,
            st.read_only,
            st.choices
        ));
    }
    s.push_str(&format!("groups {:?}\n", e.groups_relevant));
    s.push_str(&format!("missing {:?}\n", e.missing_required()));
    s.push_str(&format!("failing {:?}\n", e.failing_constraints()));
    let mut counts: Vec<_> = e.repeat_counts.iter().collect();
    counts.sort();
    s.push_str(&format!("counts {counts:?}\n"));
    s
}

/// Both evaluations of one answer set (picks: an index into each question's pool).
fn both(form: &Form, pools: &[Vec<String>], picks: &[usize], lang: &str) -> (String, String) {
    // by name, a name used in two groups has one answer: the same in both places
    let values: Vec<&str> = form
        .questions()
        .enumerate()
        .map(|(i, q)| match q.repeat {
            Some(_) => "",
            None => {
                let first = form.question_index(&q.name).unwrap_or(i);
                pools[first][picks[first] % pools[first].len()].as_str()
            }
        })
        .collect();
    let answers = Answers::from_pairs(
        form.questions()
            .zip(&values)
            .filter(|(_, v)| !v.is_empty())
            .map(|(q, v)| (q.name.as_str(), *v)),
    );
    let opts = EvalOptions {
        lang,
        now: Some(19_787.5),
        last_saved: None,
    };
    let by_name = form.evaluate(&answers, &opts);
    let dense = form.evaluate_dense(&values, &opts);
    assert!(dense.states.iter().all(|s| s.value.is_empty()));
    (outcome(form, &by_name), outcome(form, &dense))
}

fn pools(form: &Form) -> Vec<Vec<String>> {
    form.questions().map(|q| pool(form, &q.kind)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn dense_evaluation_equals_evaluation_by_name(picks in proptest::collection::vec(0usize..64, 16), en in any::<bool>()) {
        let form = valid(FORM);
        let pools = pools(&form);
        prop_assert!(picks.len() >= form.question_count());
        let (a, b) = both(&form, &pools, &picks, if en { "en" } else { "nl" });
        prop_assert_eq!(a, b);
    }
}

#[test]
fn dense_evaluation_equals_evaluation_by_name_on_every_fixture_form() {
    let mut forms = 0;
    for entry in std::fs::read_dir(own_forms_dir()).expect("forms dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("ok_") || name.starts_with("y_")) {
            continue;
        }
        let Ok(form) = common::md_form(&std::fs::read_to_string(&path).unwrap()) else {
            continue;
        };
        forms += 1;
        let pools = pools(&form);
        let n = form.question_count();
        // every question's every candidate once, the others at a rotating pick
        for round in 0..24 {
            let picks: Vec<usize> = (0..n).map(|i| round * 7 + i * 3 + round / 5).collect();
            let (a, b) = both(&form, &pools, &picks, "en");
            assert_eq!(a, b, "{name}, round {round}");
        }
    }
    assert!(forms > 50, "only {forms} fixture forms were read");
}

#[test]
#[should_panic(expected = "one value per question")]
fn dense_evaluation_wants_one_value_per_question() {
    let form = valid(FORM);
    let _ = form.evaluate_dense(&["1"], &EvalOptions::default());
}
