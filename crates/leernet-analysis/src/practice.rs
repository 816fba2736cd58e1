//! From figures to profiles and handreikingen: the content files (frameworks, handles) are
//! checked against the instruments, every network gets its profile and scope, and the
//! handles are evaluated.
//!
//! Why it exists: it is the one place that knows which variables a handle condition can
//! read — the network's answers, its framework scores, scale scores, member means, its
//! type — so that checking a condition and evaluating it can never disagree.

use crate::framework::{builtin_frameworks, FrameworkDef};
use crate::handles::{handreikingen, HandleSet, Scopes};
use crate::profiles::{profiles, NetworkResponses, TypeRef};
use crate::{AnalysisError, Forms, Overview, StudyFigures};
use leernet_core::*;
use std::collections::{BTreeMap, BTreeSet};

/// The content behind profiles and handreikingen: frameworks (the first is the default one
/// handles refer to) with the file each came from, and the handles.
#[derive(Debug, Clone)]
pub struct Content {
    pub frameworks: Vec<(FrameworkDef, String)>,
    pub handles: HandleSet,
}

impl Content {
    /// The content shipped with leernet.
    pub fn builtin() -> Content {
        let frameworks: Vec<(FrameworkDef, String)> = builtin_frameworks()
            .into_iter()
            .map(|(f, file)| (f, file.to_owned()))
            .collect();
        let defs: Vec<FrameworkDef> = frameworks.iter().map(|(f, _)| f.clone()).collect();
        Content {
            handles: HandleSet::builtin(&defs),
            frameworks,
        }
    }

    /// Parses content files: `frameworks` as (text, file name), the default one first, and
    /// the handles file. Each error names its file, entry and field.
    pub fn parse(
        frameworks: &[(&str, &str)],
        handles: (&str, &str),
    ) -> Result<Content, AnalysisError> {
        let mut fws = Vec::new();
        for (text, file) in frameworks {
            let f = FrameworkDef::parse(text, file)?;
            if fws
                .iter()
                .any(|(g, _): &(FrameworkDef, String)| g.key == f.key || g.prefix == f.prefix)
            {
                return Err(crate::framework::content_err(
                    file,
                    &format!("framework {:?}", f.key),
                    "prefix",
                    "another framework already uses this key or prefix",
                ));
            }
            fws.push((f, (*file).to_owned()));
        }
        let defs: Vec<FrameworkDef> = fws.iter().map(|(f, _)| f.clone()).collect();
        Ok(Content {
            handles: HandleSet::parse(handles.0, handles.1, &defs)?,
            frameworks: fws,
        })
    }
}

fn numeric_choices(form: &leernet_xlsform::Form, q: &leernet_xlsform::Question) -> bool {
    !q.kind.is_multiple()
        && q.kind
            .list()
            .and_then(|l| form.choices(l))
            .is_some_and(|cs| !cs.is_empty() && cs.iter().all(|c| c.name.parse::<f64>().is_ok()))
}

fn num(x: f64) -> String {
    // Enough digits for comparisons; the text never reaches a reader.
    format!("{x}")
}

/// Adds the profiles and handreikingen to computed figures. `types` maps a network slug to
/// its type (from the typology) where there is one.
pub(crate) fn attach(
    figures: &mut StudyFigures,
    data: &StudyData,
    forms: &Forms,
    overview: &Overview,
    content: &Content,
    types: &BTreeMap<String, TypeRef>,
) -> Result<(), AnalysisError> {
    let by_form = crate::figures::responses_by_form(data);
    let slug_of: BTreeMap<NetworkId, String> = data
        .networks
        .iter()
        .map(|n| (n.id, n.slug.to_string()))
        .collect();
    let mut per_network: BTreeMap<String, NetworkResponses<'_>> = BTreeMap::new();
    for (form, rs) in &by_form {
        for r in rs {
            if let Some(slug) = slug_of.get(&r.network) {
                per_network
                    .entry(slug.clone())
                    .or_default()
                    .entry(form)
                    .or_default()
                    .push(r);
            }
        }
    }
    let network_form = overview.network_instrument.as_str();

    let mut profiles_all = Vec::new();
    for (fw, file) in &content.frameworks {
        fw.check(forms, file)?;
        profiles_all.push(profiles(
            fw,
            &figures.networks,
            &per_network,
            network_form,
            types,
        ));
    }

    // Variable labels (profile variables; questions carry their own).
    let mut labels: BTreeMap<String, Bilingual> = BTreeMap::new();
    for (fw, _) in &content.frameworks {
        for e in &fw.elements {
            labels.insert(format!("{}_{}", fw.prefix, e.key), e.name.clone());
            for i in &e.indicators {
                labels.insert(
                    format!("{}_{}_{}", fw.prefix, e.key, i.key),
                    i.label.clone(),
                );
            }
        }
    }
    for sc in &overview.scales {
        labels.insert(format!("scale_{}", sc.key), sc.title());
    }
    labels.insert(
        "members".into(),
        Bilingual {
            nl: "Ingevulde ledenvragenlijsten".into(),
            en: "Member questionnaires answered".into(),
        },
    );
    let mut member_questions: Vec<(&str, &str)> = Vec::new(); // (form id, question)
    for (form_id, _) in by_form.iter().filter(|(f, _)| **f != network_form) {
        if let Some(form) = forms.get(form_id) {
            for q in form.questions().filter(|q| numeric_choices(form, q)) {
                let l = crate::handles::question_label(q);
                let trim = |s: &str| s.trim().trim_end_matches('.').to_owned();
                let l = Bilingual {
                    nl: trim(&l.nl),
                    en: trim(&l.en),
                };
                labels.insert(
                    format!("members_{}", q.name),
                    Bilingual {
                        nl: format!("{} (gemiddelde van de leden)", l.nl),
                        en: format!("{} (members' mean)", l.en),
                    },
                );
                member_questions.push((form_id, q.name.as_str()));
            }
        }
    }

    let mut values = Vec::new();
    for (ni, row) in figures.networks.iter().enumerate() {
        let own = per_network.get(&row.slug);
        let mut m: BTreeMap<String, String> = own
            .and_then(|o| o.get(network_form))
            .and_then(|rs| rs.last())
            .map(|r| r.answers.clone())
            .unwrap_or_default();
        for p in &profiles_all {
            for e in &p.networks[ni].elements {
                if let Some(s) = e.score {
                    m.insert(format!("{}_{}", p.prefix, e.key), num(s));
                }
                for i in &e.indicators {
                    if let Some(s) = i.score {
                        m.insert(format!("{}_{}_{}", p.prefix, e.key, i.key), num(s));
                    }
                }
            }
        }
        for (k, v) in &row.scores {
            if let Some(v) = v {
                m.insert(format!("scale_{k}"), num(*v));
            }
        }
        m.insert("members".into(), row.member_responses.to_string());
        for (form_id, q) in &member_questions {
            let xs: Vec<f64> = own
                .and_then(|o| o.get(form_id))
                .map(|rs| {
                    rs.iter()
                        .filter_map(|r| {
                            r.answers.get(*q).and_then(|v| v.trim().parse::<f64>().ok())
                        })
                        .collect()
                })
                .unwrap_or_default();
            if !xs.is_empty() {
                m.insert(
                    format!("members_{q}"),
                    num(xs.iter().sum::<f64>() / xs.len() as f64),
                );
            }
        }
        m.insert(
            "type".into(),
            types
                .get(&row.slug)
                .map(|t| t.key.clone())
                .unwrap_or_default(),
        );
        values.push(m);
    }

    let network = forms.get(network_form);
    if let Some(form) = network {
        let mut known: BTreeSet<String> = labels.keys().cloned().collect();
        known.extend(form.questions().map(|q| q.name.clone()));
        known.insert("type".into());
        // Without a member questionnaire in the project, `members_*` variables are empty.
        let absent = member_questions.is_empty().then_some("members_");
        content.handles.check_references(&known, absent)?;
        let scopes = Scopes {
            values,
            labels,
            network_form: Some(form),
        };
        figures.handles =
            handreikingen(&content.handles, &profiles_all, &scopes, &figures.networks);
    }
    figures.qualitative = crate::quotes::attach(data, &mut profiles_all);
    figures.frameworks = profiles_all;
    Ok(())
}
