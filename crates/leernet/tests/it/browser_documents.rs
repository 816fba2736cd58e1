//! Coding documents in a real browser (issue 20, the done-when test): headless Chromium
//! against `leernet serve` on a project fresh from `leernet init`, with a codebook (a folder
//! among its codes), a lead researcher and two coders. The lead uploads two interview
//! transcripts (.txt and .vtt) and a .docx session report in the browser, makes a blind
//! double-coding assignment of them for the two coders; each coder selects text (the script
//! snaps it to whole words) and picks codes from the code tree (typing to filter), one codes
//! a whole speaker turn; coder B never sees coder A's work; both finish; the lead settles the
//! disagreements side by side with a reason, and the document page shows the settled
//! passage highlighted with its code's name. axe-core must report no WCAG 2.1 A/AA violation
//! on any of these pages.
//!
//! Screenshots of the documents list and the document coding page at 1280 and 390 px go to
//! `<target>/debug/browser-artefacts/`; with `LEERNET_UPDATE_SCREENSHOTS=1` also to
//! `docs/screenshots/documents-*.png` (the README links them). The report's themes and quotes
//! from interviews are checked by the data side's tests, not here.
//!
//! Needs `chromium` and `chromedriver`; without them the test says so and passes, except
//! under `CI`.

use crate::common::browser::*;
use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PASSWORD: &str = "browser-test-wachtwoord";
const LEAD: &str = "lead.documenten@example.org";
const CODER_A: &str = "codeur-a@example.org";
const CODER_B: &str = "codeur-b@example.org";

fn fixture(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/documents-browser")
        .join(name);
    assert!(p.is_file(), "missing fixture {}", p.display());
    p.canonicalize().unwrap()
}

/// The page from its top at 1280 and 390 px, as `documents-<name>-<width>.png`.
pub(crate) async fn shots_as(c: &Client, prefix: &str, name: &str) {
    for width in [1280, 390] {
        c.set_window_size(width, 1100).await.unwrap();
        c.execute("window.scrollTo(0, 0); return true;", vec![])
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = c.screenshot().await.unwrap();
        let file = format!("{prefix}-{name}-{width}.png");
        std::fs::write(artefacts().join(&file), &png).unwrap();
        if std::env::var_os("LEERNET_UPDATE_SCREENSHOTS").is_some() {
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(docs.join(&file), &png).unwrap();
        }
    }
    c.set_window_size(1280, 900).await.unwrap();
}

fn run(project: &Path, args: &[&str]) {
    let o = leernet()
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "leernet {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

async fn login(c: &Client, origin: &str, email: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{origin}/login")).await.unwrap();
    fill_login(c, email, PASSWORD).await;
    assert_eq!(here(c).await, "/my");
}

/// Selects the characters `from..to` (UTF-16 units) of the first text run of unit `unit`
/// of the document text, as a mouse drag would.
async fn select(c: &Client, unit: usize, from: usize, to: usize) {
    c.execute(
        &format!(
            "var n = document.querySelector('#doc-text .unit[data-unit=\"{unit}\"] [data-s]').firstChild;
             var r = document.createRange(); r.setStart(n, {from}); r.setEnd(n, {to});
             var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); return true;"
        ),
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        c,
        "return document.getElementById('end').value !== ''",
        "the selection fills the offsets",
    )
    .await;
}

/// Types `filter` into the code tree's search and takes the first code shown (Enter).
async fn pick_code(c: &Client, filter: &str) {
    let f = css(c, "#code-filter").await;
    f.clear().await.unwrap();
    f.send_keys(filter).await.unwrap();
    f.send_keys("\u{E007}").await.unwrap(); // Enter
    wait_until(
        c,
        "return !!document.querySelector('#code-list input[name=code]:checked')",
        "a code chosen from the tree",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_uploaded_coded_blind_in_the_browser_and_settled() {
    let Some(browsers) = browsers() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("studie");
    let o = leernet()
        .args(["init", project.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for email in [LEAD, CODER_A, CODER_B] {
        add_user(leernet(), &project, email, "researcher", None, PASSWORD);
    }
    run(
        &project,
        &[
            "workplace",
            "add",
            "--slug",
            "noord",
            "--name",
            "Werkplaats Noord",
        ],
    );
    for (slug, name) in [
        ("wijk-a", "Lerend netwerk Wijk A"),
        ("wijk-b", "Lerend netwerk Wijk B"),
    ] {
        run(
            &project,
            &[
                "network",
                "add",
                "--slug",
                slug,
                "--name",
                name,
                "--workplace",
                "noord",
            ],
        );
    }
    run(
        &project,
        &[
            "import",
            "codebook",
            fixture("codebook.qdc").to_str().unwrap(),
        ],
    );
    let (c, served, _children) = start(leernet(), &project, &browsers, tmp.path(), &[], None).await;
    let origin = served.split("/studies/").next().unwrap().to_owned();
    login(&c, &origin, LEAD).await;
    let url = c.current_url().await.unwrap();
    let base = format!(
        "{origin}{}",
        url.path()
            .strip_suffix("/my")
            .expect("the login leads to /my")
    );

    // Two interview transcripts at once, then the session report.
    c.goto(&format!("{base}/coding?lang=nl")).await.unwrap();
    submit(&c, "#to-documents").await;
    axe(&c, "the empty documents list").await;
    let two = format!(
        "{}\n{}",
        fixture("interview-facilitator-wijk-a.txt").display(),
        fixture("interview-lid-wijk-b.vtt").display()
    );
    css(&c, "#up-file").await.send_keys(&two).await.unwrap();
    c.execute(
        "document.getElementById('up-kind').value = 'interview';
         document.getElementById('up-network').value = 'wijk-a'; return true;",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "#upload").await;
    assert_eq!(here(&c).await, "/coding/documents");
    css(&c, "#up-file")
        .await
        .send_keys(fixture("sessieverslag-3.docx").to_str().unwrap())
        .await
        .unwrap();
    c.execute(
        "document.getElementById('up-kind').value = 'session_report'; return true;",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "#upload").await;
    assert!(
        here(&c).await.starts_with("/coding/documents/"),
        "one file: its page"
    );
    assert!(text(&c, "h1").await.contains("sessieverslag-3"));
    assert!(text(&c, "#doc-text")
        .await
        .contains("een gezin met schulden"));
    axe(&c, "a session report's page").await;
    submit(&c, "main p a").await; // back to the list
    let list = text(&c, "table.documents").await;
    for want in [
        "interview-facilitator-wijk-a",
        "interview-lid-wijk-b",
        "sessieverslag-3",
        "Interviewer, Fenna",
        "Interviewer, Bram",
        "Sessieverslag",
        "Lerend netwerk Wijk A",
    ] {
        assert!(list.contains(want), "{want}: {list}");
    }
    axe(&c, "the documents list").await;
    shots_as(&c, "documents", "list").await;

    // A double-coding assignment of all three for the two coders.
    c.execute(
        "document.querySelectorAll('input[name=document]').forEach(i => i.checked = true);
         document.querySelectorAll('input[name=coder]').forEach(i => {
             const l = document.querySelector('label[for=\"' + i.id + '\"]').textContent;
             i.checked = l.indexOf('codeur') >= 0; });
         return true;",
        vec![],
    )
    .await
    .unwrap();
    css(&c, "#as-name")
        .await
        .send_keys("Interviews ronde 1")
        .await
        .unwrap();
    submit(&c, "#make-assignment").await;
    let assignment = here(&c).await;
    assert!(
        assignment.starts_with("/coding/assignments/"),
        "{assignment}"
    );
    axe(&c, "the lead's assignment of documents").await;
    let page = |p: &str| format!("{base}{assignment}{p}");

    // Coder A: a selection in Fenna's second answer, snapped to whole words, coded from the
    // tree by typing; then Fenna's first turn as a whole.
    login(&c, &origin, CODER_A).await;
    c.goto(&page("")).await.unwrap();
    axe(&c, "the coder's queue of documents").await;
    submit(&c, "table.queue tbody tr:first-child a").await;
    axe(&c, "a document to code").await;
    // Unit 3 is Fenna's "Vaste momenten en een goede facilitator. We leren elkaars taal …":
    // the selection starts and ends inside words.
    let turn = text(&c, "#doc-text .unit[data-unit='3'] .unit-text").await;
    let from = turn.find("aars taal").unwrap();
    select(&c, 3, from, from + 9).await;
    let preview = text(&c, "#selection-preview").await;
    assert_eq!(preview, "“elkaars taal”", "snapped to whole words");
    pick_code(&c, "taal").await;
    submit(&c, "#code-span").await;
    let passages = text(&c, "#passage-list").await;
    assert!(
        passages.contains("elkaars taal") && passages.contains("Elkaars taal leren"),
        "{passages}"
    );
    assert!(
        c.find(Locator::Css("#doc-text mark.coded")).await.is_ok(),
        "the passage is highlighted"
    );
    // A whole turn: Fenna's first answer, as "Opbrengst".
    pick_code(&c, "opbrengst").await;
    submit(&c, "#doc-text .unit[data-unit='1'] .unit-action button").await;
    let passages = text(&c, "#passage-list").await;
    assert!(passages.contains("Opbrengst"), "{passages}");
    // The stripes in the margin name the codes.
    assert!(text(&c, "#doc-text .unit[data-unit='1'] .stripes")
        .await
        .contains("Opbrengst"));
    axe(&c, "a document with codings").await;
    shots_as(&c, "documents", "coding").await;
    // A highlight, entered with the keyboard, leads to its passage in the list.
    css(&c, "#doc-text mark.coded")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    wait_until(
        &c,
        "return document.activeElement && document.activeElement.id.indexOf('passage-') === 0",
        "Enter on a highlight focuses its passage",
    )
    .await;
    c.goto(&page("")).await.unwrap();
    submit(&c, "#finish").await;

    // Coder B: blind; codes the same words as "Facilitator" (a disagreement), and finishes.
    login(&c, &origin, CODER_B).await;
    c.goto(&page("/documents/1")).await.unwrap();
    assert!(
        c.find(Locator::Css("#doc-text mark")).await.is_err(),
        "blind: coder A's codings are not shown"
    );
    // Coder B works from the keyboard, without caret browsing: the words typed into the find
    // field (other case and spacing), Enter selects the place they stand.
    let find = css(&c, "#find-words").await;
    find.send_keys("staat nergens").await.unwrap();
    find.send_keys("\u{E007}").await.unwrap();
    wait_until(
        &c,
        "return document.getElementById('find-status').textContent !== ''",
        "a search without a hit says so",
    )
    .await;
    let status = text(&c, "#find-status").await;
    assert!(status.contains("staan niet"), "{status}");
    assert_eq!(
        c.find(Locator::Id("end"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("")
    );
    find.clear().await.unwrap();
    find.send_keys("Elkaars   TAAL").await.unwrap();
    find.send_keys("\u{E007}").await.unwrap();
    wait_until(
        &c,
        "return document.getElementById('end').value !== ''",
        "the words found fill the offsets",
    )
    .await;
    assert_eq!(text(&c, "#selection-preview").await, "“elkaars taal”");
    let status = text(&c, "#find-status").await;
    assert!(status.contains("plek 1 van 1"), "{status}");
    // the offsets are the words' own, in code points from the start of the document
    let turn = text(&c, "#doc-text .unit[data-unit='3'] .unit-text").await;
    let run_start = c
        .execute(
            "return parseInt(document.querySelector('#doc-text .unit[data-unit=\"3\"] [data-s]').getAttribute('data-s'), 10);",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap() as usize;
    let at = run_start + turn[..turn.find("elkaars").unwrap()].chars().count();
    let value = |id: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Id(id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    assert_eq!(value("start").await, at.to_string());
    assert_eq!(
        value("end").await,
        (at + "elkaars taal".chars().count()).to_string()
    );
    assert_eq!(
        c.execute("return document.activeElement.id", vec![])
            .await
            .unwrap(),
        "find-words",
        "the keyboard stays in the find field"
    );
    pick_code(&c, "facilitator").await;
    submit(&c, "#code-span").await;
    assert!(text(&c, "#passage-list").await.contains("Facilitator"));
    c.goto(&page("")).await.unwrap();
    submit(&c, "#finish").await;

    // The lead: side by side, settled on coder A's reading with a reason.
    login(&c, &origin, LEAD).await;
    c.goto(&page("")).await.unwrap();
    submit(&c, "#to-disagreements").await;
    axe(&c, "the disagreements of documents").await;
    let first = text(&c, "#document-1 h2").await;
    assert!(first.contains("codeurs verschillen"), "{first}");
    let columns = text(&c, "#document-1 .side-by-side-cols").await;
    assert!(
        columns.contains("Elkaars taal leren") && columns.contains("Facilitator"),
        "{columns}"
    );
    c.execute(
        "document.querySelectorAll('#document-1 input[name=take]').forEach(i => {
             const l = document.querySelector('label[for=\"' + i.id + '\"]').textContent;
             i.checked = l.indexOf('Facilitator') < 0; });
         return true;",
        vec![],
    )
    .await
    .unwrap();
    css(&c, "#why-1")
        .await
        .send_keys("Het gaat om taal, niet om de facilitator")
        .await
        .unwrap();
    submit(&c, "#settle-1").await;
    assert!(text(&c, "#document-1 h2").await.contains("vastgesteld"));
    axe(&c, "the disagreements after a consensus").await;
    c.goto(&page("")).await.unwrap();
    assert!(text(&c, "main")
        .await
        .contains("Het gaat om taal, niet om de facilitator"));
    // The settled passages on the document's own page, highlighted and named.
    c.goto(&format!("{base}/coding/documents")).await.unwrap();
    submit(&c, "table.documents tbody tr:first-child td:nth-child(2) a").await;
    assert!(c.find(Locator::Css("#doc-text mark.coded")).await.is_ok());
    let settled = text(&c, "#passage-list").await;
    assert!(
        settled.contains("Elkaars taal leren") && settled.contains("Opbrengst"),
        "{settled}"
    );
    assert!(!settled.contains("Facilitator"), "{settled}");
    axe(&c, "a document with settled codings").await;

    // Fenna's role, set on the document page with the keyboard's controls: a select and a
    // button per speaker (Interviewer speaks first, Fenna second).
    let speakers = text(&c, "#speaker-table").await;
    assert!(
        speakers.contains("Fenna") && speakers.contains("Interviewer"),
        "{speakers}"
    );
    c.execute(
        "document.getElementById('role-2').value = 'facilitator'; return true;",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "#set-role-2").await;
    wait_until(
        &c,
        "return document.getElementById('role-2').value === 'facilitator'",
        "the role is kept",
    )
    .await;
    axe(&c, "a document with a speaker's role").await;

    // Agreement of the assignment over speaker turns and paragraphs, each code one click
    // from where the coders differ.
    c.goto(&format!(
        "{base}/coding/agreement?assignment={}",
        assignment.rsplit('/').next().unwrap()
    ))
    .await
    .unwrap();
    let table = text(&c, "#agreement-table").await;
    assert!(table.contains("Op spreekbeurten en alinea"), "{table}");
    assert!(text(&c, "#coefficients-explained")
        .await
        .contains("Cohens kappa"));
    axe(&c, "the agreement of an assignment of documents").await;
    shots_as(&c, "documents", "agreement").await;
    submit(&c, "#agreement-table a.differ").await;
    assert!(here(&c).await.contains("/differences/"));
    axe(&c, "where the coders differ").await;

    // Retrieval: the passages of a code by a speaker's role, the matrices, co-occurrence.
    c.goto(&format!("{base}/coding/passages")).await.unwrap();
    axe(&c, "the passages page without a code").await;
    c.execute(
        "const s = document.getElementById('p-code');
         s.value = [...s.options].find(o => o.text.indexOf('Elkaars taal leren') >= 0).value;
         document.getElementById('p-role').value = 'facilitator'; return true;",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "main form button[type=submit]").await;
    assert_eq!(text(&c, "#passages").await, "Fragmenten: 1");
    assert!(text(&c, "ol.passages").await.contains("elkaars taal"));
    axe(&c, "the passages of a code by a speaker's role").await;
    shots_as(&c, "retrieval", "passages").await;
    c.execute(
        "document.getElementById('p-role').value = 'member'; return true;",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "main form button[type=submit]").await;
    assert_eq!(text(&c, "#passages").await, "Fragmenten: 0");
    c.goto(&format!("{base}/coding/matrix")).await.unwrap();
    assert!(text(&c, "main").await.contains("Elkaars taal leren"));
    axe(&c, "the matrices of codes").await;
    shots_as(&c, "retrieval", "matrix").await;
    c.goto(&format!("{base}/coding/cooccurrence?unit=turn"))
        .await
        .unwrap();
    axe(&c, "co-occurrence within a turn").await;
    shots_as(&c, "retrieval", "cooccurrence").await;
}
