//! Structural validation and reading, on small forms written as pyxform markdown tables.

use crate::common;
use common::{assert_error, md_errors, valid};
use leernet_xlsform::{Item, QuestionKind};

#[test]
fn headers_any_case_and_order_with_translations() {
    let f = valid(
        r#"
| survey |
|        | Label::Nederlands (nl) | NAME | Type    | label::English (en) | Hint::nl |
|        | Leeftijd               | age  | integer | Age                 | in jaren |
| settings |
|          | form_id | version | default_language | form_title::nl | form_title::en |
|          | wb      | 2024    | Nederlands (nl)  | Welzijn        | Wellbeing      |
"#,
    );
    assert_eq!(f.id(), "wb");
    assert_eq!(f.version(), Some("2024"));
    assert_eq!(f.languages(), ["nl", "en"]);
    assert_eq!(f.default_language(), Some("nl"));
    assert_eq!(f.title("en"), "Wellbeing");
    assert_eq!(f.title("fr"), "Welzijn");
    let q = f.question("age").unwrap();
    assert_eq!(q.label.get("en"), "Age");
    assert_eq!(q.label.get("nl"), "Leeftijd");
    assert_eq!(q.label.get("de"), "Leeftijd");
    assert_eq!(q.hint.get("en"), "in jaren");
}

#[test]
fn language_without_code_and_legacy_colon() {
    let f = valid(
        r#"
| survey |
|        | type | name | label:English | label::nl |
|        | text | a    | A             | Een       |
"#,
    );
    assert_eq!(f.languages(), ["English", "nl"]);
    assert_eq!(f.question("a").unwrap().label.get("English"), "A");
}

#[test]
fn aliases_yes_no_and_quotes() {
    let f = valid(
        r#"
| survey |
|        | type    | name | label | relevance     | readonly | requiredMsg | required | calculate | bind::foo |
|        | integer | a    | A     |               | TRUE     | Vul in      | yes      |           | x         |
|        | text    | b    | B     | ${a} > ‘3’    | no       |             | true()   |           |           |
|        | calculate | c  |       |               |          |             |          | ${a} * 2  |           |
"#,
    );
    let a = f.question("a").unwrap();
    assert!(a.always_required());
    assert_eq!(a.read_only.as_deref(), Some("true()"));
    assert_eq!(a.required_message.get("x"), "Vul in");
    assert_eq!(a.extra.get("bind::foo").map(String::as_str), Some("x"));
    let b = f.question("b").unwrap();
    assert_eq!(b.relevant.as_deref(), Some("${a} > '3'"));
    assert_eq!(b.read_only, None);
    assert_eq!(
        f.question("c").unwrap().calculation.as_deref(),
        Some("${a} * 2")
    );
}

#[test]
fn unknown_columns_are_kept() {
    let f = valid(
        r#"
| survey |
|        | type | name | label | my_column |
|        | text | a    | A     | keep me   |
| choices |
|        | list_name | name | label | region |
|        | yn        | y    | Yes   | north  |
"#,
    );
    assert_eq!(f.question("a").unwrap().extra["my_column"], "keep me");
    let _ = f; // choices list unused is fine
}

#[test]
fn groups_and_repeats_nest() {
    let f = valid(
        r#"
| survey |
|        | type         | name | label | repeat_count | appearance |
|        | begin_group  | g    | G     |              | field-list |
|        | text         | a    | A     |              |            |
|        | begin repeat | r    | R     | 3            |            |
|        | integer      | b    | B     |              |            |
|        | end repeat   |      |       |              |            |
|        | end_group    |      |       |              |            |
|        | note         | n    | N     |              |            |
"#,
    );
    assert_eq!(f.groups().len(), 2);
    let g = &f.groups()[0];
    assert_eq!((g.row, g.end_row, g.repeat), (2, 7, false));
    assert_eq!(g.appearance.as_deref(), Some("field-list"));
    let r = &f.groups()[1];
    assert!(r.repeat);
    assert_eq!(r.repeat_count.as_deref(), Some("3"));
    assert_eq!(r.path, ["g", "r"]);
    assert_eq!(f.question("b").unwrap().group_path, ["g", "r"]);
    assert_eq!(f.question("b").unwrap().repeat.as_deref(), Some("r"));
    assert_eq!(f.items().len(), 2);
    assert!(matches!(f.items()[0], Item::Group(0)));
    assert_eq!(f.questions().count(), 3);
}

#[test]
fn unmatched_and_crossed_ends() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | begin_group | g | G |\n| | text | a | A |\n",
        2,
        "Unmatched 'begin_group'",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| | end_group | | |\n",
        3,
        "Unmatched 'end_group'",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | begin_repeat | r | R |\n| | text | a | A |\n| | end_group | | |\n",
        4,
        "Unmatched 'end_group'",
    );
}

#[test]
fn names_missing_invalid_and_duplicate() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | | A |\n",
        2,
        "no name",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | 1a | A |\n",
        2,
        "'1a'",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | a b | A |\n",
        2,
        "'a b'",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| | integer | a | A2 |\n",
        3,
        "unique name",
    );
    // the same name in different groups is allowed
    valid("| survey |\n| | type | name | label |\n| | text | a | A |\n| | begin_group | g | G |\n| | text | a | A |\n| | end_group | | |\n");
}

#[test]
fn every_error_is_reported_at_once() {
    let errs = md_errors(
        "| survey |\n| | type | name | label |\n| | txt | a | A |\n| | text | | B |\n| | select_one nope | c | C |\n",
    );
    let rows: Vec<_> = errs.iter().map(|e| e.row).collect();
    assert_eq!(rows, [Some(2), Some(3), Some(4)], "{errs:#?}");
    assert!(errs
        .iter()
        .all(|e| e.sheet == "survey" && e.column.is_some()));
}

#[test]
fn lists_unknown_empty_and_duplicate_choices() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_one yn | a | A |\n",
        2,
        "List name not in choices sheet: yn",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_multiple yn | a | A |\n| choices |\n| | list_name | name | label |\n| | other | x | X |\n",
        2,
        "List name not in choices sheet: yn",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_one yn | a | A |\n| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n| | yn | y | Yes again |\n",
        3,
        "allow_choice_duplicates",
    );
    valid("| survey |\n| | type | name | label |\n| | select_one yn | a | A |\n| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n| | yn | y | Yes again |\n| settings |\n| | allow_choice_duplicates |\n| | yes |\n");
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_multiple yn | a | A |\n| choices |\n| | list_name | name | label |\n| | yn | a b | AB |\n",
        2,
        "must not contain spaces",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_one yn | a | A |\n| choices |\n| | list_name | name | label |\n| | yn |  | Yes |\n",
        2,
        "Choices must have a name",
    );
}

#[test]
fn unknown_type_and_select_without_list() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | txt | a | A |\n",
        2,
        "Unknown question type 'txt'",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_one | a | A |\n",
        2,
        "needs the name of a choice list",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| |  | a | A |\n",
        2,
        "no type",
    );
}

#[test]
fn missing_survey_sheet() {
    let errs = md_errors("| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n");
    assert!(errs[0]
        .message
        .contains("You must have a sheet named 'survey'"));
    let errs = md_errors("| surveyy |\n| | type | name | label |\n| | text | a | A |\n");
    assert!(errs[0].message.contains("'surveyy'"), "{errs:?}");
}

#[test]
fn sheet_names_any_case() {
    let f = valid("| SURVEY |\n| | type | name | label |\n| | select_one yn | a | A |\n| Choices |\n| | list name | name | label |\n| | yn | y | Yes |\n");
    assert_eq!(f.choices("yn").unwrap()[0].label.get("en"), "Yes");
}

#[test]
fn range_parameters() {
    let f = valid("| survey |\n| | type | name | label | parameters |\n| | range | r | R | start=0 end=20 step=5 |\n| | range | d | D | |\n");
    assert_eq!(
        f.question("r").unwrap().kind,
        QuestionKind::Range {
            start: 0.0,
            end: 20.0,
            step: 5.0
        }
    );
    assert_eq!(
        f.question("d").unwrap().kind,
        QuestionKind::Range {
            start: 1.0,
            end: 10.0,
            step: 1.0
        }
    );
    assert!(f.check_value("r", "15").is_ok());
    assert!(f.check_value("r", "7").is_err());
    assert!(f.check_value("r", "25").is_err());
    assert_error(
        "| survey |\n| | type | name | label | parameters |\n| | range | r | R | tart=0 end=20 |\n",
        2,
        "invalid parameter key(s): 'tart'",
    );
    assert_error(
        "| survey |\n| | type | name | label | parameters |\n| | range | r | R | start=a |\n",
        2,
        "must be a number",
    );
}

#[test]
fn reference_to_missing_question() {
    assert_error(
        "| survey |\n| | type | name | label | relevant |\n| | integer | age | Age | |\n| | text | b | B | ${agee} > 3 |\n",
        3,
        "Could not find the name 'agee'",
    );
}

#[test]
fn calculate_needs_a_calculation() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | calculate | c | |\n",
        2,
        "Missing calculation",
    );
}

#[test]
fn missing_translation_is_a_warning() {
    let f = valid("| survey |\n| | type | name | label::nl | label::en | hint::nl |\n| | text | a | A | A | h |\n");
    assert!(
        f.warnings()
            .iter()
            .any(|w| w.message.contains("'hint'") && w.message.contains("'en'")),
        "{:?}",
        f.warnings()
    );
}

#[test]
fn check_value_per_type() {
    let f = valid(
        r#"
| survey |
|        | type                   | name | label |
|        | integer                | i    | I     |
|        | decimal                | d    | D     |
|        | date                   | dt   | Dt    |
|        | time                   | t    | T     |
|        | dateTime               | dtt  | Dtt   |
|        | select_one yn          | s1   | S1    |
|        | select_multiple yn     | sm   | SM    |
|        | select_one yn or_other | so   | SO    |
|        | rank yn                | rk   | RK    |
|        | acknowledge            | ack  | Ack   |
|        | note                   | n    | N     |
|        | geopoint               | gp   | Gp    |
|        | text                   | tx   | Tx    |
|        | hidden                 | c    |       |
|        | image                  | img  | Img   |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Yes   |
|         | yn        | no   | No    |
"#,
    );
    let ok = |q: &str, v: &str| {
        assert!(
            f.check_value(q, v).is_ok(),
            "{q}={v}: {:?}",
            f.check_value(q, v)
        )
    };
    let bad = |q: &str, v: &str| {
        let e = f
            .check_value(q, v)
            .expect_err(&format!("{q}={v} should fail"));
        assert!(e.to_string().ends_with('.'), "{e}");
    };
    ok("i", "-3");
    bad("i", "3.5");
    ok("d", "3.5");
    bad("d", "abc");
    ok("dt", "2024-02-29");
    bad("dt", "2023-02-29");
    ok("t", "10:15:00.000+01:00");
    bad("t", "10h15");
    ok("dtt", "2024-03-05T10:12:33.120+01:00");
    bad("dtt", "2024-03-05");
    ok("s1", "yes");
    bad("s1", "maybe");
    bad("s1", "other");
    ok("so", "other");
    ok("sm", "yes no");
    ok("sm", " no ");
    bad("sm", "yes yes");
    bad("sm", "yes maybe");
    ok("rk", "no yes");
    bad("rk", "no");
    ok("ack", "OK");
    bad("ack", "yes");
    bad("n", "anything");
    ok("n", "");
    ok("gp", "52.09 5.12 0 5");
    bad("gp", "north");
    ok("tx", "whatever");
    ok("c", "12");
    ok("img", "photo.jpg");
    assert!(f
        .check_value("nope", "1")
        .unwrap_err()
        .to_string()
        .contains("no question named 'nope'"));
}

#[test]
fn select_from_file_with_an_attached_csv() {
    let mut f = valid(
        "| survey |\n| | type | name | label | choice_filter |\n| | select_one_from_file towns.csv | town | Town | |\n| | select_multiple_from_file towns.csv | towns | Towns | prov = 'gr' |\n",
    );
    assert_eq!(f.choice_files(), ["towns.csv"]);
    // without the file, any value is accepted as stored
    assert!(f.check_value("town", "anything").is_ok());
    let csv = "\u{feff}name,label::Nederlands (nl),label::English (en),prov\r\ngron,Groningen,Groningen,gr\r\n\"dh\",\"Den Haag, stad\",The Hague,zh\r\nhar,Haren,Haren,gr\r\n";
    assert_eq!(f.attach_choices_csv("towns.csv", csv.as_bytes()), Ok(3));
    assert!(f.check_value("town", "dh").is_ok());
    assert!(f.check_value("town", "nope").is_err());
    assert!(f.check_value("towns", "gron har").is_ok());
    assert!(f.check_value("towns", "gron nope").is_err());
    assert_eq!(
        f.choices("towns.csv").unwrap()[1].label.get("nl"),
        "Den Haag, stad"
    );
    let e = f.evaluate(
        &leernet_xlsform::Answers::default(),
        &leernet_xlsform::EvalOptions::default(),
    );
    let kept: Vec<&str> = e.choices("towns").iter().map(|c| c.name.as_str()).collect();
    assert_eq!(kept, ["gron", "har"]);
    assert!(f
        .attach_choices_csv("bad.csv", b"label\nx\n")
        .unwrap_err()
        .contains("no 'name' column"));
    assert!(f
        .attach_choices_csv("bad.csv", b"name,label\n\"x,y\n")
        .unwrap_err()
        .contains("not closed"));
}

#[test]
fn questions_need_a_label_or_hint_as_pyxform_says() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | a | |\n",
        2,
        "has no label or hint",
    );
    assert_error(
        "| survey |\n| | type | name | label |\n| | note | n | |\n",
        2,
        "has no label or hint",
    );
    valid("| survey |\n| | type | name | label | hint |\n| | text | a | | only a hint |\n");
    valid("| survey |\n| | type | name | label | image |\n| | text | a | | a.png |\n");
    valid("| survey |\n| | type | name | label | calculation |\n| | calculate | c | | 1 |\n| | note | n | | 2 |\n| | hidden | h | | |\n| | start | s | | |\n");
}

#[test]
fn audit_is_always_named_audit() {
    let f = valid("| survey |\n| | type | name | label |\n| | audit | | |\n");
    assert!(f.question("audit").is_some());
    assert_error(
        "| survey |\n| | type | name | label |\n| | audit | log | |\n",
        2,
        "Audits must always be named 'audit.'",
    );
}

#[test]
fn names_may_hold_a_colon_but_references_no_spaces() {
    let f = valid("| survey |\n| | type | name | label | relevant |\n| | text | a:b | A | |\n| | text | c | C | ${a:b} = 'x' |\n");
    assert!(f.question("a:b").is_some());
    assert_error("| survey |\n| | type | name | label | relevant |\n| | text | a | A | |\n| | text | b | B | ${ a } = 'x' |\n", 3, "Reference variables must start with '${'");
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | a | Price in ${ dollars |\n",
        2,
        "Reference variables must start with '${'",
    );
}

#[test]
fn external_selects_need_the_external_choices_sheet() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_one_external yn | q | Q |\n",
        2,
        "external_choices sheet",
    );
    valid("| survey |\n| | type | name | label |\n| | select_one_external yn | q | Q |\n| external_choices |\n| | list_name | name |\n| | yn | y |\n");
}

#[test]
fn type_keywords_are_case_sensitive_as_in_pyxform() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | Text | a | A |\n",
        2,
        "Unknown question type 'Text'",
    );
    let f = valid(
        "| survey |\n| | type | name | label |\n| | dateTime | a | A |\n| | datetime | b | B |\n",
    );
    assert_eq!(f.question("a").unwrap().kind, QuestionKind::DateTime);
}

#[test]
fn parameters_are_checked_per_type() {
    assert_error(
        "| survey |\n| | type | name | label | parameters |\n| | text | a | A | foo=bar |\n",
        2,
        "accepted parameter keys for this question type are 'rows'",
    );
    assert_error(
        "| survey |\n| | type | name | label | parameters |\n| | image | a | A | app=camera |\n",
        2,
        "Android package name",
    );
    let f = valid("| survey |\n| | type | name | label | parameters |\n| | text | a | A | rows=3 |\n| | geopoint | g | G | capture-accuracy=5 |\n| | select_one yn | s | S | randomize=true seed=${g} |\n| | integer | i | I | anything=1 |\n| choices |\n| | list_name | name | label |\n| | yn | y | Y |\n");
    assert_eq!(f.question("a").unwrap().parameters["rows"], "3");
}

#[test]
fn choice_files_need_a_known_extension() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | select_one_from_file a.txt | a | A |\n",
        2,
        "supported file extensions",
    );
    valid("| survey |\n| | type | name | label |\n| | select_one_from_file a.xml | a | A |\n| | select_multiple_from_file b.geojson | b | B |\n");
}

#[test]
fn meta_is_reserved() {
    assert_error(
        "| survey |\n| | type | name | label |\n| | text | meta | A |\n",
        2,
        "reserved for form metadata",
    );
}

#[test]
fn settings_instance_name_references_are_checked() {
    let errs = md_errors("| survey |\n| | type | name | label |\n| | text | a | A |\n| settings |\n| | instance_name |\n| | concat(${nope}, 'x') |\n");
    assert_eq!(
        (
            errs[0].sheet.as_str(),
            errs[0].row,
            errs[0].column.as_deref()
        ),
        ("settings", Some(2), Some("instance_name"))
    );
    valid("| survey |\n| | type | name | label |\n| | text | a | A |\n| settings |\n| | instance_name |\n| | concat(${a}, 'x') |\n");
}

#[test]
fn more_pyxform_rules() {
    // repeat names unique anywhere, and not the root name
    assert_error("| survey |\n| | type | name | label |\n| | begin_repeat | data | R |\n| | text | a | A |\n| | end_repeat | | |\n", 2, "survey root");
    assert_error(
        "| survey |\n| | type | name | label |\n| | begin_group | g1 | G |\n| | begin_repeat | r | R |\n| | text | a | A |\n| | end_repeat | | |\n| | end_group | | |\n| | begin_repeat | r | R |\n| | text | b | B |\n| | end_repeat | | |\n",
        7,
        "Repeat names must be unique anywhere",
    );
    // range step within the range, geo parameters typed
    assert_error("| survey |\n| | type | name | label | parameters |\n| | range | q | Q | start=1 end=5 step=10 |\n", 2, "must not be larger than the range");
    assert_error("| survey |\n| | type | name | label | parameters |\n| | geopoint | g | G | capture-accuracy=high |\n", 2, "numeric value");
    assert_error("| survey |\n| | type | name | label | parameters |\n| | geopoint | g | G | allow-mock-accuracy=maybe |\n", 2, "'true' or 'false'");
    // triggers are ${a} or a comma-separated list
    valid("| survey |\n| | type | name | label | calculation | trigger |\n| | text | a | A | | |\n| | text | b | B | | |\n| | calculate | c | | now() | ${a}, ${b} |\n");
    assert_error("| survey |\n| | type | name | label | calculation | trigger |\n| | text | a | A | | |\n| | text | b | B | | |\n| | calculate | c | | now() | ${a} ${b} |\n", 4, "comma between each variable");
    assert_error("| survey |\n| | type | name | label | calculation | trigger |\n| | text | a | A | | |\n| | calculate | c | | now() | a |\n", 3, "Reference variables must start with");
    // warnings: choices without label, names differing only in case
    let f = valid("| survey |\n| | type | name | label |\n| | select_one yn | q | Q |\n| | text | Q | Q2 |\n| choices |\n| | list_name | name | label |\n| | yn | y | |\n");
    assert!(f.warnings().iter().any(|w| w.sheet == "choices"
        && w.row == Some(2)
        && w.message.contains("Choices should have a label")));
    assert!(f
        .warnings()
        .iter()
        .any(|w| w.row == Some(3) && w.message.contains("case-insensitive")));
}

#[test]
fn what_the_link_knows_is_read_from_leernets_bind_column() {
    let f = valid(
        r#"
| survey |
|        | type         | name  | label | bind::leernet:prefill |
|        | text         | net   | N     | network               |
|        | text         | wp    | W     | Werkplaats            |
|        | integer      | n     | N     | network               |
|        | text         | other | O     | region                |
|        | begin repeat | r     | R     |                       |
|        | text         | inner | I     | network               |
|        | end repeat   |       |       |                       |
| settings |
|          | namespaces                         |
|          | leernet="https://leernet.nl/xlsform" |
"#,
    );
    use leernet_xlsform::Prefill;
    assert_eq!(f.question("net").unwrap().prefill(), Some(Prefill::Network));
    assert_eq!(
        f.question("wp").unwrap().prefill(),
        Some(Prefill::Werkplaats)
    );
    // a number, an unknown value and a question in a repeat are asked as usual, and named
    for name in ["n", "other", "inner"] {
        assert_eq!(f.question(name).unwrap().prefill(), None, "{name}");
    }
    let warned: Vec<_> = f
        .warnings()
        .iter()
        .filter(|d| d.column.as_deref() == Some("bind::leernet:prefill"))
        .map(|d| d.row)
        .collect();
    assert_eq!(warned, [Some(4), Some(5), Some(7)]);
}

#[test]
fn the_network_questionnaire_fills_in_its_network_and_werkplaats() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../instruments/network.xlsx"
    ))
    .unwrap();
    let f = leernet_xlsform::Form::from_workbook(&bytes, "network.xlsx").unwrap();
    use leernet_xlsform::Prefill;
    let filled: Vec<_> = f
        .questions()
        .filter_map(|q| q.prefill().map(|p| (q.name.as_str(), p)))
        .collect();
    assert_eq!(
        filled,
        [
            ("network_name", Prefill::Network),
            ("werkplaats_name", Prefill::Werkplaats)
        ]
    );
    assert!(f.warnings().is_empty(), "{:?}", f.warnings());
    // its title in English too, from leernet's own settings column (issue 18: the English
    // survey kept the Dutch title)
    assert_eq!(
        f.title("en"),
        "Learning networks in the social domain: questionnaire for the network"
    );
    assert!(f.title("nl").contains("vragenlijst voor het netwerk"));
}
