//! The study report and the handreikingen on the demo study: three formats, two languages,
//! byte for byte stable, a DOCX that LibreOffice opens, and pages that fit a phone.
//!
//! The LibreOffice and Chromium tests need those programs: they fail when `CI` is set and the
//! program is missing, and otherwise skip with a printed reason.

use crate::common;

use leernet_analysis::{analyse, Overview, StudyFigures};
use leernet_core::Lang;
use leernet_report::Reports;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn figures() -> StudyFigures {
    analyse(&common::demo(), &Overview::builtin()).unwrap()
}

fn artefacts(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The program, or `None` after saying why the test skips (a failure under CI).
fn tool(candidates: &[&str], what: &str) -> Option<String> {
    leernet_testkit::tools::program(what, candidates, "--version")
}

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn every_format_and_language_is_byte_stable() {
    let f = figures();
    let r = Reports::new();
    for lang in Lang::ALL {
        assert_eq!(r.html(&f, lang).unwrap(), r.html(&f, lang).unwrap());
        assert_eq!(r.markdown(&f, lang).unwrap(), r.markdown(&f, lang).unwrap());
        assert_eq!(r.docx(&f, lang).unwrap(), r.docx(&f, lang).unwrap());
        for h in &f.handles.handreikingen {
            assert_eq!(
                r.handreiking_docx(&f, &h.slug, lang).unwrap(),
                r.handreiking_docx(&f, &h.slug, lang).unwrap()
            );
        }
    }
    // A second analysis of the same data gives the same bytes too.
    let g = figures();
    assert_eq!(r.docx(&f, Lang::Nl).unwrap(), r.docx(&g, Lang::Nl).unwrap());
}

#[test]
fn the_report_carries_profiles_benchmarks_and_handles() {
    let f = figures();
    let r = Reports::new();
    let html = r.html(&f, Lang::En).unwrap();
    for s in [
        "id=\"profiles\"",
        "Essential elements of a learning network",
        "Learning at boundaries (Akkerman &amp; Bakker)",
        "id=\"handles\"",
        "handreikingen/polderhart-sociaal-team.html",
        "Handles: 54 practical handles",
    ] {
        assert!(html.contains(s), "the English report lacks {s:?}");
    }
    // Joint displays: agreed, anonymised quotes beside the element's figures.
    assert!(html.contains("<aside class=\"quotes\""));
    assert!(
        html.contains("Cohen&#x27;s kappa 0.7") || html.contains("Cohen's kappa 0.7"),
        "agreement in the method"
    );
    // The appendix names the codes by their names, never by their keys.
    assert!(html.contains("id=\"appendix\"") && !html.contains("rationale.practice_based"));
    // The method names the codebook and its version.
    assert!(
        html.contains("The codes come from codebook demo, version 1 (69 codes)"),
        "codebook version in the method"
    );
    let md = r.markdown(&f, Lang::Nl).unwrap();
    assert!(md.contains("## Bijlage: codeboek"));
    assert!(md.contains("\n> “"), "quotes in the Markdown");
    assert!(md.contains("## Profielen tegen het raamwerk"));
    assert!(md.contains("## Praktische handvatten"));
    let doc = unzip(&r.docx(&f, Lang::Nl).unwrap(), "word/document.xml");
    assert!(doc.contains("<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Profielen tegen het raamwerk"));
    assert!(doc.matches("<w:tbl>").count() > 20, "real Word tables");
    assert!(doc.contains("<w:tblHeader/>"));
    let styles = unzip(&r.docx(&f, Lang::Nl).unwrap(), "word/styles.xml");
    assert!(styles.contains("<w:outlineLvl w:val=\"0\"/>"));
    assert!(styles.contains("nl-NL"));
}

#[test]
fn the_report_says_the_configurations_of_working_methods_in_every_format() {
    let f = figures();
    let r = Reports::new();
    let nl = r.html(&f, Lang::Nl).unwrap();
    let qca = nl.find("<section id=\"qca\">").expect("a QCA section");
    // After the typology, before the profiles.
    assert!(nl.find("<section id=\"typology\">").unwrap() < qca);
    assert!(qca < nl.find("<section id=\"profiles\">").unwrap());
    // The table of contents names it in its place: after the scales, before the profiles.
    for (html, title) in [
        (&nl, "Configuraties van werkwijzen (QCA)"),
        (
            &r.html(&f, Lang::En).unwrap(),
            "Configurations of working methods (QCA)",
        ),
    ] {
        let nav = &html[html.find("<nav").unwrap()..html.find("</nav>").unwrap()];
        let entry = nav
            .find(&format!("<li><a href=\"#qca\">{title}</a></li>"))
            .expect("a contents entry for the QCA section");
        assert!(nav.find("href=\"#scales\"").unwrap() < entry);
        assert!(entry < nav.find("href=\"#profiles\"").unwrap());
    }
    // The demo's finding, in words: a co-created agenda with a neutral facilitator.
    assert!(nl.contains("<p>Netwerken waarin de deelnemers samen de agenda bepalen én een neutrale leerfacilitator het leren begeleidt, rapporteren vaker een goed leerklimaat (consistentie 0,85; dekking 0,67; 8 netwerken).</p>"));
    assert!(nl.contains("aria-labelledby=\"qca-xy-0-0-title qca-xy-0-0-desc\""));
    let md = r.markdown(&f, Lang::En).unwrap();
    let at = md
        .find("\n## Configurations of working methods (QCA)\n\n")
        .unwrap();
    assert!(at < md.find("\n## Profiles against the framework").unwrap());
    assert!(md.contains("Networks in which the participants set the agenda together and a neutral learning facilitator guides the learning more often report a good learning climate (consistency 0.85; coverage 0.67; 8 networks)."));
    let doc = unzip(&r.docx(&f, Lang::En).unwrap(), "word/document.xml");
    assert!(doc.contains("Configurations of working methods (QCA)"));
    assert!(doc.contains("Truth table: every configuration of the conditions, with its networks"));
}

#[test]
fn a_handreiking_speaks_of_its_own_network_only() {
    let f = figures();
    let r = Reports::new();
    let html = r
        .handreiking_html(&f, "polderhart-sociaal-team", Lang::En)
        .unwrap();
    assert!(html.contains("Handreiking for Leernetwerk Sociaal Team Polderhart"));
    assert!(html.contains("Start here"));
    // Its profile against both frameworks, with the anonymous benchmark.
    assert!(html.contains("<h3>Essential elements of a learning network</h3>"));
    assert!(html.contains("<h3>Learning at boundaries (Akkerman &amp; Bakker)</h3>"));
    // The fact behind "set the agenda together".
    assert!(
        html.contains("Your answer: “No”; 2 of 17 networks gave the same answer. The most common answer is “Yes” (12 of 17)."),
        "{html}"
    );
    for n in f
        .networks
        .iter()
        .filter(|n| n.slug != "polderhart-sociaal-team")
    {
        assert!(!html.contains(&n.name), "names {}", n.name);
        let doc = unzip(
            &r.handreiking_docx(&f, "polderhart-sociaal-team", Lang::Nl)
                .unwrap(),
            "word/document.xml",
        );
        assert!(!doc.contains(&n.name), "the DOCX names {}", n.name);
    }
    let nl = r
        .handreiking_html(&f, "polderhart-sociaal-team", Lang::Nl)
        .unwrap();
    assert!(nl.contains("Begin hier") && nl.contains("Uw profiel"));
    assert!(r.handreiking_html(&f, "no-such-network", Lang::Nl).is_err());
}

#[test]
fn docx_opens_in_libreoffice() {
    let Some(lo) = tool(
        &["libreoffice", "soffice"],
        "LibreOffice (apt: libreoffice-writer-nogui)",
    ) else {
        return;
    };
    let f = figures();
    let r = Reports::new();
    let dir = artefacts("docx");
    let files = [
        ("report-nl.docx", r.docx(&f, Lang::Nl).unwrap()),
        ("report-en.docx", r.docx(&f, Lang::En).unwrap()),
        (
            "handreiking-polderhart.docx",
            r.handreiking_docx(&f, "polderhart-sociaal-team", Lang::Nl)
                .unwrap(),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = Command::new(&lo)
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .args(files.iter().map(|(n, _)| dir.join(n)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, _) in &files {
        let pdf = dir.join(name.replace(".docx", ".pdf"));
        let bytes = std::fs::read(&pdf).unwrap_or_else(|_| {
            panic!(
                "LibreOffice made no {}: {}",
                pdf.display(),
                String::from_utf8_lossy(&out.stdout)
            )
        });
        assert!(bytes.starts_with(b"%PDF"), "{name}");
        assert!(bytes.len() > 10_000, "{name} has content");
    }
}

/// Renders `html` in headless Chromium at `width`×`height`: a screenshot (kept under the
/// target folder to be looked at) and the list of elements wider than the page.
/// With `strict`, a table that only fits by scrolling inside its wrapper counts as overflow.
fn chromium(
    chrome: &str,
    dir: &Path,
    name: &str,
    html: &str,
    (width, height): (u32, u32),
    strict: bool,
) -> String {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap();
    let common = |profile: &str| {
        let mut c = Command::new(chrome);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", dir.join(profile).display()))
        .arg(format!("--window-size={width},{height}"));
        c
    };
    let shot = common(&format!("profile-{name}"))
        .arg(format!(
            "--screenshot={}",
            dir.join(format!("{name}.png")).display()
        ))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    // Measure in a frame of the page's width (headless Chromium lays out --dump-dom at 500
    // pixels whatever the window size): every element that reaches past the right edge,
    // and with `strict` every table that only fits by scrolling inside its frame.
    let probe = format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"{name}.html\" style=\"border:0;width:{width}px;height:{height}px\"></iframe><script>\
document.getElementById('f').addEventListener('load',()=>{{const d=document.getElementById('f').contentDocument;const strict={strict};const w=d.documentElement.clientWidth;const bad=[];\
for(const e of d.querySelectorAll('table,svg,pre,h1,h2,h3,p,li')){{if(e.closest('.table-wrap'))continue;const r=e.getBoundingClientRect();if(r.right>w+1)bad.push(e.tagName+':'+Math.round(r.right));}}\
for(const e of d.querySelectorAll('.table-wrap')){{const r=e.getBoundingClientRect();if(r.right>w+1)bad.push('wrap:'+Math.round(r.right));if(strict&&e.scrollWidth>e.clientWidth+1)bad.push('scrolls:'+(e.querySelector('caption')||e).textContent.slice(0,40));}}\
if(d.documentElement.scrollWidth>w+1)bad.push('page:'+d.documentElement.scrollWidth);\
document.body.setAttribute('data-overflow',(w<{width}-20?'narrow frame '+w+': ':'')+(bad.join(' | ')||'none'));}});</script></body></html>"
    );
    let probe_page = dir.join(format!("{name}-probe.html"));
    std::fs::write(&probe_page, probe).unwrap();
    let dom = common(&format!("probe-{name}"))
        .arg("--allow-file-access-from-files")
        .arg("--dump-dom")
        .arg(format!("file://{}", probe_page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let at = dom.find("data-overflow=\"").expect("the probe ran") + 15;
    dom[at..at + dom[at..].find('"').unwrap()].to_owned()
}

#[test]
fn pages_fit_paper_and_phone() {
    let Some(chrome) = tool(
        &["chromium", "chromium-browser", "google-chrome"],
        "Chromium",
    ) else {
        return;
    };
    let f = figures();
    let r = Reports::new();
    let dir = artefacts("screenshots");
    let pages = [
        ("report-nl", r.html(&f, Lang::Nl).unwrap()),
        (
            "handreiking-polderhart-en",
            r.handreiking_html(&f, "polderhart-sociaal-team", Lang::En)
                .unwrap(),
        ),
        (
            "handreiking-havenmond-nl",
            r.handreiking_html(&f, "havenmond-wijkkracht", Lang::Nl)
                .unwrap(),
        ),
    ];
    for (name, html) in &pages {
        // A4 at 96 dpi, and a common phone; tall windows so the screenshot shows the page.
        // The study report's wide tables (every network by every element) may scroll inside
        // their frame on a phone; a handreiking's tables must fit.
        let strict = name.starts_with("handreiking");
        for (size, w, h) in [
            ("paper", 794, 3000),
            ("phone", 390, 3000),
            ("1280", 1280, 1400),
            ("390", 390, 1400),
        ] {
            let overflow = chromium(
                &chrome,
                &dir,
                &format!("{name}-{size}"),
                html,
                (w, h),
                strict,
            );
            assert_eq!(overflow, "none", "{name} overflows on {size}");
            // The first page of the Dutch report and of a Dutch handreiking, on a screen and
            // on a phone: with LEERNET_UPDATE_SCREENSHOTS=1 also in docs/screenshots/.
            let docs = matches!(*name, "report-nl" | "handreiking-havenmond-nl")
                && matches!(size, "1280" | "390")
                && std::env::var_os("LEERNET_UPDATE_SCREENSHOTS").is_some();
            if docs {
                let to = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
                std::fs::create_dir_all(&to).unwrap();
                let short = name.trim_end_matches("-nl").replace("-havenmond", "");
                std::fs::copy(
                    dir.join(format!("{name}-{size}.png")),
                    to.join(format!("{short}-{size}.png")),
                )
                .unwrap();
            }
        }
    }
    eprintln!("screenshots in {}", dir.display());
}

#[test]
fn html_passes_axe_core() {
    let Some(chrome) = tool(
        &["chromium", "chromium-browser", "google-chrome"],
        "Chromium",
    ) else {
        return;
    };
    let f = figures();
    let r = Reports::new();
    let dir = artefacts("axe-pages");
    // the vendored axe-core, beside the pages
    std::fs::write(dir.join("axe.min.js"), leernet_testkit::AXE).unwrap();
    let pages = [
        ("report-nl", r.html(&f, Lang::Nl).unwrap()),
        ("report-en", r.html(&f, Lang::En).unwrap()),
        (
            "handreiking-nl",
            r.handreiking_html(&f, "polderhart-sociaal-team", Lang::Nl)
                .unwrap(),
        ),
        (
            "handreiking-en",
            r.handreiking_html(&f, "beekwaarde-inclusie", Lang::En)
                .unwrap(),
        ),
    ];
    for (name, html) in pages {
        // WCAG 2.1 A and AA rules; the script only goes into this copy of the page.
        let probe = html.replace(
            "</body>",
            "<script src=\"axe.min.js\"></script><script>axe.run(document,{runOnly:{type:'tag',values:['wcag2a','wcag2aa','wcag21a','wcag21aa']}}).then(r=>{document.body.setAttribute('data-axe',r.violations.map(v=>v.id+' ('+v.impact+', '+v.nodes.length+'): '+v.nodes.slice(0,3).map(n=>n.target.join(' ')).join(', ')).join(' | ')||'none');}).catch(e=>document.body.setAttribute('data-axe','error '+e));</script></body>",
        );
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, probe).unwrap();
        let out = Command::new(&chrome)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--allow-file-access-from-files",
                "--virtual-time-budget=30000",
                "--dump-dom",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.join(format!("profile-{name}")).display()
            ))
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&out.stdout);
        let at = dom
            .find("data-axe=\"")
            .unwrap_or_else(|| panic!("axe did not finish on {name}"))
            + 10;
        let result = &dom[at..at + dom[at..].find('"').unwrap()];
        assert_eq!(result, "none", "{name}: axe-core finds WCAG violations");
    }
}

/// A handle that cites a QCA configuration shows it in words with its consistency, coverage
/// and number of networks, in both languages and both formats, naming no network.
#[test]
fn a_handreiking_cites_the_configuration_its_handle_rests_on() {
    let f = figures();
    let r = Reports::new();
    let h = f
        .handles
        .handreikingen
        .iter()
        .find(|h| {
            h.items
                .iter()
                .any(|i| i.key == "agenda-open-steering-group")
        })
        .expect("a demo network gets the handle that cites a configuration");
    let nl = r.handreiking_html(&f, &h.slug, Lang::Nl).unwrap();
    assert!(nl.contains("<p>Uit de vergelijking van de netwerken (QCA): Netwerken waarin de deelnemers samen de agenda bepalen én een neutrale leerfacilitator het leren begeleidt, rapporteren vaker een goed leerklimaat (consistentie 0,85; dekking 0,67; 8 netwerken).</p>"), "{nl}");
    let en = unzip(
        &r.handreiking_docx(&f, &h.slug, Lang::En).unwrap(),
        "word/document.xml",
    );
    assert!(en.contains("From the comparison of the networks (QCA): Networks in which the participants set the agenda together and a neutral learning facilitator guides the learning more often report a good learning climate (consistency 0.85; coverage 0.67; 8 networks)."));
    // Handles that cite nothing say nothing of the kind.
    let other = f
        .handles
        .handreikingen
        .iter()
        .find(|h| {
            !h.items
                .iter()
                .any(|i| i.key == "agenda-open-steering-group")
        })
        .unwrap();
    assert!(!r
        .handreiking_html(&f, &other.slug, Lang::Nl)
        .unwrap()
        .contains("Uit de vergelijking van de netwerken (QCA)"));
}

/// The QCA section also analyses each outcome's negation, and its robustness table shows
/// what happens when the crossover of "formally organised" moves half a point either side.
#[test]
fn the_qca_section_gives_the_negated_outcome_and_a_moved_crossover() {
    let f = figures();
    let r = Reports::new();
    let nl = r.html(&f, Lang::Nl).unwrap();
    let en = r.markdown(&f, Lang::En).unwrap();
    let section = &nl[nl.find("<section id=\"qca\">").unwrap()..];
    let section = &section[..section.find("<section id=\"profiles\">").unwrap()];
    // column headers carry soft hyphens between syllables; the words are the same
    let section = &section.replace("&shy;", "");
    assert!(
        section.contains("<h3>Geen goed leerklimaat volgens de deelnemers</h3>"),
        "{section}"
    );
    assert!(en.contains("### No good learning climate according to the members"));
    assert!(
        section.contains("Omslagpunt ‘Formeel georganiseerd’ op 3"),
        "{section}"
    );
    assert!(section.contains("Omslagpunt ‘Formeel georganiseerd’ op 4"));
    assert!(en.contains("Crossover of ‘Formally organised’ at 3"));
    // The negation's sentence speaks of its own result.
    assert!(section.contains("<p>Netwerken waarin de deelnemers niet samen de agenda bepalen, geen neutrale leerfacilitator het leren begeleidt, het netwerk formeel georganiseerd is én cocreatie en gelijkwaardigheid niet de grondslag van het werken zijn, rapporteren vaker géén goed leerklimaat (consistentie 0,91; dekking 0,62; 5 netwerken).</p>"));
}

/// A type of one network is "1 netwerk", not "1 netwerken", in every format and language.
#[test]
fn a_type_of_one_network_is_said_in_the_singular() {
    let mut f = figures();
    let ty = f.typology.as_mut().expect("the demo has a typology");
    ty.types[0].size = 1;
    let r = Reports::new();
    for (lang, one, many) in [
        (Lang::Nl, "(1 netwerk)", "(1 netwerken)"),
        (Lang::En, "(1 network)", "(1 networks)"),
    ] {
        let html = r.html(&f, lang).unwrap();
        let md = r.markdown(&f, lang).unwrap();
        for (what, text) in [("html", &html), ("markdown", &md)] {
            assert!(text.contains(one), "{what} {lang:?}");
            assert!(!text.contains(many), "{what} {lang:?}");
        }
    }
}
