//! The demo's report and handreikingen, in Dutch and English and in every format, say
//! everything in words: no XLSForm expression (`${`), no backtick, no variable path
//! (`leernet_network/agenda_setting=…`), no code or variable key; every handle says why it
//! applies; a handreiking leads with at most five handles (issue 21).

use crate::common;

use leernet_analysis::{analyse, Overview, StudyFigures};
use leernet_core::Lang;
use leernet_report::Reports;
use std::io::Read;

fn figures() -> StudyFigures {
    analyse(&common::demo(), &Overview::builtin()).unwrap()
}

/// The text a reader sees: tags, the stylesheet and entities' markup out.
fn visible(markup: &str) -> String {
    let markup = match (markup.find("<style>"), markup.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &markup[..a], &markup[b..]),
        _ => markup.to_owned(),
    };
    let mut out = String::new();
    let mut tag = false;
    for c in markup.chars() {
        match c {
            '<' => tag = true,
            '>' if tag => {
                tag = false;
                out.push(' ');
            }
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&#x27;", "'")
}

fn docx_text(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    visible(&s)
}

/// Keys a reader must never see: code keys and variable keys with a `_` or a `.`.
fn keys(f: &StudyFigures) -> Vec<String> {
    let mut k: Vec<String> = f.qualitative.codes.iter().map(|c| c.key.clone()).collect();
    if let Some(d) = &f.datasets {
        for ds in [&d.member, &d.network, &d.workplace] {
            k.extend(ds.variables.iter().map(|v| v.key.clone()));
        }
    }
    k.retain(|k| k.contains(['_', '.']) && k.len() > 4);
    k.sort();
    k.dedup();
    k
}

fn assert_plain(name: &str, text: &str, keys: &[String]) {
    for bad in [
        "${",
        "`",
        "leernet_network/",
        "leernet_member/",
        "content/",
        "!= '",
    ] {
        assert!(!text.contains(bad), "{name} shows {bad:?}");
    }
    for k in keys {
        let hit = text.match_indices(k.as_str()).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + k.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && !word(after)
        });
        assert!(!hit, "{name} shows the key {k:?}");
    }
}

#[test]
fn the_demo_report_says_everything_in_words_in_every_format() {
    let f = figures();
    let r = Reports::new();
    let keys = keys(&f);
    assert!(keys.iter().any(|k| k == "rationale_explicit"), "{keys:?}");
    for lang in Lang::ALL {
        let html = visible(&r.html(&f, lang).unwrap());
        let md = visible(&r.markdown(&f, lang).unwrap());
        let docx = docx_text(&r.docx(&f, lang).unwrap());
        let (summary, limitations, colophon, references, finding) = match lang {
            Lang::Nl => (
                "Samenvatting",
                "Beperkingen",
                "Colofon",
                "Literatuur",
                "In 12 van de 17 netwerken (71%) bepalen de deelnemers samen de agenda.",
            ),
            Lang::En => (
                "Summary",
                "Limitations",
                "Colophon",
                "References",
                "In 12 of the 17 networks (71%), the participants set the agenda together.",
            ),
        };
        for (name, text) in [("html", &html), ("markdown", &md), ("docx", &docx)] {
            assert_plain(&format!("the {lang:?} report ({name})"), text, &keys);
            for must in [
                summary,
                limitations,
                colophon,
                references,
                finding,
                "Gower, J. C. (1971)",
                "Krippendorff, K. (2004)",
                "leernet 0.",
            ] {
                assert!(
                    text.contains(must),
                    "the {lang:?} report ({name}) lacks {must:?}"
                );
            }
        }
        for h in &f.handles.handreikingen {
            let html = visible(&r.handreiking_html(&f, &h.slug, lang).unwrap());
            let docx = docx_text(&r.handreiking_docx(&f, &h.slug, lang).unwrap());
            assert_plain(&format!("{} ({lang:?}, html)", h.slug), &html, &keys);
            assert_plain(&format!("{} ({lang:?}, docx)", h.slug), &docx, &keys);
        }
    }
}

/// The summary gives five to seven findings, each with its number and n; the table of
/// contents lists every section of the report.
#[test]
fn the_summary_has_five_to_seven_findings_and_the_contents_every_section() {
    let f = figures();
    let r = Reports::new();
    for lang in Lang::ALL {
        let d = r.document(&f, None, lang).unwrap();
        assert_eq!(d.sections[0].id, "summary");
        let items = d.sections[0]
            .blocks
            .iter()
            .find_map(|b| match b {
                leernet_report::doc::Block::Bullets(i) => Some(i.len()),
                _ => None,
            })
            .unwrap();
        assert!((5..=7).contains(&items), "{items} findings");
        let html = r.html(&f, lang).unwrap();
        let nav = &html[html.find("<nav").unwrap()..html.find("</nav>").unwrap()];
        for s in &d.sections {
            assert!(
                nav.contains(&format!("href=\"#{}\"", s.id)),
                "{} not in the contents",
                s.id
            );
        }
        let none = leernet_analysis::practice_indicators::indicators(&Default::default());
        let with = r.document(&f, Some(&none), lang).unwrap();
        for id in [
            "typology",
            "practice",
            "qca",
            "limitations",
            "colophon",
            "references",
        ] {
            assert!(with.sections.iter().any(|s| s.id == id), "{id}");
        }
        let html = r.html_with_practice(&f, &none, lang).unwrap();
        assert!(html.contains("<li><a href=\"#practice\">"));
    }
    // Section ids are unique.
    let d = r.document(&f, None, Lang::Nl).unwrap();
    let mut ids = d.ids();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn every_handle_says_why_it_applies_and_a_handreiking_leads_with_five() {
    let f = figures();
    let r = Reports::new();
    // In the report, every handle of the catalogue says for which networks it is.
    let html = r.html(&f, Lang::Nl).unwrap();
    let table = &html[html.find("<section id=\"handles\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(
        table.matches("Voor netwerken waarbij ").count(),
        f.handles.catalogue.len(),
        "{table}"
    );
    assert!(table.contains(
        "Voor netwerken waarbij het antwoord op ‘Heeft het netwerk een expliciete grondgedachte"
    ) || table.contains("Voor netwerken waarbij het antwoord op ‘"));
    let mut checked = 0;
    for h in f.handles.handreikingen.iter().filter(|h| h.items.len() > 5) {
        let d = r.handreiking_document(&f, &h.slug, Lang::En).unwrap();
        let lead = d.sections.iter().find(|s| s.id == "handles").unwrap();
        let cards = lead
            .blocks
            .iter()
            .filter(|b| matches!(b, leernet_report::doc::Block::Section(s) if s.card))
            .count();
        assert_eq!(cards, 5, "{}", h.slug);
        assert!(d.sections.iter().any(|s| s.id == "more"));
        let html = r.handreiking_html(&f, &h.slug, Lang::En).unwrap();
        assert_eq!(
            html.matches("This handle fits your network because ")
                .count(),
            h.items.len(),
            "every handle of {} says why",
            h.slug
        );
        checked += 1;
    }
    assert!(
        checked > 0,
        "the demo has a network with more than five handles"
    );
}

/// Types have names and descriptions from `content/typology.toml`'s rules, in the report and
/// in the handreiking of a typed network.
#[test]
fn types_are_named_by_the_rules_of_the_typology_file() {
    let f = figures();
    let r = Reports::new();
    let ty = f.typology.as_ref().unwrap();
    let names: Vec<&str> = ty.types.iter().map(|t| t.name.nl.as_str()).collect();
    assert!(names.contains(&"Samen aan het stuur"), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with("Type ")), "{names:?}");
    let html = r.html(&f, Lang::En).unwrap();
    assert!(
        html.contains("Type 1: Steering together ("),
        "the English report names type 1"
    );
    assert!(html.contains(
        "In these networks the participants set the agenda together more often than in the others."
    ));
    let typed = f
        .handles
        .handreikingen
        .iter()
        .find(|h| h.network_type.is_some())
        .unwrap();
    let name = &typed.network_type.as_ref().unwrap().name.nl;
    assert!(!name.starts_with("Type "));
    let h = r.handreiking_html(&f, &typed.slug, Lang::Nl).unwrap();
    assert!(h.contains(&format!("<strong>{name}</strong>")), "{name}");
}

/// The text `pdftotext` reads from a PDF, or `None` (after saying why) without poppler.
fn pdf_text(name: &str, bytes: &[u8]) -> Option<String> {
    use std::process::Command;
    let tool = leernet_testkit::tools::program("pdftotext (poppler-utils)", &["pdftotext"], "-v")?;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf-text");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new(&tool).arg(&file).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext cannot read {name}");
    // pdfinfo opens it too, and sees a tagged PDF with its title.
    let info = Command::new("pdfinfo").arg(&file).output().unwrap();
    assert!(info.status.success(), "pdfinfo cannot open {name}");
    let info = String::from_utf8(info.stdout).unwrap();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{name}: {info}"
    );
    assert!(info.contains("Title:"), "{name}: {info}");
    // Every font is embedded (pdffonts: the "emb" column).
    let fonts = Command::new("pdffonts").arg(&file).output().unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(
            cols.len() >= 5 && cols[cols.len() - 5] == "yes",
            "{name}: a font is not embedded: {line}"
        );
    }
    Some(String::from_utf8(out.stdout).unwrap())
}

/// The words of every table header of a document (a header never breaks inside one).
fn header_words(d: &leernet_report::doc::Document) -> Vec<String> {
    use leernet_report::doc::{Block, Section};
    fn blocks(bs: &[Block], out: &mut Vec<String>) {
        for b in bs {
            match b {
                Block::Table(t) => out.extend(t.header.iter().flat_map(|h| {
                    h.split_whitespace()
                        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
                        .filter(|w| w.chars().count() >= 6)
                        .collect::<Vec<_>>()
                })),
                Block::Figure(f) => {
                    if let Some(t) = &f.data {
                        blocks(&[Block::Table(t.clone())], out);
                    }
                }
                Block::Joint(parts) => blocks(parts, out),
                Block::Section(Section { blocks: bs, .. }) => blocks(bs, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    blocks(&d.front, &mut out);
    for s in &d.sections {
        blocks(&s.blocks, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// The PDF of the report and of every handreiking, in both languages: it opens in
/// `pdfinfo`, is tagged, embeds its fonts, says everything in words (through `pdftotext`),
/// has the summary, limitations, colophon and references, breaks no table header inside a
/// word, and is byte-identical when made twice.
#[test]
fn the_demo_report_as_pdf_says_everything_in_words() {
    let f = figures();
    let r = Reports::new();
    let keys = keys(&f);
    for lang in Lang::ALL {
        let pdf = r.pdf(&f, lang).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(
            pdf,
            r.pdf(&f, lang).unwrap(),
            "the {lang:?} PDF is not stable"
        );
        // Bookmarks from the table of contents, a tag tree, no creation date.
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/Outlines"), "no bookmarks");
        assert!(raw.contains("/StructTreeRoot"), "not tagged");
        assert!(!raw.contains("/CreationDate"), "a creation date");
        let Some(text) = pdf_text(&format!("report-{}", lang.code()), &pdf) else {
            return;
        };
        assert_plain(&format!("the {lang:?} report (pdf)"), &text, &keys);
        let musts: &[&str] = match lang {
            Lang::Nl => &["Samenvatting", "Beperkingen", "Colofon", "Literatuur"],
            Lang::En => &["Summary", "Limitations", "Colophon", "References"],
        };
        for must in musts.iter().chain(&["Gower, J. C. (1971)", "leernet 0."]) {
            assert!(text.contains(must), "the {lang:?} PDF lacks {must:?}");
        }
        let d = r.document(&f, None, lang).unwrap();
        for w in header_words(&d) {
            assert!(
                text.contains(&w),
                "the {lang:?} PDF breaks the header word {w:?}"
            );
        }
        for h in &f.handles.handreikingen {
            let pdf = r.handreiking_pdf(&f, &h.slug, lang).unwrap();
            let text = pdf_text(&format!("{}-{}", h.slug, lang.code()), &pdf).unwrap();
            assert_plain(&format!("{} ({lang:?}, pdf)", h.slug), &text, &keys);
        }
    }
    // The first pages of the Dutch report and of a handreiking, as the README shows them:
    // with LEERNET_UPDATE_SCREENSHOTS=1 in docs/screenshots/ (pdftoppm, poppler-utils).
    if std::env::var_os("LEERNET_UPDATE_SCREENSHOTS").is_some() {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf-text");
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        for (pdf, png) in [
            ("report-nl.pdf", "report-pdf"),
            ("polderhart-sociaal-team-nl.pdf", "handreiking-pdf"),
        ] {
            let ok = std::process::Command::new("pdftoppm")
                .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
                .arg(dir.join(pdf))
                .arg(shots.join(png))
                .status()
                .unwrap();
            assert!(ok.success(), "pdftoppm cannot draw {pdf}");
        }
    }
}

/// A finding may compare with an earlier study measured the same way (issue 21, item 2): a
/// project's `report.toml` gives the earlier count and n, or mean, and the summary says both;
/// an impossible earlier figure is refused with the finding's number.
#[test]
fn a_finding_compares_with_an_earlier_study_when_the_content_says_how() {
    let shipped = include_str!("../../../../content/report.toml");
    let own = shipped
        .replacen(
            "text_en = \"the participants set the agenda together\"",
            "text_en = \"the participants set the agenda together\"\nearlier = { label = \"2021\", count = 9, n = 17 }",
            1,
        )
        .replacen(
            "kind = \"scale\"\nscale = \"learning_climate\"",
            "kind = \"scale\"\nscale = \"learning_climate\"\nearlier = { label = \"2021\", mean = 3.75 }",
            1,
        );
    assert_ne!(own, shipped);
    let file = |text: &str| leernet_analysis::ContentFile {
        name: "report.toml".into(),
        shown_as: "content/report.toml".into(),
        text: text.into(),
    };
    let f = figures();
    let r = Reports::new().with_content(&[file(&own)]).unwrap();
    let nl = visible(&r.html(&f, Lang::Nl).unwrap());
    assert!(
        nl.contains("bepalen de deelnemers samen de agenda. In 2021 was dat 9 van de 17 (53%)."),
        "{nl}"
    );
    assert!(nl.contains("In 2021 was dat 3,8."), "{nl}");
    let en = visible(&r.html(&f, Lang::En).unwrap());
    assert!(
        en.contains("the participants set the agenda together. In 2021 it was 9 of 17 (53%)."),
        "{en}"
    );
    // the shipped file compares with nothing
    let plain = visible(&Reports::new().html(&f, Lang::Nl).unwrap());
    assert!(!plain.contains("In 2021 was dat"));
    // an earlier count above its n is refused, naming the finding
    let bad = own.replacen(
        "\nearlier = { label = \"2021\", count = 9, n = 17 }",
        "\nearlier = { label = \"2021\", count = 18, n = 17 }",
        1,
    );
    let Err(e) = Reports::new().with_content(&[file(&bad)]) else {
        panic!("an earlier count above its n is refused")
    };
    assert!(e.to_string().contains("finding 1: earlier"), "{e}");
}

/// Each element of a framework has a conclusion in words before its table (issue 21, item
/// 2): how high the networks score, the middle half, and the strongest and weakest
/// indicator — in both languages, and as many as the framework has elements with a median.
#[test]
fn each_element_has_a_conclusion_in_words() {
    let f = figures();
    let r = Reports::new();
    let elements: usize = f
        .frameworks
        .iter()
        .flat_map(|fw| &fw.elements)
        .filter(|e| e.benchmark.median.is_some())
        .count();
    assert!(elements >= 5, "{elements}");
    let nl = visible(&r.html(&f, Lang::Nl).unwrap());
    let said = [
        "scoren de netwerken hoog",
        "scoren de netwerken middelmatig",
        "scoren de netwerken laag",
    ]
    .iter()
    .map(|s| nl.matches(s).count())
    .sum::<usize>();
    assert_eq!(said, elements, "one conclusion per element");
    assert!(nl.contains("Het sterkst zijn ze op ‘"), "{nl}");
    let en = visible(&r.html(&f, Lang::En).unwrap());
    assert!(en.contains("They are strongest on ‘"), "{en}");
    assert!(!en.contains("scoren de netwerken"));
}
