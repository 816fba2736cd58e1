//! The study report as a [`Document`]: sample, method, results per section, scales, the
//! typology, the configurations (QCA), profiles, handles, the networks' practice and the
//! codebook appendix, in that order, each a section with an id in the table of contents.
//!
//! Why it exists: the report is built once, here, and laid out by the renderers; it used to
//! be three templates that drifted apart. Every word comes from the catalogue through
//! [`Words`] (a missing key is an error) and every number from [`StudyFigures`].
//!
//! Invariants: deterministic; a reader sees labels, never variable keys, code keys or
//! paths; a section goes where it belongs when the document is built, never by searching
//! the finished text.

use crate::doc::{t, Block, Document, Figure, Inline, Kind, Section, Table};
use crate::format::{num, pct};
use crate::words::Words;
use crate::ReportError;
use leernet_analysis::practice_indicators::PracticeIndicators;
use leernet_analysis::StudyFigures;
use std::collections::BTreeMap;

type R<T> = Result<T, ReportError>;

fn opt(x: Option<f64>, d: usize, w: &Words<'_>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| num(v, d, w.code()))
        .unwrap_or_else(|| "–".into())
}

/// Labels of variables by key, from the typology's features and the datasets: the words a
/// reader sees where the analysis names a variable.
fn labels(f: &StudyFigures, w: &Words<'_>) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    if let Some(d) = &f.datasets {
        for ds in [&d.member, &d.network, &d.workplace] {
            for v in &ds.variables {
                m.insert(v.key.clone(), v.label.get(w.lang).to_owned());
            }
        }
    }
    if let Some(ty) = &f.typology {
        for ft in &ty.features {
            m.insert(ft.key.clone(), ft.label.get(w.lang).to_owned());
        }
    }
    m
}

fn sample(f: &StudyFigures, w: &Words<'_>) -> R<Section> {
    let c = &f.counts;
    let mut s = Section::new("sample", w.get("report.sample")?);
    s.push(Block::Figures(vec![
        (c.workplaces.to_string(), w.s("overview.workplaces")?),
        (c.networks.to_string(), w.s("overview.networks")?),
        (
            c.network_responses.to_string(),
            w.s("overview.network_responses")?,
        ),
        (
            c.member_responses.to_string(),
            w.s("overview.member_responses")?,
        ),
    ]));
    s.para(w.fill(
        "report.sample_text",
        &[
            ("workplaces", c.workplaces.to_string()),
            ("networks", c.networks.to_string()),
            ("network_responses", c.network_responses.to_string()),
            ("member_responses", c.member_responses.to_string()),
        ],
    )?);
    // Which wave(s) every figure rests on, with the n (issue 19).
    for b in &f.waves.bases {
        let mut text = format!("{}. {}.", b.title.get(w.lang), b.sentence.get(w.lang));
        if let Some(r) = &b.rule_text {
            text.push(' ');
            text.push_str(r.get(w.lang));
        }
        s.para(text);
    }
    let (yes, no) = (w.get("table.yes")?, w.get("table.no")?);
    s.table(
        Table::plain(
            w.s("overview.responses_per_network")?,
            vec![
                w.s("table.network")?,
                w.s("table.workplace")?,
                w.s("table.network_response")?,
                w.s("table.members")?,
            ],
            f.networks
                .iter()
                .map(|n| {
                    vec![
                        n.name.clone(),
                        n.workplace_name.clone(),
                        if n.network_response { yes } else { no }.to_owned(),
                        n.member_responses.to_string(),
                    ]
                })
                .collect(),
        )
        .numeric(vec![false, false, false, true]),
    );
    Ok(s)
}

fn method(w: &Words<'_>, p: &crate::practice::PracticeView) -> R<Section> {
    let mut s = Section::new("method", w.get("report.method")?);
    s.para(w.s("report.method_text")?);
    for m in &p.method {
        s.para(m.clone());
    }
    Ok(s)
}

fn results(f: &StudyFigures, w: &Words<'_>) -> R<Section> {
    let lang = w.lang;
    let l = w.code();
    let mut res = Section::new("results", w.get("report.results")?);
    let words = crate::heatmap::Words {
        title: w.get("profile_ui.heat_title")?,
        title_documents: w.get("documents_data.heat_title")?,
        desc: w.get("profile_ui.heat_desc")?,
        strongest: w.get("profile_ui.heat_strongest")?,
    };
    for sec in &f.sections {
        let mut s = Section::new(sec.key.clone(), sec.title.get(lang));
        s.para(sec.intro.get(lang));
        for tb in &sec.tables {
            let mut caption = format!("n = {}", tb.n);
            if tb.missing > 0 {
                caption.push_str(&format!(", {} {}", tb.missing, w.get("table.missing")?));
            }
            if tb.multiple {
                caption.push_str(&format!("; {}", w.get("table.several")?));
            }
            let data = Table::plain(
                tb.label.get(lang).to_owned(),
                vec![
                    w.s("table.choice")?,
                    w.s("table.count")?,
                    w.s("table.share")?,
                    w.s("table.ci")?,
                ],
                tb.rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.label.get(lang).to_owned(),
                            r.count.to_string(),
                            pct(r.share, l),
                            format!("{}–{}", pct(r.ci_low, l), pct(r.ci_high, l)),
                        ]
                    })
                    .collect(),
            )
            .numeric(vec![false, true, true, true]);
            s.push(Block::Figure(Figure {
                svg: crate::chart::bar_chart(tb, lang),
                alt: format!("{} (n = {})", tb.label.get(lang), tb.n),
                caption: t(caption),
                data: Some(data),
            }));
        }
        for c in &f.qualitative.cooccurrence {
            if c.section != sec.key {
                continue;
            }
            let title = crate::heatmap::title(c, lang, &words);
            let mut header = vec![w.s("profile_ui.heat_code")?];
            header.extend((1..=c.codes.len()).map(|i| i.to_string()));
            let n = header.len();
            let data = Table {
                caption: title.clone(),
                header,
                rows: c
                    .codes
                    .iter()
                    .zip(&c.counts)
                    .enumerate()
                    .map(|(i, (cd, row))| {
                        let mut r = vec![t(format!("{} {}", i + 1, cd.name.get(lang)))];
                        r.extend(row.iter().map(|v| t(v.to_string())));
                        r
                    })
                    .collect(),
                numeric: (0..n).map(|i| i > 0).collect(),
                row_headers: true,
                wide: false,
            };
            s.push(Block::Figure(Figure {
                svg: crate::heatmap::svg(c, lang, &format!("heat-{}", c.section), &words),
                alt: title,
                caption: t(if c.passages > 0 {
                    format!(
                        "n = {} {}. {}",
                        c.n,
                        w.get("documents_data.heat_units")?,
                        w.get("documents_data.heat_method")?
                    )
                } else {
                    format!(
                        "n = {} {}. {}",
                        c.n,
                        w.get("profile_ui.heat_answers")?,
                        w.get("profile_ui.heat_method")?
                    )
                }),
                data: Some(data),
            }));
        }
        res.sub(s);
    }
    let mut sc = Section::new("scales", w.get("overview.scales")?);
    sc.push(Block::Table(Table {
        caption: w.s("overview.scales")?,
        header: vec![
            w.s("table.scale")?,
            w.s("table.n")?,
            w.s("table.mean")?,
            w.s("table.sd")?,
            w.s("table.range")?,
            w.s("table.alpha")?,
        ],
        rows: f
            .scales
            .iter()
            .map(|s| {
                vec![
                    t(s.title.get(lang)),
                    t(s.n.to_string()),
                    t(opt(s.mean, 2, w)),
                    t(opt(s.sd, 2, w)),
                    t(format!("{}–{}", opt(s.min, 1, w), opt(s.max, 1, w))),
                    t(match s.alpha_ci {
                        Some((a, b)) => {
                            format!("{} ({}–{})", opt(s.alpha, 2, w), num(a, 2, l), num(b, 2, l))
                        }
                        None => opt(s.alpha, 2, w),
                    }),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, true, true],
        row_headers: false,
        wide: false,
    }));
    res.sub(sc);
    Ok(res)
}

fn typology(f: &StudyFigures, w: &Words<'_>) -> R<Option<Section>> {
    let Some(ty) = &f.typology else {
        return Ok(None);
    };
    let lang = w.lang;
    let l = w.code();
    let labels = labels(f, w);
    let mut s = Section::new("typology", w.get("typology.title")?);
    s.para(w.s("typology.intro")?);
    if !ty.computed {
        s.note(format!(
            "{} {}",
            w.get("typology.not_computed")?,
            ty.message.as_ref().map_or("", |m| m.get(lang))
        ));
        return Ok(Some(s));
    }
    let mut figs = vec![
        (ty.n.to_string(), w.s("typology.networks_clustered")?),
        (ty.k.to_string(), w.s("typology.k")?),
        (opt(ty.silhouette, 2, w), w.s("typology.silhouette")?),
    ];
    if let Some(st) = &ty.stability {
        figs.push((opt(st.bootstrap_ari_mean, 2, w), w.s("typology.boot_ari")?));
    }
    s.push(Block::Figures(figs));
    let features: Vec<String> = ty
        .features
        .iter()
        .map(|ft| ft.label.get(lang).to_owned())
        .collect();
    let mut note = format!(
        "{}: {}. {} ({}): {}.",
        w.get("typology.method")?,
        ty.description.get(lang),
        w.get("typology.features")?,
        features.len(),
        features.join("; ")
    );
    let dropped: Vec<String> = ty
        .dropped
        .iter()
        .filter_map(|d| {
            let label = labels.get(&d.key)?;
            let why = w.get(&format!("typology.reason_{}", d.reason)).ok()?;
            Some(format!("{label} ({why})"))
        })
        .collect();
    if !dropped.is_empty() {
        note.push_str(&format!(
            " {}: {}.",
            w.get("typology.dropped")?,
            dropped.join("; ")
        ));
    }
    if !ty.excluded.is_empty() {
        let names: Vec<&str> = ty
            .excluded
            .iter()
            .map(|slug| {
                f.networks
                    .iter()
                    .find(|n| &n.slug == slug)
                    .map_or("–", |n| n.name.as_str())
            })
            .collect();
        note.push_str(&format!(
            " {}: {}.",
            w.get("typology.excluded")?,
            names.join(", ")
        ));
    }
    s.note(note);

    let mut k = Section::new("typology-k", w.get("typology.choice_of_k")?);
    k.para(ty.k_reason.get(lang));
    let chosen = w.get("typology.chosen")?;
    k.table(
        Table::plain(
            w.s("typology.silhouette_by_k")?,
            vec![
                w.s("typology.k")?,
                w.s("typology.clusters")?,
                w.s("typology.silhouette")?,
                w.s("typology.sizes")?,
            ],
            ty.silhouette_by_k
                .iter()
                .map(|kf| {
                    vec![
                        if kf.k == ty.k {
                            format!("{} ({chosen})", kf.k)
                        } else {
                            kf.k.to_string()
                        },
                        kf.clusters.to_string(),
                        opt(kf.silhouette, 2, w),
                        kf.sizes
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ]
                })
                .collect(),
        )
        .numeric(vec![true, true, true, false]),
    );
    if let Some(d) = &ty.dendrogram {
        let title = w.s("typology.dendrogram")?;
        k.push(Block::Figure(Figure {
            svg: crate::dendrogram::svg(
                d,
                lang,
                w.get("typology.axis")?,
                w.get("typology.type_word")?,
                &title,
            ),
            alt: title,
            caption: t(format!(
                "{} (n = {})",
                w.get("typology.dendrogram_caption")?,
                ty.n
            )),
            data: None,
        }));
    }
    s.sub(k);

    let mut types = Section::new("typology-types", w.get("typology.types")?);
    for tp in &ty.types {
        let size = w.get(if tp.size == 1 {
            "typology.size_one"
        } else {
            "typology.size"
        })?;
        let mut x = Section::new(format!("type-{}", tp.number), {
            let number = format!("{} {}", w.get("typology.type")?, tp.number);
            let name = tp.name.get(lang);
            if name == format!("Type {}", tp.number) {
                format!("{number} ({} {size})", tp.size)
            } else {
                format!("{number}: {name} ({} {size})", tp.size)
            }
        })
        .quiet();
        x.para(tp.description.get(lang));
        x.note(tp.names.join("; "));
        let describes = w.get("typology.describes")?;
        x.table(Table {
            caption: String::new(),
            header: vec![
                w.s("typology.feature")?,
                w.s("typology.in_type")?,
                w.s("typology.all")?,
                w.s("typology.difference")?,
            ],
            rows: tp
                .rows
                .iter()
                .take(ty.report_rows)
                .map(|r| {
                    let mut label = r.label.get(lang).to_owned();
                    if !r.clustered {
                        label = format!("{label} {describes}");
                    }
                    let (a, b) = if r.statistic == "share" {
                        (pct(r.value_type, l), pct(r.value_all, l))
                    } else {
                        (num(r.value_type, 1, l), num(r.value_all, 1, l))
                    };
                    vec![
                        vec![
                            Inline::Text(label),
                            Inline::Small(format!("n = {}/{}", r.n_type, r.n_all)),
                        ],
                        t(a),
                        t(b),
                        t(num(r.difference, 2, l)),
                    ]
                })
                .collect(),
            numeric: vec![false, true, true, true],
            row_headers: false,
            wide: false,
        });
        types.sub(x);
    }
    types.note(w.s("typology.difference_note")?);
    s.sub(types);

    if let Some(st) = &ty.stability {
        let mut x = Section::new("typology-stability", w.get("typology.stability")?);
        x.para(w.s("typology.stability_intro")?);
        let mut items = Vec::new();
        if st.loo_ari_mean.is_some() {
            items.push(t(format!(
                "{}: {} ({})",
                w.get("typology.loo_ari")?,
                opt(st.loo_ari_mean, 2, w),
                opt(st.loo_ari_min, 2, w)
            )));
        }
        items.push(t(format!(
            "{}: {} ({}); {}/{} {}",
            w.get("typology.boot_ari")?,
            opt(st.bootstrap_ari_mean, 2, w),
            opt(st.bootstrap_ari_sd, 2, w),
            st.bootstrap_used,
            st.bootstrap_replicates,
            w.get("typology.resamples")?
        )));
        x.push(Block::Bullets(items));
        x.table(
            Table::plain(
                w.s("typology.stability")?,
                vec![
                    w.s("typology.network")?,
                    w.s("typology.type")?,
                    w.s("typology.silhouette")?,
                    w.s("typology.loo_stay")?,
                    w.s("typology.boot_stay")?,
                ],
                ty.networks
                    .iter()
                    .map(|nt| {
                        vec![
                            nt.name.clone(),
                            ty.types
                                .iter()
                                .find(|tp| tp.number == nt.type_)
                                .map_or_else(
                                    || nt.type_.to_string(),
                                    |tp| tp.name.get(lang).to_owned(),
                                ),
                            num(nt.silhouette, 2, l),
                            nt.loo_stay.map_or("–".into(), |v| pct(v, l)),
                            nt.bootstrap_stay.map_or("–".into(), |v| {
                                format!("{} (n = {})", pct(v, l), nt.bootstrap_n)
                            }),
                        ]
                    })
                    .collect(),
            )
            .numeric(vec![false, false, true, true, true]),
        );
        x.note(format!(
            "{} {}",
            w.get("typology.ari_note")?,
            st.description.get(lang)
        ));
        s.sub(x);
    }
    if let Some(lc) = &ty.lca {
        let mut x = Section::new("typology-lca", w.get("typology.lca")?);
        x.push(Block::Warning(t(lc.warning.get(lang))));
        if !lc.rows.is_empty() {
            let best = w.get("typology.bic_best")?;
            x.table(
                Table::plain(
                    w.s("typology.lca")?,
                    vec![
                        w.s("typology.classes")?,
                        w.s("typology.loglik")?,
                        w.s("typology.npar")?,
                        "AIC".into(),
                        "BIC".into(),
                        w.s("typology.entropy")?,
                        w.s("typology.smallest")?,
                    ],
                    lc.rows
                        .iter()
                        .map(|r| {
                            vec![
                                if Some(r.classes) == lc.best_classes {
                                    format!("{} ({best})", r.classes)
                                } else {
                                    r.classes.to_string()
                                },
                                num(r.loglik, 2, l),
                                format!("{}{}", r.npar, if r.npar_exceeds_n { "*" } else { "" }),
                                num(r.aic, 1, l),
                                num(r.bic, 1, l),
                                opt(r.entropy, 2, w),
                                pct(r.smallest_class, l),
                            ]
                        })
                        .collect(),
                )
                .numeric(vec![true; 7]),
            );
        }
        let mut note = String::new();
        if let Some(a) = lc.ari_with_types {
            note.push_str(&format!(
                "{}: {}. ",
                w.get("typology.ari_with_types")?,
                num(a, 2, l)
            ));
        }
        if lc.rows.iter().any(|r| r.npar_exceeds_n) {
            note.push_str(&format!("* {}. ", w.get("typology.npar_note")?));
        }
        let feats: Vec<&str> = lc
            .features
            .iter()
            .filter_map(|k| labels.get(k).map(String::as_str))
            .collect();
        note.push_str(&format!(
            "{}; n = {}; {}.",
            lc.description.get(lang),
            lc.n,
            feats.join("; ")
        ));
        x.note(note);
        s.sub(x);
    }
    if let Some(d) = &f.datasets {
        let mut x = Section::new("levels", w.get("typology.levels")?);
        x.para(w.s("typology.levels_intro")?);
        let mut items = Vec::new();
        for (key, ds) in [
            ("typology.level_member", &d.member),
            ("typology.level_network", &d.network),
            ("typology.level_workplace", &d.workplace),
        ] {
            items.push(t(format!(
                "{} ({} {}, {} {}): {}",
                w.get(key)?,
                ds.n_units,
                w.get("typology.units")?,
                ds.variables.len(),
                w.get("typology.variables")?,
                ds.rule.get(lang)
            )));
        }
        x.push(Block::Bullets(items));
        s.sub(x);
    }
    Ok(Some(s))
}

fn profiles(p: &crate::practice::PracticeView, w: &Words<'_>) -> R<Option<Section>> {
    if p.frameworks.is_empty() {
        return Ok(None);
    }
    let mut s = Section::new("profiles", w.get("profile.title")?);
    s.para(w.s("profile.intro")?);
    for fw in &p.frameworks {
        let mut x = Section::new(format!("fw-{}", fw.key), fw.name.clone());
        x.para(fw.description.clone());
        x.note(format!(
            "{}: {}",
            w.get("profile.framework_source")?,
            fw.source
        ));
        let title = w.s("profile.chart_title")?;
        x.push(Block::Figure(Figure {
            svg: fw.chart.clone(),
            alt: title.clone(),
            caption: t(title.clone()),
            data: Some(
                Table::plain(
                    title,
                    vec![
                        w.s("profile.element")?,
                        w.s("profile.median")?,
                        w.s("profile.middle_half")?,
                        w.s("profile.networks_n")?,
                    ],
                    fw.elements
                        .iter()
                        .map(|e| {
                            vec![
                                e.name.clone(),
                                e.median.clone(),
                                e.middle.clone(),
                                e.n.to_string(),
                            ]
                        })
                        .collect(),
                )
                .numeric(vec![false, true, true, true]),
            ),
        }));
        for e in &fw.elements {
            if let Some(c) = &e.conclusion {
                x.para(c.clone());
            }
            let mut joint = vec![Block::Table(
                Table::plain(
                    format!(
                        "{} — {} {}, {} {}, n = {}",
                        e.name,
                        w.get("profile.median")?.to_lowercase(),
                        e.median,
                        w.get("profile.middle_half_short")?,
                        e.middle,
                        e.n
                    ),
                    vec![
                        w.s("profile.indicator")?,
                        w.s("profile.median")?,
                        w.s("profile.middle_half")?,
                        w.s("profile.networks_n")?,
                    ],
                    e.indicators
                        .iter()
                        .map(|i| {
                            vec![
                                i.label.clone(),
                                i.median.clone(),
                                i.middle.clone(),
                                i.n.to_string(),
                            ]
                        })
                        .collect(),
                )
                .numeric(vec![false, true, true, true]),
            )];
            if !e.quotes.is_empty() {
                joint.push(Block::Quotes {
                    label: format!("{}: {}", w.get("appendix.quotes")?, e.name),
                    items: e.quotes.clone(),
                });
            }
            x.push(Block::Joint(joint));
        }
        let mut header = vec![w.s("table.network")?];
        header.extend(fw.columns.iter().cloned());
        let n = header.len();
        x.table(
            Table::plain(
                w.s("profile.all_networks")?,
                header,
                fw.matrix
                    .iter()
                    .map(|(name, s)| {
                        std::iter::once(name.clone())
                            .chain(s.iter().cloned())
                            .collect()
                    })
                    .collect(),
            )
            .numeric((0..n).map(|i| i > 0).collect())
            .matrix(),
        );
        s.sub(x);
    }
    Ok(Some(s))
}

fn handles(f: &StudyFigures, p: &crate::practice::PracticeView, w: &Words<'_>) -> R<Section> {
    let labels = crate::reasons::Labels::of(f, w);
    let mut reasons = Vec::new();
    for h in &f.handles.catalogue {
        reasons.push(match crate::reasons::condition(&h.condition, &labels, w) {
            Some(r) => Some(w.fill("reason.when", &[("reason", r)])?),
            None => None,
        });
    }
    let mut s = Section::new("handles", w.get("handles.title")?);
    s.para(w.s("handles.intro")?);
    let mut header = vec![
        w.s("handles.handle")?,
        w.s("profile.element")?,
        w.s("handles.priority")?,
        w.s("handles.networks")?,
    ];
    if p.typed {
        header.push(w.s("handles.by_type")?);
    }
    s.table(Table {
        caption: w.s("handles.title")?,
        rows: p
            .handles
            .iter()
            .zip(reasons.iter().chain(std::iter::repeat(&None)))
            .map(|(h, why)| {
                let mut title = vec![Inline::Text(h.title.clone())];
                if let Some(why) = why {
                    title.push(Inline::Small(why.clone()));
                }
                let mut r = vec![
                    title,
                    t(h.element.clone()),
                    t(h.priority.to_string()),
                    t(h.networks.to_string()),
                ];
                if p.typed {
                    r.push(t(h.by_type.clone()));
                }
                r
            })
            .collect(),
        numeric: vec![false, false, true, true, false],
        header,
        row_headers: false,
        wide: false,
    });
    let mut per = Section::new("handles-per-network", w.get("handles.per_network")?);
    per.table(Table {
        caption: w.s("handles.per_network")?,
        header: vec![
            w.s("table.network")?,
            w.s("handles.count")?,
            w.s("handles.first")?,
        ],
        rows: p
            .per_network
            .iter()
            .map(|n| {
                vec![
                    vec![Inline::Link {
                        text: n.name.clone(),
                        href: format!("handreikingen/{}.html", n.slug),
                    }],
                    t(n.count.to_string()),
                    t(n.first.clone()),
                ]
            })
            .collect(),
        numeric: vec![false, true, false],
        row_headers: false,
        wide: false,
    });
    s.sub(per);
    Ok(s)
}

fn appendix(p: &crate::practice::PracticeView, w: &Words<'_>) -> R<Option<Section>> {
    if p.codebook.is_empty() {
        return Ok(None);
    }
    let mut s = Section::new("appendix", w.get("appendix.title")?);
    s.para(w.s("appendix.intro")?);
    let mut header = vec![w.s("appendix.name")?, w.s("appendix.description")?];
    header.extend(p.coders.iter().cloned());
    let n = header.len();
    s.table(
        Table::plain(
            w.s("appendix.title")?,
            header,
            // The code's key is the codebook's business, not the reader's: name and
            // description only.
            p.codebook
                .iter()
                .map(|r| r.iter().skip(1).cloned().collect())
                .collect(),
        )
        .numeric((0..n).map(|i| i >= 2).collect()),
    );
    Ok(Some(s))
}

/// The study report as a document; with `practice`, the networks' practice section goes
/// before the appendix.
pub fn report(
    f: &StudyFigures,
    w: &Words<'_>,
    practice: Option<&PracticeIndicators>,
    content: &crate::summary::ReportContent,
) -> R<Document> {
    let lang = w.lang;
    let p = crate::practice::view(f, lang, w)?;
    let mut front = Vec::new();
    if f.study.fictional {
        front.push(Block::Banner(t(w.get("app.fictional")?)));
    }
    front.push(Block::Note(t(w.get("report.generated_by")?)));
    let mut sections = vec![
        crate::summary::summary(f, content, w)?,
        sample(f, w)?,
        method(w, &p)?,
        results(f, w)?,
    ];
    // Change since the previous wave (issue 19): only with two waves that hold answers.
    if let Some(c) = &f.change {
        sections.push(crate::change_section::section(c, w)?);
    }
    sections.extend(typology(f, w)?);
    if let Some(q) = f.qca.as_ref().filter(|q| !q.outcomes.is_empty()) {
        sections.push(crate::qca_section::section(q, w)?);
    }
    if let Some(pr) = profiles(&p, w)? {
        sections.push(pr);
        sections.push(handles(f, &p, w)?);
    }
    if let Some(ind) = practice {
        sections.push(crate::practice_section::section(ind, w)?);
        // What the networks sent back (issue 26).
        sections.extend(crate::feedback_section::member_check_section(
            f,
            &ind.feedback,
            w,
        )?);
        sections.extend(crate::feedback_section::uptake_change_section(
            f,
            &ind.feedback,
            w,
        )?);
    }
    sections.push(crate::summary::limitations(f, w)?);
    sections.extend(appendix(&p, w)?);
    sections.push(crate::summary::references(f, content, w)?);
    sections.push(crate::summary::colophon(f, w)?);
    Ok(Document {
        kind: Kind::Report,
        lang,
        doc_title: format!("{} — {}", w.get("report.title")?, f.study.title.get(lang)),
        kicker: w.s("report.title")?,
        title: f.study.title.get(lang).to_owned(),
        front,
        toc: Some(w.s("report.contents")?),
        sections,
        footer: w.s("app.footer")?,
    })
}
