//! The loop back from the networks (issue 26): their responses to their profile (member
//! checking) and the handles they took up, related to the change since the previous wave.
//!
//! Why it exists: a handreiking is meant to be used, and a profile to be recognised. The
//! report says how the networks recognised their profiles ("12 van de 14 netwerken die
//! reageerden vonden hun profiel herkenbaar") and quotes a few of their sentences without
//! names, and it sets the change in the element scores of networks that took up a handle on
//! an element beside that of networks that did not — with due caution: the networks chose
//! the handles themselves, the groups are small, and nothing here says a handle caused the
//! change.
//!
//! Rules (said in the report in words):
//! - a network's verdict is the middle of its members' and facilitator's responses on the
//!   order herkenbaar < deels herkenbaar < niet herkenbaar (with an even number, the less
//!   favourable of the two middle ones), over the responses of one wave;
//! - per element of the frameworks, the networks with a change figure on it (measured in
//!   both waves) fall in two groups: those that took up at least one handle of that element
//!   and those that took up none; each group's mean change with its n. An element no network
//!   took up a handle of has no row.
//!
//! Invariants: pure and deterministic (networks and elements in the order given; quotes in
//! network order, then by when they were given); sums of counts are checked; a mean of no
//! networks is `None`, never NaN.

use crate::change::ChangeFigures;
use crate::handles::HandleInfo;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Whether a network recognises its profile, in the order from favourable to not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recognition {
    /// Herkenbaar.
    Yes,
    /// Deels herkenbaar.
    Partly,
    /// Niet herkenbaar.
    No,
}

impl Recognition {
    /// Every value, in order.
    pub const ALL: [Recognition; 3] = [Recognition::Yes, Recognition::Partly, Recognition::No];

    /// `yes`, `partly`, `no`.
    pub fn as_str(self) -> &'static str {
        match self {
            Recognition::Yes => "yes",
            Recognition::Partly => "partly",
            Recognition::No => "no",
        }
    }

    /// Reads `yes`, `partly` or `no`.
    pub fn parse(s: &str) -> Option<Recognition> {
        Recognition::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One person's response to their network's profile (without the person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseFact {
    pub slug: String,
    /// The wave's name.
    pub wave: String,
    pub verdict: Recognition,
    /// The sentence, with the names of people and networks already replaced by `[…]`.
    pub reason: String,
}

/// What the networks sent back: their responses to their profiles and the handles they
/// took up (network slug, handle key).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Feedback {
    pub responses: Vec<ResponseFact>,
    pub uptake: Vec<(String, String)>,
}

/// The wave responses to profiles are given in and counted for: the (latest) wave the
/// network questionnaire's figures rest on, by name; `""` without a network questionnaire.
pub fn response_wave(f: &crate::StudyFigures) -> String {
    f.waves
        .bases
        .iter()
        .find(|b| b.network_level)
        .and_then(|b| b.waves.last().cloned())
        .unwrap_or_default()
}

/// A network's verdict: the middle of its responses (the less favourable of the two middle
/// ones with an even number); `None` without responses.
pub fn network_verdict(verdicts: &[Recognition]) -> Option<Recognition> {
    let mut v = verdicts.to_vec();
    v.sort();
    // The upper middle: for 4 responses the third, for 3 the second.
    v.get(v.len() / 2).copied()
}

/// One network's responses in one wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkRecognition {
    pub slug: String,
    pub name: String,
    /// Responses per verdict, in [`Recognition::ALL`] order.
    pub counts: [usize; 3],
    pub verdict: Recognition,
}

/// How the networks recognised their profiles in one wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberCheck {
    pub wave: String,
    /// Networks that responded, in the order given.
    pub networks: Vec<NetworkRecognition>,
    /// Networks per verdict, in [`Recognition::ALL`] order.
    pub by_verdict: [usize; 3],
    /// Responses in all.
    pub responses: usize,
    /// Sentences to quote (names already replaced), at most [`MAX_QUOTES`]: the less
    /// favourable first (they say most about what the profile missed), then in network order.
    pub quotes: Vec<(Recognition, String)>,
}

/// The most sentences the report quotes.
pub const MAX_QUOTES: usize = 5;

/// The member check of `wave` over the networks `order` (slug, name), in that order.
pub fn member_check(f: &Feedback, wave: &str, order: &[(String, String)]) -> Option<MemberCheck> {
    let of_wave: Vec<&ResponseFact> = f.responses.iter().filter(|r| r.wave == wave).collect();
    if of_wave.is_empty() {
        return None;
    }
    let mut networks = Vec::new();
    let mut by_verdict = [0usize; 3];
    let mut quotes: Vec<(Recognition, usize, String)> = Vec::new();
    for (pos, (slug, name)) in order.iter().enumerate() {
        let mine: Vec<&&ResponseFact> = of_wave.iter().filter(|r| &r.slug == slug).collect();
        let verdicts: Vec<Recognition> = mine.iter().map(|r| r.verdict).collect();
        let Some(verdict) = network_verdict(&verdicts) else {
            continue;
        };
        let mut counts = [0usize; 3];
        for v in &verdicts {
            counts[*v as usize] += 1;
        }
        by_verdict[verdict as usize] += 1;
        networks.push(NetworkRecognition {
            slug: slug.clone(),
            name: name.clone(),
            counts,
            verdict,
        });
        for r in mine.iter().filter(|r| !r.reason.trim().is_empty()) {
            quotes.push((r.verdict, pos, r.reason.trim().to_owned()));
        }
    }
    // Less favourable first, then network order (a stable sort keeps the given order).
    quotes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    quotes.dedup_by(|a, b| a.2 == b.2);
    let responses = networks
        .iter()
        .flat_map(|n| n.counts)
        .try_fold(0usize, |a, c| a.checked_add(c))?;
    Some(MemberCheck {
        wave: wave.to_owned(),
        networks,
        by_verdict,
        responses,
        quotes: quotes
            .into_iter()
            .take(MAX_QUOTES)
            .map(|(v, _, q)| (v, q))
            .collect(),
    })
}

/// One element: the change of networks that took up a handle of it beside those that did not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UptakeChangeRow {
    pub framework: String,
    pub element: String,
    pub label: leernet_core::Bilingual,
    /// Networks with a change figure on the element that took up a handle of it, and their
    /// mean change (later minus earlier).
    pub n_took_up: usize,
    pub mean_took_up: Option<f64>,
    /// The same for the networks that took up none of its handles.
    pub n_not: usize,
    pub mean_not: Option<f64>,
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Per element of the change figures: the mean change of networks that took up a handle of
/// it and of those that did not, with n (see the module's rules). `catalogue` ties each
/// handle to its element.
pub fn uptake_change(
    change: &ChangeFigures,
    catalogue: &[HandleInfo],
    uptake: &[(String, String)],
) -> Vec<UptakeChangeRow> {
    // (framework, element) -> networks that took up a handle of it.
    let element_of: BTreeMap<&str, (&str, &str)> = catalogue
        .iter()
        .map(|h| (h.key.as_str(), (h.framework.as_str(), h.element.as_str())))
        .collect();
    let mut took: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for (slug, handle) in uptake {
        if let Some(e) = element_of.get(handle.as_str()) {
            took.entry(*e).or_default().insert(slug.as_str());
        }
    }
    let mut out = Vec::new();
    for row in change.rows.iter().filter(|r| r.kind == "element") {
        let fw = row.framework.as_deref().unwrap_or_default();
        let Some(takers) = took.get(&(fw, row.key.as_str())) else {
            continue;
        };
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for n in &change.networks {
            let d = n
                .rows
                .iter()
                .find(|r| r.kind == "element" && r.key == row.key && r.framework == row.framework)
                .and_then(|r| r.difference)
                .filter(|d| d.is_finite());
            let Some(d) = d else { continue };
            if takers.contains(n.slug.as_str()) {
                yes.push(d);
            } else {
                no.push(d);
            }
        }
        out.push(UptakeChangeRow {
            framework: fw.to_owned(),
            element: row.key.clone(),
            label: row.label.clone(),
            n_took_up: yes.len(),
            mean_took_up: mean(&yes),
            n_not: no.len(),
            mean_not: mean(&no),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{Design, NetworkChange, NetworkChangeRow};
    use leernet_core::Bilingual;
    use Recognition::*;

    fn bi(s: &str) -> Bilingual {
        Bilingual {
            nl: s.into(),
            en: s.into(),
        }
    }

    #[test]
    fn a_networks_verdict_is_the_middle_leaning_to_less_favourable() {
        assert_eq!(network_verdict(&[]), None);
        assert_eq!(network_verdict(&[Yes]), Some(Yes));
        assert_eq!(network_verdict(&[Yes, No]), Some(No));
        assert_eq!(network_verdict(&[Yes, Yes, No]), Some(Yes));
        assert_eq!(network_verdict(&[No, Yes, Partly, Yes]), Some(Partly));
    }

    fn fact(slug: &str, wave: &str, verdict: Recognition, reason: &str) -> ResponseFact {
        ResponseFact {
            slug: slug.into(),
            wave: wave.into(),
            verdict,
            reason: reason.into(),
        }
    }

    #[test]
    fn the_member_check_counts_networks_per_verdict_in_one_wave() {
        let f = Feedback {
            responses: vec![
                fact("a", "2026", Yes, "Klopt."),
                fact("a", "2026", Yes, ""),
                fact("b", "2026", No, "Wij maken de agenda juist samen."),
                fact("c", "2026", Partly, "Half."),
                fact("c", "2025", No, "Oud."),
            ],
            uptake: vec![],
        };
        let order: Vec<(String, String)> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| (s.to_string(), format!("Netwerk {s}")))
            .collect();
        let m = member_check(&f, "2026", &order).unwrap();
        assert_eq!(m.by_verdict, [1, 1, 1]);
        assert_eq!(m.responses, 4);
        assert_eq!(
            m.networks
                .iter()
                .map(|n| (n.slug.as_str(), n.counts, n.verdict))
                .collect::<Vec<_>>(),
            vec![
                ("a", [2, 0, 0], Yes),
                ("b", [0, 0, 1], No),
                ("c", [0, 1, 0], Partly)
            ]
        );
        // Less favourable first; an empty sentence is not quoted; another wave not at all.
        assert_eq!(
            m.quotes,
            vec![
                (No, "Wij maken de agenda juist samen.".to_string()),
                (Partly, "Half.".to_string()),
                (Yes, "Klopt.".to_string()),
            ]
        );
        assert!(member_check(&f, "2027", &order).is_none());
        assert_eq!(
            member_check(&f, "2025", &order).unwrap().by_verdict,
            [0, 0, 1]
        );
    }

    fn net(slug: &str, agenda: Option<f64>, rhythm: Option<f64>) -> NetworkChange {
        let row = |key: &str, d: Option<f64>| NetworkChangeRow {
            kind: "element",
            key: key.into(),
            label: bi(key),
            framework: Some("fw".into()),
            unit: "score",
            earlier: None,
            later: None,
            n_earlier: 1,
            n_later: 1,
            difference: d,
            ci_low: None,
            ci_high: None,
        };
        NetworkChange {
            slug: slug.into(),
            name: slug.into(),
            rows: vec![row("agenda", agenda), row("rhythm", rhythm)],
        }
    }

    fn handle(key: &str, element: &str) -> HandleInfo {
        HandleInfo {
            key: key.into(),
            framework: "fw".into(),
            element: element.into(),
            element_name: bi(element),
            priority: 1,
            title: bi(key),
            text: bi(""),
            source: bi(""),
            condition: String::new(),
            configuration: None,
            networks: 0,
            by_type: Vec::new(),
        }
    }

    #[test]
    fn uptake_and_change_with_known_numbers() {
        let row = |key: &str| crate::change::ChangeRow {
            kind: "element",
            key: key.into(),
            label: bi(key),
            framework: Some("fw".into()),
            unit: "score",
            earlier: None,
            later: None,
            n_earlier: 4,
            n_later: 4,
            design: Design::Paired,
            n_pairs: 4,
            difference: None,
            ci_low: None,
            ci_high: None,
            test: "wilcoxon",
            p_value: None,
            p_t: None,
            small_n: true,
            method: bi(""),
        };
        let change = ChangeFigures {
            earlier: "2025".into(),
            later: "2026".into(),
            networks_earlier: 4,
            networks_later: 4,
            networks_both: 4,
            rows: vec![row("agenda"), row("rhythm")],
            networks: vec![
                net("a", Some(20.0), Some(1.0)),
                net("b", Some(10.0), None),
                net("c", Some(-5.0), Some(3.0)),
                net("d", None, Some(5.0)),
                net("e", Some(1.0), Some(f64::NAN)),
            ],
            design_text: bi(""),
            caveat: bi(""),
        };
        let catalogue = vec![
            handle("agenda-together", "agenda"),
            handle("agenda-vote", "agenda"),
        ];
        // a and b took up agenda handles (a twice: counted once); d took one up but has no
        // change figure; an unknown handle counts for nothing; nobody took up a rhythm handle.
        let uptake: Vec<(String, String)> = [
            ("a", "agenda-together"),
            ("a", "agenda-vote"),
            ("b", "agenda-vote"),
            ("d", "agenda-vote"),
            ("c", "no-such-handle"),
        ]
        .iter()
        .map(|(s, h)| (s.to_string(), h.to_string()))
        .collect();
        let rows = uptake_change(&change, &catalogue, &uptake);
        assert_eq!(rows.len(), 1, "{rows:?}");
        let r = &rows[0];
        assert_eq!(r.element, "agenda");
        assert_eq!((r.n_took_up, r.mean_took_up), (2, Some(15.0)));
        // c (-5) and e (1): mean -2.
        assert_eq!((r.n_not, r.mean_not), (2, Some(-2.0)));
        assert!(uptake_change(&change, &catalogue, &[]).is_empty());
    }
}
