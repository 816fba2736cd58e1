//! The study report and the handreikingen as DOCX blocks: the same sections, words and
//! numbers as the HTML, laid out as Word headings, paragraphs, lists and tables.
//!
//! Why it exists: researchers edit the report in Word; a DOCX with real headings and tables
//! is what they can work with. Charts appear as their tables (see `docx.rs`).

use crate::docx::Block;
use crate::format::{num, pct};
use leernet_analysis::StudyFigures;
use leernet_core::Lang;
use std::collections::BTreeMap;

type Table = BTreeMap<String, String>;

fn opt(x: Option<f64>, d: usize, lang: Lang) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| num(v, d, lang.code()))
        .unwrap_or_else(|| "–".into())
}

/// The blocks of the study report.
pub fn report(f: &StudyFigures, lang: Lang, t: &Table, sample: &str) -> Vec<Block> {
    let l = lang.code();
    let mut b = vec![
        Block::Note(t["report.title"].clone()),
        Block::Title(f.study.title.get(lang).to_owned()),
    ];
    if f.study.fictional {
        b.push(Block::Note(t["app.fictional"].clone()));
    }
    b.push(Block::Note(t["report.generated_by"].clone()));

    b.push(Block::Heading(1, t["report.sample"].clone()));
    b.push(Block::Para(sample.to_owned()));
    b.push(Block::Table {
        caption: t["overview.responses_per_network"].clone(),
        header: vec![
            t["table.network"].clone(),
            t["table.workplace"].clone(),
            t["table.network_response"].clone(),
            t["table.members"].clone(),
        ],
        rows: f
            .networks
            .iter()
            .map(|n| {
                vec![
                    n.name.clone(),
                    n.workplace_name.clone(),
                    t[if n.network_response {
                        "table.yes"
                    } else {
                        "table.no"
                    }]
                    .clone(),
                    n.member_responses.to_string(),
                ]
            })
            .collect(),
        numeric: vec![false, false, false, true],
    });

    b.push(Block::Heading(1, t["report.method"].clone()));
    b.push(Block::Para(t["report.method_text"].clone()));
    let p = crate::practice::view(f, lang, t);
    for m in &p.method {
        b.push(Block::Para(m.clone()));
    }

    b.push(Block::Heading(1, t["report.results"].clone()));
    for s in &f.sections {
        b.push(Block::Heading(2, s.title.get(lang).to_owned()));
        b.push(Block::Para(s.intro.get(lang).to_owned()));
        for tb in &s.tables {
            b.push(Block::Table {
                caption: format!(
                    "{} ({}: {} / {}; n = {})",
                    tb.label.get(lang),
                    t["table.source"],
                    tb.instrument,
                    tb.question,
                    tb.n
                ),
                header: vec![
                    t["table.choice"].clone(),
                    t["table.count"].clone(),
                    t["table.share"].clone(),
                    t["table.ci"].clone(),
                ],
                rows: tb
                    .rows
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
                numeric: vec![false, true, true, true],
            });
            if tb.multiple {
                b.push(Block::Note(t["table.several"].clone()));
            }
        }
        // The co-occurrence heat map, as its table.
        for c in f
            .qualitative
            .cooccurrence
            .iter()
            .filter(|c| c.section == s.key)
        {
            let words = crate::heatmap::Words {
                title: &t["profile_ui.heat_title"],
                desc: &t["profile_ui.heat_desc"],
                strongest: &t["profile_ui.heat_strongest"],
            };
            let mut header = vec![t["profile_ui.heat_code"].clone()];
            header.extend((1..=c.codes.len()).map(|i| i.to_string()));
            b.push(Block::Table {
                caption: crate::heatmap::title(c, lang, &words),
                header,
                rows: c
                    .codes
                    .iter()
                    .zip(&c.counts)
                    .enumerate()
                    .map(|(i, (cd, row))| {
                        let mut r = vec![format!("{} {}", i + 1, cd.name.get(lang))];
                        r.extend(row.iter().map(|v| v.to_string()));
                        r
                    })
                    .collect(),
                numeric: std::iter::once(false)
                    .chain(c.codes.iter().map(|_| true))
                    .collect(),
            });
            b.push(Block::Note(t["profile_ui.heat_method"].clone()));
        }
    }
    b.push(Block::Heading(2, t["overview.scales"].clone()));
    b.push(Block::Table {
        caption: t["overview.scales"].clone(),
        header: vec![
            t["table.scale"].clone(),
            t["table.n"].clone(),
            t["table.mean"].clone(),
            t["table.sd"].clone(),
            t["table.range"].clone(),
            t["table.alpha"].clone(),
        ],
        rows: f
            .scales
            .iter()
            .map(|sc| {
                vec![
                    format!("{} ({})", sc.title.get(lang), sc.items.join(", ")),
                    sc.n.to_string(),
                    opt(sc.mean, 2, lang),
                    opt(sc.sd, 2, lang),
                    format!("{}–{}", opt(sc.min, 1, lang), opt(sc.max, 1, lang)),
                    match sc.alpha_ci {
                        Some((a, c)) => format!(
                            "{} ({}–{})",
                            opt(sc.alpha, 2, lang),
                            num(a, 2, l),
                            num(c, 2, l)
                        ),
                        None => opt(sc.alpha, 2, lang),
                    },
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, true, true],
    });

    practice(&mut b, &p, t);
    b.push(Block::Note(t["app.footer"].clone()));
    b
}

fn practice(b: &mut Vec<Block>, p: &crate::practice::PracticeView, t: &Table) {
    if p.frameworks.is_empty() {
        return;
    }
    b.push(Block::Heading(1, t["profile.title"].clone()));
    b.push(Block::Para(t["profile.intro"].clone()));
    for fw in &p.frameworks {
        b.push(Block::Heading(2, fw.name.clone()));
        b.push(Block::Para(fw.description.clone()));
        b.push(Block::Note(format!(
            "{}: {}",
            t["profile.framework_source"], fw.source
        )));
        b.push(Block::Table {
            caption: t["profile.chart_title"].clone(),
            header: vec![
                t["profile.element"].clone(),
                t["profile.median"].clone(),
                t["profile.middle_half"].clone(),
                t["profile.networks_n"].clone(),
            ],
            rows: fw
                .elements
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
            numeric: vec![false, true, true, true],
        });
        for e in &fw.elements {
            b.push(Block::Heading(3, e.name.clone()));
            b.push(Block::Para(e.description.clone()));
            b.push(Block::Table {
                caption: e.name.clone(),
                header: vec![
                    t["profile.indicator"].clone(),
                    t["profile.source"].clone(),
                    t["profile.median"].clone(),
                    t["profile.middle_half"].clone(),
                    t["profile.networks_n"].clone(),
                ],
                rows: e
                    .indicators
                    .iter()
                    .map(|i| {
                        vec![
                            i.label.clone(),
                            i.source.clone(),
                            i.median.clone(),
                            i.middle.clone(),
                            i.n.to_string(),
                        ]
                    })
                    .collect(),
                numeric: vec![false, false, true, true, true],
            });
            if !e.quotes.is_empty() {
                b.push(Block::Strong(t["appendix.quotes"].clone()));
                b.push(Block::Bullets(
                    e.quotes
                        .iter()
                        .map(|(q, c)| format!("“{q}” ({c})"))
                        .collect(),
                ));
            }
        }
        let mut header = vec![t["table.network"].clone()];
        header.extend(fw.columns.iter().cloned());
        let cols = header.len();
        b.push(Block::Table {
            caption: t["profile.all_networks"].clone(),
            header,
            rows: fw
                .matrix
                .iter()
                .map(|(n, s)| {
                    std::iter::once(n.clone())
                        .chain(s.iter().cloned())
                        .collect()
                })
                .collect(),
            numeric: (0..cols).map(|c| c > 0).collect(),
        });
    }
    b.push(Block::Heading(1, t["handles.title"].clone()));
    b.push(Block::Para(t["handles.intro"].clone()));
    let mut header = vec![
        t["handles.handle"].clone(),
        t["profile.element"].clone(),
        t["handles.priority"].clone(),
        t["handles.networks"].clone(),
    ];
    if p.typed {
        header.push(t["handles.by_type"].clone());
    }
    b.push(Block::Table {
        caption: t["handles.title"].clone(),
        rows: p
            .handles
            .iter()
            .map(|h| {
                let mut r = vec![
                    h.title.clone(),
                    h.element.clone(),
                    h.priority.to_string(),
                    h.networks.to_string(),
                ];
                if p.typed {
                    r.push(h.by_type.clone());
                }
                r
            })
            .collect(),
        numeric: vec![false, false, true, true, false],
        header,
    });
    b.push(Block::Heading(2, t["handles.per_network"].clone()));
    b.push(Block::Table {
        caption: t["handles.per_network"].clone(),
        header: vec![
            t["table.network"].clone(),
            t["handles.count"].clone(),
            t["handles.first"].clone(),
        ],
        rows: p
            .per_network
            .iter()
            .map(|n| vec![n.name.clone(), n.count.to_string(), n.first.clone()])
            .collect(),
        numeric: vec![false, true, false],
    });
    if !p.codebook.is_empty() {
        b.push(Block::Heading(1, t["appendix.title"].clone()));
        b.push(Block::Para(t["appendix.intro"].clone()));
        let mut header = vec![
            t["appendix.code"].clone(),
            t["appendix.name"].clone(),
            t["appendix.description"].clone(),
        ];
        header.extend(p.coders.iter().cloned());
        let cols = header.len();
        b.push(Block::Table {
            caption: t["appendix.title"].clone(),
            header,
            rows: p.codebook.clone(),
            numeric: (0..cols).map(|c| c >= 3).collect(),
        });
    }
}

/// The blocks of one handreiking.
pub fn handreiking(
    v: &crate::handreiking::View,
    study_title: &str,
    fictional: bool,
    t: &Table,
) -> Vec<Block> {
    let mut b = vec![
        Block::Note(format!("{} — {}", t["handreiking.title"], study_title)),
        Block::Title(v.title.clone()),
    ];
    if fictional {
        b.push(Block::Note(t["app.fictional"].clone()));
    }
    if let Some(ty) = &v.network_type {
        b.push(Block::Para(format!("{}: {ty}", t["handreiking.type"])));
    }
    b.push(Block::Para(v.intro.clone()));
    b.push(Block::Heading(1, t["handreiking.profile"].clone()));
    for p in &v.profiles {
        b.push(Block::Heading(2, p.framework.clone()));
        b.push(Block::Table {
            caption: format!("{}: {}", t["handreiking.profile"], p.framework),
            header: vec![
                t["profile.element"].clone(),
                t["profile.your_score"].clone(),
                t["profile.median"].clone(),
                t["profile.middle_half"].clone(),
                t["profile.position"].clone(),
            ],
            rows: p
                .elements
                .iter()
                .map(|e| {
                    vec![
                        e.name.clone(),
                        e.score.clone(),
                        e.median.clone(),
                        e.middle.clone(),
                        e.position.clone(),
                    ]
                })
                .collect(),
            numeric: vec![false, true, true, true, false],
        });
    }
    b.push(Block::Note(t["handreiking.anonymous"].clone()));
    b.push(Block::Heading(1, t["handreiking.handles"].clone()));
    if v.groups.is_empty() {
        b.push(Block::Para(t["handreiking.none"].clone()));
    }
    for g in &v.groups {
        b.push(Block::Heading(2, g.title.clone()));
        for it in &g.items {
            b.push(Block::Heading(3, it.title.clone()));
            b.push(Block::Note(format!(
                "{}: {}",
                t["handreiking.element"], it.element
            )));
            b.push(Block::Para(it.text.clone()));
            b.push(Block::Strong(t["handreiking.why"].clone()));
            let mut facts = it.facts.clone();
            if let Some(n) = &it.type_note {
                facts.push(n.clone());
            }
            b.push(Block::Bullets(facts));
            if let Some(c) = &it.configuration {
                b.push(Block::Para(format!(
                    "{}: {}",
                    t["handreiking.configuration"], c
                )));
            }
            b.push(Block::Note(format!(
                "{}: {}",
                t["handreiking.source"], it.source
            )));
        }
    }
    b.push(Block::Note(t["app.footer"].clone()));
    b
}
