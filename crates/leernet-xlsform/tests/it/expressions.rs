//! Expression checks at form level: syntax with positions, unknown functions,
//! references, ambiguity and cycles; every expression column is checked.

use crate::common;
use common::{assert_error, md_errors, valid};

fn one(col: &str, expr: &str) -> String {
    format!("| survey |\n| | type | name | label | {col} |\n| | integer | a | A | |\n| | integer | b | B | {expr} |\n")
}

#[test]
fn every_expression_column_is_parsed() {
    for col in [
        "relevant",
        "constraint",
        "calculation",
        "required",
        "read_only",
        "choice_filter",
    ] {
        assert_error(&one(col, ". >>= 3"), 3, "not a valid expression");
        valid(&one(col, "${a} > 3"));
    }
    assert_error(&one("default", "${a} +"), 3, "not a valid expression");
    valid(&one("default", "5"));
    valid(&one("default", "a b c"));
}

#[test]
fn syntax_errors_say_where() {
    let e = md_errors(&one("relevant", ". >>= 3"));
    assert_eq!(e[0].column.as_deref(), Some("relevant"));
    assert!(e[0].message.contains("character 4"), "{}", e[0].message);
    let e = md_errors(&one("constraint", "foo(${a})"));
    assert!(
        e[0].message.contains("unknown function 'foo()'"),
        "{}",
        e[0].message
    );
    let e = md_errors(&one("constraint", "regex(.)"));
    assert!(e[0].message.contains("regex() takes 2"), "{}", e[0].message);
}

#[test]
fn references_must_exist_everywhere() {
    for col in [
        "relevant",
        "constraint",
        "calculation",
        "required",
        "read_only",
        "choice_filter",
        "trigger",
    ] {
        let md = format!("| survey |\n| | type | name | label | {col} |\n| | integer | a | A | |\n| | integer | b | B | ${{nope}} |\n");
        assert_error(&md, 3, "Could not find the name 'nope'");
    }
    assert_error(
        "| survey |\n| | type | name | label |\n| | integer | a | A ${nope} |\n",
        2,
        "Could not find the name 'nope'",
    );
    assert_error(
        "| survey |\n| | type | name | label | hint |\n| | integer | a | A | see ${zz} |\n",
        2,
        "'zz'",
    );
    assert_error(
        "| survey |\n| | type | name | label | repeat_count |\n| | begin_repeat | r | R | ${zz} |\n| | text | a | A | |\n| | end_repeat | | | |\n",
        2,
        "'zz'",
    );
    assert_error(
        "| survey |\n| | type | name | label | relevant |\n| | begin_group | g | G | ${zz} = 1 |\n| | text | a | A | |\n| | end_group | | | |\n",
        2,
        "'zz'",
    );
}

#[test]
fn ambiguous_references() {
    assert_error(
        "| survey |\n| | type | name | label | relevant |\n| | text | a | A | |\n| | begin_group | g | G | |\n| | text | a | A | |\n| | end_group | | | |\n| | text | b | B | ${a} = 'x' |\n",
        6,
        "ambiguous",
    );
}

#[test]
fn calculation_cycles() {
    let md = "| survey |\n| | type | name | label | calculation |\n| | calculate | a | | ${b} + 1 |\n| | calculate | b | | ${a} + 1 |\n";
    let e = md_errors(md);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(2));
    assert!(
        e[0].message.contains("cycle") && e[0].message.contains("a → b → a"),
        "{}",
        e[0].message
    );
    assert_error(
        "| survey |\n| | type | name | label | calculation |\n| | calculate | a | | ${a} + 1 |\n",
        2,
        "cycle",
    );
    assert_error(
        "| survey |\n| | type | name | label | relevant |\n| | text | a | A | ${a} != '' |\n",
        2,
        "cycle",
    );
    // a constraint reading itself through . is fine
    valid("| survey |\n| | type | name | label | constraint |\n| | integer | a | A | . > ${a} - 10 |\n");
}

#[test]
fn the_functions_of_the_issue_parse_in_forms() {
    for f in [
        "selected(${a}, 'x')",
        "count-selected(${a})",
        "selected-at(${a}, 0)",
        "jr:choice-name(${a}, '${a}')",
        "string-length(${a})",
        "substr(${a}, 0, 2)",
        "concat(${a}, 'x')",
        "contains(${a}, 'x')",
        "starts-with(${a}, 'x')",
        "ends-with(${a}, 'x')",
        "regex(${a}, '^x$')",
        "if(${a} > 1, 1, 2)",
        "coalesce(${a}, 1)",
        "number(${a})",
        "int(${a})",
        "round(${a}, 1)",
        "today()",
        "now()",
        "date('2024-01-01')",
        "format-date(today(), '%Y')",
        "position(..)",
        "count(${a})",
        "sum(${a})",
        "min(${a}, 1)",
        "max(${a}, 1)",
        "true()",
        "false()",
        "not(${a})",
        "${a} + 1 - 2 * 3 div 4 mod 5",
        "${a} = 1 or ${a} != 2 and ${a} < 3 and ${a} <= 4 and ${a} > 5 and ${a} >= 6",
    ] {
        valid(&one("calculation", f).replace("| integer | b |", "| calculate | b |"));
    }
}

#[test]
fn bare_names_are_warned_about() {
    let f = valid("| survey |\n| | type | name | label | relevant |\n| | integer | age | Age | |\n| | text | b | B | age > 3 |\n");
    assert!(
        f.warnings()
            .iter()
            .any(|w| w.row == Some(3) && w.message.contains("${age}")),
        "{:?}",
        f.warnings()
    );
    let f = valid("| survey |\n| | type | name | label | choice_filter |\n| | select_one yn | q | Q | colour = 'red' |\n| | select_one yn | r | R | region = 'n' and name != 'x' |\n| choices |\n| | list_name | name | label | region |\n| | yn | y | Y | n |\n");
    let w: Vec<_> = f
        .warnings()
        .iter()
        .filter(|w| w.column.as_deref() == Some("choice_filter"))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("'colour'") && w[0].row == Some(2));
}
