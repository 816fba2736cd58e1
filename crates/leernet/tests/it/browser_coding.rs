//! Coding the demo study's open answers in a real browser: headless Chromium through
//! chromedriver (fantoccini) against `leernet serve` on the demo project.
//!
//! The lead first reads the study's agreement page, whose figures must equal what the
//! statistics engine (`leernet-stats`) computes on the demo's two coders' codings. Then the
//! lead makes a blind double-coding assignment of the answers to `rationale_text`; coder A
//! codes a selected fragment (the small script turns the selection into offsets) and moves
//! on with the keyboard, coder B codes the whole answer with another code; both finish; the
//! lead sees the disagreement side by side and settles it with a reason. Every coding page
//! must pass axe-core (WCAG 2.1 A/AA).
//!
//! The shared helpers are in `common/browser.rs`. Without chromium/chromedriver the test says
//! so and passes, except under `CI`.

use crate::common;

use common::browser::*;
use fantoccini::{Client, Locator};
use leernet_core::*;
use std::collections::BTreeSet;
use std::path::Path;

const PASSWORD: &str = "browser-test-wachtwoord";

/// Runs `script` (which leaves the page) and waits for the next document.
async fn navigate_by(c: &Client, script: &str, what: &str) {
    c.execute(
        &format!("window.__leernet_old = true; {script}; return true;"),
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        c,
        "return !window.__leernet_old && document.readyState === 'complete'",
        what,
    )
    .await;
}

async fn login(c: &Client, base: &str, email: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill_login(c, email, PASSWORD).await;
    assert_eq!(here(c).await, "/my");
}

/// The by-answer agreement of the demo's coders, computed here from the stored codings and
/// handed to the statistics engine: (percent agreement, Cohen's kappa, Krippendorff's alpha).
async fn demo_agreement(demo: &Path) -> (f64, f64, f64) {
    let url = format!("sqlite://{}", demo.join("leernet.sqlite").display());
    let store = leernet_store::Store::connect(&url).await.unwrap();
    let data = store.study_data().await.unwrap();
    store.close().await;
    let coders: Vec<PersonId> = data
        .codings
        .iter()
        .map(|c| c.coder)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(coders.len(), 2, "the demo has two coders");
    let family = |k: &str| k.split('.').next().unwrap_or(k).to_owned();
    let codes: Vec<&Code> = data.codebooks.iter().flat_map(|b| &b.codes).collect();
    let key = |id: CodeId| codes.iter().find(|c| c.id == id).map(|c| c.key.clone());
    let questions: BTreeSet<String> = data
        .codings
        .iter()
        .map(|c| c.segment.question.clone())
        .collect();
    let mut units = Vec::new();
    for r in data
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Submitted)
    {
        for q in &questions {
            if r.answers.get(q).is_none_or(|t| t.trim().is_empty()) {
                continue;
            }
            let fams: BTreeSet<String> = data
                .codings
                .iter()
                .filter(|c| &c.segment.question == q)
                .filter_map(|c| key(c.code))
                .map(|k| family(&k))
                .collect();
            for code in codes.iter().filter(|c| fams.contains(&family(&c.key))) {
                units.push(
                    coders
                        .iter()
                        .map(|p| {
                            Some(u32::from(data.codings.iter().any(|c| {
                                c.segment.response == r.id
                                    && &c.segment.question == q
                                    && c.code == code.id
                                    && c.coder == *p
                            })))
                        })
                        .collect::<Vec<_>>(),
                );
            }
        }
    }
    use leernet_stats::agreement as a;
    (
        a::percent_agreement(&units).unwrap(),
        a::cohen_kappa_units(&units).unwrap(),
        a::krippendorff_alpha_nominal(&units).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_coders_code_the_demo_answers_in_the_browser() {
    let Some(browsers) = browsers() else {
        return;
    };

    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    for e in [
        "lead@example.org",
        "codeur-a@example.org",
        "codeur-b@example.org",
    ] {
        add_user(leernet(), &demo, e, "researcher", None, PASSWORD);
    }
    let (pa, kappa, alpha) = demo_agreement(&demo).await;

    let (c, base, _children) = start(leernet(), &demo, &browsers, tmp.path(), &[], None).await;
    let url = |p: &str| format!("{base}{p}");

    // The lead: the study's agreement equals the statistics engine's on the demo codings.
    login(&c, &base, "lead@example.org").await;
    c.goto(&url("/coding/agreement")).await.unwrap();
    axe(&c, "the agreement page").await;
    let cells: Vec<String> = c
        .execute(
            "return Array.from(document.querySelectorAll('#agreement-table tr.overall td')).map(td => td.textContent.trim());",
            vec![],
        )
        .await
        .map(|v| serde_json::from_value(v).unwrap())
        .unwrap();
    let nl = |x: f64, d: usize| leernet_report::format::num(x, d, "nl");
    assert_eq!(cells[1], nl(100.0 * pa, 1), "percent agreement: {cells:?}");
    assert_eq!(cells[2], nl(kappa, 3), "Cohen's kappa: {cells:?}");
    assert_eq!(cells[3], nl(alpha, 3), "Krippendorff's alpha: {cells:?}");

    // The lead makes a blind double-coding assignment of the rationale answers.
    c.goto(&url("/coding")).await.unwrap();
    axe(&c, "the coding overview").await;
    css(&c, "#a-name")
        .await
        .send_keys("Visie, dubbel")
        .await
        .unwrap();
    c.execute(
        "document.getElementById('a-question').value = 'rationale_text';
         document.querySelectorAll('input[name=coder]').forEach(function (b) {
           var l = document.querySelector('label[for=' + b.id + ']').textContent;
           if (l.indexOf('codeur-') === 0) { b.checked = true; }
         }); return true;",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "#new-assignment ~ form button[type=submit]").await;
    let assignment = here(&c).await;
    assert!(
        here(&c).await.starts_with("/coding/assignments/"),
        "{assignment}"
    );
    axe(&c, "the lead's assignment page").await;

    // Coder A: selects a fragment of the first answer; the script fills the offsets.
    login(&c, &base, "codeur-a@example.org").await;
    c.goto(&url(&assignment)).await.unwrap();
    axe(&c, "the coder's queue").await;
    submit(&c, "table.queue tbody tr:first-child a").await;
    axe(&c, "an answer to code").await;
    let answer = text(&c, "#doc-text").await;
    assert!(!answer.is_empty());
    // A selection that ends inside a word grows to the whole word (the script snaps it).
    c.execute(
        "var n = document.querySelector('#doc-text [data-s]').firstChild;
         var r = document.createRange(); r.setStart(n, 0); r.setEnd(n, 12);
         var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); return true;",
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        &c,
        "return document.getElementById('end').value !== ''",
        "the selection fills the offsets",
    )
    .await;
    let value = |sel: &'static str| {
        let c = c.clone();
        async move {
            css(&c, sel)
                .await
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    assert_eq!(value("#start").await, "0");
    let end: usize = value("#end").await.parse().unwrap();
    let chars: Vec<char> = answer.chars().collect();
    assert!(end >= 12 && end <= chars.len(), "{end}");
    assert!(
        chars.get(end).is_none_or(|c| !c.is_alphanumeric()) && chars[end - 1].is_alphanumeric(),
        "snapped to a whole word: {:?}",
        chars[..end].iter().collect::<String>()
    );
    // The first code of the tree (type to filter: the tree is searchable).
    css(&c, "#code-list li.code input")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "#code-span").await;
    let mine = text(&c, "#passage-list").await;
    let fragment: String = chars[..end].iter().collect();
    assert!(mine.contains(fragment.trim()), "{mine}");
    assert!(
        c.find(Locator::Css("#doc-text mark.coded")).await.is_ok(),
        "highlighted"
    );
    crate::browser_documents::shots_as(&c, "coding", "answer").await;
    axe(&c, "an answer with a coding").await;
    // j: the next answer, by the keyboard.
    navigate_by(
        &c,
        "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }))",
        "j to the next answer",
    )
    .await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/answers/2"));
    c.goto(&url(&assignment)).await.unwrap();
    submit(&c, "#finish").await;
    assert!(c.find(Locator::Css("#finish")).await.is_err(), "finished");

    // Coder B: codes the first answer whole with another code, and finishes.
    login(&c, &base, "codeur-b@example.org").await;
    c.goto(&url(&format!("{assignment}/answers/1")))
        .await
        .unwrap();
    assert!(
        c.find(Locator::Css("#passage-list")).await.is_err(),
        "blind: coder A's coding is not shown"
    );
    css(&c, "#code-list li.code:nth-of-type(2) input")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, ".unit-action button").await;
    let start: String = answer.trim().chars().take(100).collect();
    assert!(text(&c, "#passage-list").await.contains(start.trim()));
    c.goto(&url(&assignment)).await.unwrap();
    submit(&c, "#finish").await;

    // The lead: the disagreement side by side, settled on coder A's fragment with a reason.
    login(&c, &base, "lead@example.org").await;
    c.goto(&url(&assignment)).await.unwrap();
    submit(&c, "#to-disagreements").await;
    axe(&c, "the disagreements page").await;
    let first = text(&c, "#answer-1 h2").await;
    assert!(first.contains("codeurs verschillen"), "{first}");
    css(&c, "#answer-1 input[name=take]")
        .await
        .click()
        .await
        .unwrap();
    css(&c, "#why-1")
        .await
        .send_keys("Het fragment van A is precies genoeg")
        .await
        .unwrap();
    submit(&c, "#settle-1").await;
    assert!(text(&c, "#answer-1 h2").await.contains("vastgesteld"));
    axe(&c, "the disagreements page after a consensus").await;
    c.goto(&url(&assignment)).await.unwrap();
    let log = text(&c, "main").await;
    assert!(
        log.contains("Het fragment van A is precies genoeg"),
        "{log}"
    );
    c.goto(&url(&format!(
        "/coding/agreement?assignment={}",
        assignment.rsplit('/').next().unwrap()
    )))
    .await
    .unwrap();
    css(&c, "#agreement-table").await;
    axe(&c, "the assignment's agreement").await;
    // The other coding pages pass axe too: the register, search, a codebook.
    c.goto(&url("/coding/slow-questions")).await.unwrap();
    axe(&c, "the slow-question register").await;
    c.goto(&url("/coding/search?q=samenwerking")).await.unwrap();
    assert!(text(&c, "#hits").await.contains("Gevonden"));
    axe(&c, "search results").await;
    c.goto(&url("/coding")).await.unwrap();
    submit(&c, "a[href*='/coding/codebooks/']").await;
    axe(&c, "a codebook").await;
    // Every code open: criteria, examples and colour swatches (with their hex codes) pass
    // axe too.
    c.execute(
        "document.querySelectorAll('details').forEach(d => d.open = true); return true;",
        vec![],
    )
    .await
    .unwrap();
    assert!(text(&c, "details[id^='code-'] summary")
        .await
        .contains("(#0072B2)"));
    axe(&c, "a codebook with every code open").await;
    // A change through the form makes version 2; version 1 can still be read.
    c.execute(
        "const f = document.querySelector(\"details[id^='code-'] [name='inclusion_nl']\").form;
         f.id = 'code-change-form';
         f.querySelector(\"[name='inclusion_nl']\").value = 'Ook als het thema alleen genoemd wordt.';
         f.querySelector(\"[name='colour']\").value = '#123456';
         f.querySelector(\"[name='why']\").value = 'Scherper afgebakend';
         return true;",
        vec![],
    )
    .await
    .unwrap();
    // the code's own form (a code's memo forms come before it)
    submit(&c, "#code-change-form button[type='submit']").await;
    let versions = text(&c, "#versions + .table-wrap").await;
    assert!(
        versions.contains("Versie 2") && versions.contains("Scherper afgebakend"),
        "{versions}"
    );
    submit(&c, "a[href$='/versions/1']").await;
    assert!(text(&c, "main").await.contains("#0072B2"));
    axe(&c, "an earlier version of the codebook").await;
    c.close().await.unwrap();
}
