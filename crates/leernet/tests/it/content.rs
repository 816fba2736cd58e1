//! A project's own `content/` folder as a researcher meets it: a changed handle condition
//! changes the handreikingen `leernet report` writes; a broken framework or handles file
//! stops `leernet report` and `leernet analyse` with one message that names the file, the
//! entry and the field, and nothing is written. A study of an installation has its own
//! content over the project's.

use std::path::Path;
use std::process::{Command, Output};

fn leernet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .expect("run leernet")
}

const HANDLES: &str = include_str!("../../../../content/handles.toml");
const FRAMEWORK: &str = include_str!("../../../../content/framework.toml");
const HANDREIKING: &str = include_str!("../../../../content/handreiking.toml");

fn report(project: &Path, out: &Path) -> Output {
    leernet(&[
        "report",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "html",
        "--lang",
        "nl",
        "--project",
        project.to_str().unwrap(),
    ])
}

fn put(project: &Path, name: &str, text: &str) {
    let p = project.join("content").join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `leernet report` refuses, names file, entry and field, and writes nothing.
fn refuses(project: &Path, out: &Path, wants: &[&str]) {
    let o = report(project, out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for w in wants {
        assert!(err.contains(w), "the message lacks {w:?}: {err}");
    }
    assert_eq!(err.trim().lines().count(), 1, "one message: {err}");
    assert!(!out.exists(), "a refused report wrote {}", out.display());
    let a = leernet(&["analyse", "--project", project.to_str().unwrap()]);
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&a.stderr),
        err,
        "analyse says the same"
    );
}

#[test]
fn a_projects_content_folder_overrides_the_shipped_files() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = leernet(&["demo", "--dir", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The shipped content: the first handle goes to the networks without an explicit
    // rationale only.
    let shipped = leernet_analysis::ProjectContent::builtin();
    let first = &shipped.content.handles.handles[0];
    assert_eq!(first.condition, "${rationale_explicit} != 'yes'");
    let title = first.title.nl.replace('\'', "&#x27;");
    let before = tmp.path().join("before");
    let o = report(&demo, &before);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let handreiking = |dir: &Path, slug: &str| {
        std::fs::read_to_string(dir.join("handreikingen").join(format!("{slug}.html"))).unwrap()
    };
    let slugs: Vec<String> = std::fs::read_dir(before.join("handreikingen"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let without: Vec<&String> = slugs
        .iter()
        .filter(|s| !handreiking(&before, s).contains(&title))
        .collect();
    assert!(
        !without.is_empty() && without.len() < slugs.len(),
        "the shipped condition selects some networks"
    );

    // The project's own handles.toml: the same handle now for the networks that do have an
    // explicit rationale.
    put(
        &demo,
        "handles.toml",
        &HANDLES.replacen(
            "condition = \"${rationale_explicit} != 'yes'\"",
            "condition = \"${rationale_explicit} = 'yes'\"",
            1,
        ),
    );
    let after = tmp.path().join("after");
    let o = report(&demo, &after);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for s in &slugs {
        let had = handreiking(&before, s).contains(&title);
        let has = handreiking(&after, s).contains(&title);
        // Networks that did not answer the question get it in neither case.
        assert!(
            !(had && has),
            "{s} keeps the handle under the opposite condition"
        );
    }
    assert!(
        without
            .iter()
            .any(|s| handreiking(&after, s).contains(&title)),
        "networks with an explicit rationale now get the handle"
    );
    // The report says the condition it used in words (issue 21: never the expression or
    // the file's path).
    let said = |dir: &Path| {
        let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(!index.contains("${") && !index.contains("handles.toml"));
        let row = &index[index
            .find(&format!("<td>{title}<br>"))
            .expect("the handle's row")..];
        row[..row.find("</td>").unwrap()].to_owned()
    };
    assert!(
        said(&before).contains("’ is niet ‘Ja’."),
        "{}",
        said(&before)
    );
    let now = said(&after);
    assert!(
        now.contains("Voor netwerken waarbij het antwoord op ‘") && now.contains("’ is ‘Ja’."),
        "the report says the condition it used: {now}"
    );

    // Broken files: each one message with file, entry and field; nothing written.
    let out = tmp.path().join("refused");
    let handles_file = "content/handles.toml";
    put(
        &demo,
        "handles.toml",
        &HANDLES.replacen(
            "condition = \"${rationale_explicit} != 'yes'\"",
            "condition = \"${rationale_explicit} != 'yes' and (\"",
            1,
        ),
    );
    refuses(
        &demo,
        &out,
        &[
            handles_file,
            "handle \"rationale-one-page\"",
            "field `condition`",
            "does not parse",
        ],
    );
    put(
        &demo,
        "handles.toml",
        &HANDLES.replacen(
            "condition = \"${rationale_explicit} != 'yes'\"",
            "condition = \"${rationale_explicitly} != 'yes'\"",
            1,
        ),
    );
    refuses(
        &demo,
        &out,
        &[
            handles_file,
            "handle \"rationale-one-page\"",
            "field `condition`",
            "${rationale_explicitly}",
        ],
    );
    put(
        &demo,
        "handles.toml",
        &HANDLES.replacen("title_en = \"Put your why on one page\"\n", "", 1),
    );
    refuses(
        &demo,
        &out,
        &[
            handles_file,
            "handle \"rationale-one-page\"",
            "field `title_en`",
            "translation",
        ],
    );
    put(
        &demo,
        "handles.toml",
        &HANDLES.replacen("[[handle]]", "[[handle]", 1),
    );
    refuses(&demo, &out, &[handles_file, "line "]);
    std::fs::remove_file(demo.join("content/handles.toml")).unwrap();

    // An indicator that names a question the questionnaire does not have.
    let question = FRAMEWORK
        .lines()
        .find_map(|l| l.strip_prefix("question = "))
        .unwrap();
    put(
        &demo,
        "framework.toml",
        &FRAMEWORK.replacen(
            &format!("question = {question}"),
            "question = \"no_such_question\"",
            1,
        ),
    );
    refuses(
        &demo,
        &out,
        &[
            "content/framework.toml",
            "indicator",
            "field `question`",
            "no_such_question",
        ],
    );
    std::fs::remove_file(demo.join("content/framework.toml")).unwrap();

    // The report's own files (issue 21): a broken report.toml or handreiking.toml is refused
    // with its file and line or field; a valid handreiking.toml leads with its own number.
    put(&demo, "report.toml", "[summary\nmin = 1\n");
    refuses(&demo, &out, &["content/report.toml", "line 1"]);
    std::fs::remove_file(demo.join("content/report.toml")).unwrap();
    put(
        &demo,
        "handreiking.toml",
        &HANDREIKING.replacen("lead = 5", "lead = 0", 1),
    );
    refuses(&demo, &out, &["content/handreiking.toml", "lead = 0"]);
    put(
        &demo,
        "handreiking.toml",
        &HANDREIKING.replacen("lead = 5", "lead = 2", 1),
    );
    let own = tmp.path().join("own-layout");
    let o = report(&demo, &own);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let most = slugs
        .iter()
        .map(|s| {
            let h = handreiking(&own, s);
            let lead = h
                .split("<section id=\"more\"")
                .next()
                .unwrap_or("")
                .to_owned();
            lead.matches("<article ").count()
        })
        .max()
        .unwrap();
    assert_eq!(
        most, 2,
        "the project's handreiking.toml leads with two handles"
    );
    std::fs::remove_file(demo.join("content/handreiking.toml")).unwrap();

    // A misnamed file is named, not silently ignored.
    put(&demo, "handle.toml", HANDLES);
    refuses(&demo, &out, &["content/handle.toml", "does not read"]);
}

const AUTOCODE: &str = include_str!("../../../../content/autocode.toml");

/// The auto-coding rules are content too: a project's `content/autocode.toml` replaces the
/// shipped rules for the precision and recall that `leernet analyse` reports (named by its
/// file), and a broken one stops the analysis with the file, the code and the field.
#[test]
fn a_projects_autocode_rules_replace_the_shipped_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = leernet(&["demo", "--dir", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = tmp.path().join("figures.json");
    let analyse = || -> serde_json::Value {
        let o = leernet(&[
            "analyse",
            "--json",
            json.to_str().unwrap(),
            "--project",
            demo.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap()
    };
    let shipped = analyse();
    assert_eq!(shipped["autocoding"]["rules"], "content/autocode.toml");

    // the project keeps only the rules of the learning themes
    let themes_only: String = {
        let (head, codes) = AUTOCODE.split_once("[[code]]").unwrap();
        let kept: Vec<&str> = codes
            .split("[[code]]")
            .filter(|c| c.trim_start().starts_with("key = \"theme."))
            .collect();
        format!("{head}[[code]]{}", kept.join("[[code]]"))
    };
    put(&demo, "autocode.toml", &themes_only);
    let own = analyse();
    let file = demo.join("content/autocode.toml").display().to_string();
    assert_eq!(own["autocoding"]["rules"], file.as_str());
    let suggestions = |v: &serde_json::Value| v["autocoding"]["suggestions"].as_u64().unwrap();
    assert!(
        suggestions(&own) < suggestions(&shipped),
        "fewer rules, fewer suggestions: {} vs {}",
        suggestions(&own),
        suggestions(&shipped)
    );
    assert!(own["autocoding"]["note"]["en"]
        .as_str()
        .unwrap()
        .contains("the project's own file"));

    let broken = AUTOCODE.replacen("keywords = [\"", "keywords = [\"twee woorden\", \"", 1);
    put(&demo, "autocode.toml", &broken);
    let out = tmp.path().join("out");
    refuses(
        &demo,
        &out,
        &["content/autocode.toml", "keywords", "twee woorden"],
    );
}

/// A study of an installation has its own content: `studies/<slug>/content/` over the
/// project's `content/`. The demo holds two studies (`demo` and `vervolg`); a study's own
/// handles change its handreikingen only, and a broken file of one study stops that study's
/// commands only, naming the file.
#[test]
fn a_study_has_its_own_content_over_the_projects() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = leernet(&["demo", "--dir", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let project = demo.to_str().unwrap();
    let study_report = |study: &str, out: &Path| {
        leernet(&[
            "--study",
            study,
            "report",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "html",
            "--lang",
            "nl",
            "--project",
            project,
        ])
    };
    let title = leernet_analysis::ProjectContent::builtin()
        .content
        .handles
        .handles[0]
        .title
        .nl
        .replace('\'', "&#x27;");
    let holding = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir.join("handreikingen"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| std::fs::read_to_string(p).unwrap().contains(&title))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let before = tmp.path().join("before");
    let o = study_report("demo", &before);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The main study's own handles: the first handle under the opposite condition.
    let own = demo.join("studies").join("demo").join("content");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("handles.toml"),
        HANDLES.replacen(
            "condition = \"${rationale_explicit} != 'yes'\"",
            "condition = \"${rationale_explicit} = 'yes'\"",
            1,
        ),
    )
    .unwrap();
    let after = tmp.path().join("after");
    let o = study_report("demo", &after);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_ne!(
        holding(&before),
        holding(&after),
        "the study's own handles changed its handreikingen"
    );

    // A broken file of the follow-up study stops its commands, not the main study's.
    let theirs = demo.join("studies").join("vervolg").join("content");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("framework.toml"), "[[element]\nkey = ").unwrap();
    let o = leernet(&["--study", "vervolg", "analyse", "--project", project]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("framework.toml"), "{err}");
    let o = leernet(&["--study", "demo", "analyse", "--project", project]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
