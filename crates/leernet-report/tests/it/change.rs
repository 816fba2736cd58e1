//! Issue 19, item 3: the change between waves in the study report (HTML, Markdown, DOCX,
//! both languages) and in a network's handreiking, on the seeded two-wave world of
//! `common::two_waves`; nothing of it with one wave; byte for byte the same twice.

use crate::common;

use leernet_analysis::{analyse_project, ProjectContent, StudyFigures};
use leernet_core::Lang;
use leernet_report::Reports;

fn figures(data: &leernet_core::StudyData) -> StudyFigures {
    analyse_project(data, &ProjectContent::builtin()).unwrap()
}

#[test]
fn the_report_says_what_changed_for_whom_and_how_sure() {
    let data = common::two_waves(false, &[]);
    let f = figures(&data);
    let r = Reports::new();
    let md = r.markdown(&f, Lang::Nl).unwrap();
    assert!(md.contains("Verandering sinds de vorige meting"), "{md}");
    assert!(md.contains("vergelijkt de meting 2027 met de meting 2026"));
    // What changed: loneliness, six networks took it up (4 of 17 → 10 of 17, p = 2 · ½⁶).
    let lonely = md
        .lines()
        .find(|l| l.contains("het aandeel netwerken steeg van 24% naar 59%"))
        .unwrap_or_else(|| panic!("no loneliness sentence in {md}"));
    assert!(lonely.contains("+35 procentpunt"), "{lonely}");
    assert!(
        lonely.contains("exacte toets van McNemar, p = 0,031"),
        "{lonely}"
    );
    assert!(
        lonely.contains("17 netwerken in beide metingen"),
        "{lonely}"
    );
    // Formality: +5/17 = 0,3 on average.
    assert!(
        md.contains("Formaliteit (0–7): de gemiddelde score steeg van"),
        "{md}"
    );
    // For whom: the six networks that took loneliness up, by name.
    let who = md
        .lines()
        .find(|l| l.contains("kwam erbij in:"))
        .expect("for whom");
    assert!(who.contains(data.networks[0].name.as_str()), "{who}");
    assert_eq!(who.matches(", ").count(), 5, "{who}");
    // How sure: the design, the caveat, the table, the members' aggregates said.
    assert!(md.contains("Met 17 netwerken in beide metingen"));
    assert!(md.contains("gemiddelden van netwerken"));
    assert!(md.contains("| Meting 2026 | Meting 2027 |"), "{md}");
    // English too.
    let en = r.markdown(&f, Lang::En).unwrap();
    assert!(en.contains("Change since the previous wave"));
    assert!(en.contains("the share of networks rose from 24% to 59% (+35 percentage points"));
    assert!(en.contains("McNemar's exact test, p = 0.031"));
    // HTML and DOCX carry the section; all formats byte for byte the same twice.
    let html = r.html(&f, Lang::Nl).unwrap();
    assert!(html.contains("<section id=\"change\""), "no change section");
    let again = figures(&data);
    assert_eq!(html, r.html(&again, Lang::Nl).unwrap());
    assert_eq!(md, r.markdown(&again, Lang::Nl).unwrap());
    assert_eq!(
        r.docx(&f, Lang::En).unwrap(),
        r.docx(&again, Lang::En).unwrap()
    );
}

#[test]
fn the_handreiking_has_a_table_since_the_last_wave() {
    let data = common::two_waves(false, &[]);
    let f = figures(&data);
    let slug = data.networks[0].slug.as_str();
    let r = Reports::new();
    let doc = r.handreiking_document(&f, slug, Lang::Nl).unwrap();
    let s = doc
        .sections
        .iter()
        .find(|s| s.id == "change")
        .expect("a change section");
    assert_eq!(s.title, "Sinds de vorige meting");
    let md = leernet_report::render_md::render(&doc);
    // Formality went up by one for the first network, and loneliness came in.
    let formality = md
        .lines()
        .find(|l| l.starts_with("| Schaal: Formaliteit"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(formality.ends_with("| 1,0 | 2,0 | \\+1,0 |"), "{formality}");
    let lonely = md
        .lines()
        .find(|l| l.contains("Thema:") && l.contains("| niet gekozen | gekozen |"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(!lonely.is_empty());
    // The trend chart: one panel per element, a title, the waves' names.
    let html = r.handreiking_html(&f, slug, Lang::En).unwrap();
    assert!(html.contains("class=\"chart trend\""));
    assert!(html.contains("elements in the waves 2026 and 2027"));
    assert_eq!(
        html,
        r.handreiking_html(&figures(&data), slug, Lang::En).unwrap()
    );
}

#[test]
fn one_wave_shows_no_change_anywhere() {
    let f = figures(&common::demo());
    let r = Reports::new();
    for lang in [Lang::Nl, Lang::En] {
        let html = r.html(&f, lang).unwrap();
        assert!(!html.contains("id=\"change\""));
        let slug = &f.handles.handreikingen[0].slug;
        let doc = r.handreiking_document(&f, slug, lang).unwrap();
        assert!(doc.sections.iter().all(|s| s.id != "change"));
    }
}

/// Issue 26: what the networks sent back, in the report — how they recognised their profiles
/// (counts per network, quotes without names) and the change beside the handles taken up,
/// with the caution; nothing of the second without two waves or without uptake.
#[test]
fn the_report_cites_the_networks_responses_and_relates_uptake_to_change() {
    use leernet_analysis::feedback::{Feedback, Recognition::*, ResponseFact};
    use leernet_analysis::practice_indicators::{indicators, PracticeLog};
    let data = common::two_waves(false, &[]);
    let f = figures(&data);
    let slug = |i: usize| data.networks[i].slug.as_str().to_owned();
    let wave = leernet_analysis::feedback::response_wave(&f);
    assert_eq!(wave, "2027");
    let fact = |i: usize, verdict, reason: &str| ResponseFact {
        slug: slug(i),
        wave: wave.clone(),
        verdict,
        reason: reason.into(),
    };
    let handle = &f.handles.catalogue[0];
    let mut practice = indicators(&PracticeLog::default());
    practice.feedback = Feedback {
        responses: vec![
            fact(0, Yes, "Klopt <precies>."),
            fact(0, Partly, ""),
            fact(1, No, "Niet herkenbaar, omdat […] anders werkt."),
            fact(2, Yes, ""),
        ],
        uptake: vec![(slug(0), handle.key.clone()), (slug(1), handle.key.clone())],
    };
    let r = Reports::new();
    let md = r.markdown_with_practice(&f, &practice, Lang::Nl).unwrap();
    assert!(md.contains("## Herkenbaarheid van de profielen"), "{md}");
    // Network 0: yes and partly, the less favourable middle one: partly.
    assert!(
        md.contains("1 van de 3 netwerken die reageerden vonden hun profiel herkenbaar, 1 deels herkenbaar en 1 niet herkenbaar (4 reacties in de meting 2027)."),
        "{md}"
    );
    let first = md
        .find("Niet herkenbaar, omdat")
        .expect("the least favourable quote");
    assert!(first < md.find("Klopt").expect("the other quote"));
    assert!(md.contains("## Opgepakte handvatten en verandering"));
    assert!(md.contains("Lees dit met voorzichtigheid"));
    let label = handle.element_name.get(Lang::Nl);
    assert!(
        md.lines()
            .any(|l| l.starts_with(&format!("| {label} | 2 | "))),
        "{md}"
    );
    let html = r.html_with_practice(&f, &practice, Lang::Nl).unwrap();
    assert!(html.contains("Klopt &lt;precies&gt;."), "escaped");
    let en = r.markdown_with_practice(&f, &practice, Lang::En).unwrap();
    assert!(en.contains("1 of the 3 networks that responded found their profile recognisable"));
    assert!(en.contains("Read this with caution"));
    // Same input, same bytes.
    assert_eq!(
        md,
        r.markdown_with_practice(&f, &practice, Lang::Nl).unwrap()
    );
    // Without uptake: no uptake section; without responses of this wave: no member check.
    let mut none = practice.clone();
    none.feedback.uptake.clear();
    for x in &mut none.feedback.responses {
        x.wave = "2026".into();
    }
    let md = r.markdown_with_practice(&f, &none, Lang::Nl).unwrap();
    assert!(
        !md.contains("Opgepakte handvatten") && !md.contains("Herkenbaarheid van de profielen")
    );
    // One wave: no change, so no uptake section, whatever was taken up.
    let one = figures(&common::demo());
    let md = r.markdown_with_practice(&one, &practice, Lang::Nl).unwrap();
    assert!(!md.contains("Opgepakte handvatten"));
}
