//! `leernet stats`: the statistics engine on any CSV file.
//!
//! Exists so that researchers can run leernet's methods on their own data and check
//! them against the tools they know; the JSON field names are those of PRODUCT.md
//! ("Command-line contract"). Reading and typing the CSV lives in [`crate::csv_table`];
//! the numbers come from `leernet-stats`; this module only wires and formats.
//! Invalid data exits 1 ([`CliError::Invalid`]); an unreadable file or a bad option 2.

use crate::cli_error::{CliError, CliResult};
use crate::csv_table::{ColType, Column, Table};
use anyhow::anyhow;
use leernet_stats::agreement;
use leernet_stats::cluster::{self, Linkage};
use leernet_stats::descriptives;
use leernet_stats::gower::{self, CondensedMatrix, GowerColumn};
use leernet_stats::lca::{self, LcaOptions};
use leernet_stats::partition::{self, KPrototypesOptions};
use leernet_stats::qca::{self, calibrate as qcal, solutions as qsol};
use leernet_stats::reliability;
use leernet_stats::StatsError;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::PathBuf;

/// `leernet stats ...`
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    #[command(subcommand)]
    command: StatsCommand,
}

/// What every subcommand reads.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// CSV file with a header row; an empty cell is missing.
    #[arg(long)]
    input: PathBuf,
    /// Column types, e.g. `age:numeric,region:nominal,often:ordinal,opt1:binary`
    /// (default: numeric if every value is a number, else nominal).
    #[arg(long)]
    types: Option<String>,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Subcommand, Debug)]
enum StatsCommand {
    /// Per column: n, missing, mean, sd, min, max, median; counts and proportions with
    /// Wilson 95% intervals.
    Describe {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Gower distance matrix of the rows.
    Gower {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Hierarchical clustering of the rows on Gower distances, cut into k clusters.
    Cluster {
        #[command(flatten)]
        input: InputArgs,
        /// The linkage criterion.
        #[arg(long, value_enum, default_value = "average")]
        linkage: crate::args::LinkageArg,
        /// Number of clusters.
        #[arg(long)]
        k: usize,
    },
    /// Agreement between coders (rows = units, columns = coders).
    Agreement {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Cronbach's alpha of a scale (columns = items, all numeric).
    Reliability {
        #[command(flatten)]
        input: InputArgs,
    },
    /// k-prototypes (Huang) on numeric and categorical columns, seeded, several starts.
    Kprototypes {
        #[command(flatten)]
        input: InputArgs,
        /// Number of clusters.
        #[arg(long)]
        k: usize,
        /// Seed of the random starts.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of random starts.
        #[arg(long, default_value_t = 10)]
        starts: usize,
        /// Weight of the categorical part (default: half the mean numeric sd).
        #[arg(long)]
        gamma: Option<f64>,
    },
    /// k-medoids (PAM, BUILD + SWAP) on Gower distances.
    Pam {
        #[command(flatten)]
        input: InputArgs,
        /// Number of clusters.
        #[arg(long)]
        k: usize,
    },
    /// Latent class analysis; every column is a categorical indicator.
    Lca {
        #[command(flatten)]
        input: InputArgs,
        /// Number of classes.
        #[arg(long)]
        classes: usize,
        /// Number of random starts.
        #[arg(long, default_value_t = 20)]
        starts: usize,
        /// Seed of the random starts.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also fit 1..=M classes and report the fit table and the K with the lowest BIC.
        #[arg(long)]
        max_classes: Option<usize>,
    },
    /// Qualitative Comparative Analysis: necessity, truth table and the conservative,
    /// parsimonious and intermediate solutions (as R's QCA package).
    Qca {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        qca: QcaArgs,
    },
    /// Cross-table of two columns with chi-square (and Fisher's exact test for 2 x 2).
    Crosstab {
        #[command(flatten)]
        input: InputArgs,
        /// Column for the rows of the table.
        #[arg(long)]
        rows: String,
        /// Column for the columns of the table.
        #[arg(long)]
        cols: String,
    },
}

/// The options of `stats qca`.
#[derive(clap::Args, Debug, Clone)]
pub struct QcaArgs {
    /// The outcome column (set membership in [0, 1], or calibrated with --calibrate).
    #[arg(long)]
    outcome: String,
    /// The condition columns, comma-separated (at most 20).
    #[arg(long, value_delimiter = ',', required = true)]
    conditions: Vec<String>,
    /// Calibrate a raw column first: `COL=fuzzy:e,c,i` (direct method, logistic),
    /// `COL=indirect:t1,...,tk` (indirect method: k thresholds group the cases into k + 1
    /// classes 0, 1/k, ..., 1, and a fractional logit gives the fuzzy scores),
    /// `COL=crisp:t1[,t2...]` (thresholds); repeat the option or separate with `;`.
    #[arg(long)]
    calibrate: Vec<String>,
    /// Consistency cut-off of the truth table.
    #[arg(long, default_value_t = 1.0)]
    incl_cut: f64,
    /// Frequency cut-off: rows with fewer cases are remainders.
    #[arg(long, default_value_t = 1)]
    n_cut: usize,
    /// PRI cut-off.
    #[arg(long, default_value_t = 0.0)]
    pri_cut: f64,
    /// Directional expectations for the intermediate solution, e.g. `A,~B,DEV[1,2]`.
    #[arg(long)]
    dir_exp: Option<String>,
    /// Analyse the negation of the outcome.
    #[arg(long)]
    neg_outcome: bool,
    /// The column with the case names (default: `case` if present, else row numbers).
    #[arg(long)]
    case_id: Option<String>,
    /// Necessity of a disjunction the researcher names, e.g. `A*B+~C` (repeatable).
    #[arg(long)]
    necessity_of: Vec<String>,
    /// Also run at these consistency cut-offs and report which terms survive.
    #[arg(long, value_delimiter = ',')]
    robustness: Vec<f64>,
    /// Also run with the crossover of a column calibrated `fuzzy:` moved by STEP to either
    /// side, `COL=STEP` (repeat the option or separate with `;`), and report which terms
    /// survive.
    #[arg(long)]
    robustness_crossover: Vec<String>,
}

/// Runs a `stats` subcommand, writing its JSON or summary to `out`.
pub fn run(args: &StatsArgs, out: &mut dyn Write) -> CliResult {
    let (value, summary) = match &args.command {
        StatsCommand::Describe { input } => describe(&read(input)?)?,
        StatsCommand::Gower { input } => gower_cmd(&read(input)?)?,
        StatsCommand::Cluster { input, linkage, k } => cluster_cmd(&read(input)?, *linkage, *k)?,
        StatsCommand::Agreement { input } => agreement_cmd(&read(input)?)?,
        StatsCommand::Reliability { input } => reliability_cmd(&read(input)?)?,
        StatsCommand::Crosstab { input, rows, cols } => crosstab_cmd(&read(input)?, rows, cols)?,
        StatsCommand::Kprototypes {
            input,
            k,
            seed,
            starts,
            gamma,
        } => kprototypes_cmd(&read(input)?, *k, *seed, *starts, *gamma)?,
        StatsCommand::Pam { input, k } => pam_cmd(&read(input)?, *k)?,
        StatsCommand::Qca { input, qca } => qca_cmd(&read(input)?, qca)?,
        StatsCommand::Lca {
            input,
            classes,
            starts,
            seed,
            max_classes,
        } => lca_cmd(&read(input)?, *classes, *starts, *seed, *max_classes)?,
    };
    let json = match &args.command {
        StatsCommand::Describe { input }
        | StatsCommand::Gower { input }
        | StatsCommand::Cluster { input, .. }
        | StatsCommand::Agreement { input }
        | StatsCommand::Reliability { input }
        | StatsCommand::Crosstab { input, .. }
        | StatsCommand::Kprototypes { input, .. }
        | StatsCommand::Pam { input, .. }
        | StatsCommand::Qca { input, .. }
        | StatsCommand::Lca { input, .. } => input.json,
    };
    let text = if json {
        serde_json::to_string(&value).map_err(|e| CliError::invalid(anyhow!(e)))? + "\n"
    } else {
        summary
    };
    out.write_all(text.as_bytes())
        .map_err(|e| CliError::usage(anyhow!("cannot write the output: {e}")))
}

fn read(input: &InputArgs) -> CliResult<Table> {
    Table::read(&input.input, input.types.as_deref())
}

/// A library error as an invalid-input error naming the file.
fn stats_err(t: &Table, what: &str, e: StatsError) -> CliError {
    CliError::invalid(anyhow!("{}: {what}: {e}", t.path.display()))
}

fn describe(t: &Table) -> CliResult<(Value, String)> {
    let mut cols = Vec::new();
    let mut text = format!(
        "{}: {} rows, {} columns\n",
        t.path.display(),
        t.n_rows,
        t.columns.len()
    );
    for c in &t.columns {
        let mut o = Map::new();
        o.insert("name".into(), json!(c.name));
        o.insert("type".into(), json!(c.ty.name()));
        match c.ty {
            ColType::Numeric => {
                let s = descriptives::describe_numeric(&t.numeric(c)?)
                    .map_err(|e| stats_err(t, &c.name, e))?;
                o.insert("n".into(), json!(s.n));
                o.insert("missing".into(), json!(s.missing));
                for (k, v) in [
                    ("mean", s.mean),
                    ("sd", s.sd),
                    ("min", s.min),
                    ("max", s.max),
                    ("median", s.median),
                    ("q1", s.q1),
                    ("q3", s.q3),
                ] {
                    o.insert(k.into(), json!(v));
                }
                text += &format!(
                    "  {} (numeric): n={} missing={} mean={} sd={} min={} median={} max={}\n",
                    c.name,
                    s.n,
                    s.missing,
                    fmt(s.mean),
                    fmt(s.sd),
                    fmt(s.min),
                    fmt(s.median),
                    fmt(s.max)
                );
            }
            _ => {
                let levels = Table::levels(c);
                let s = descriptives::describe_nominal(&c.cells)
                    .map_err(|e| stats_err(t, &c.name, e))?;
                o.insert("n".into(), json!(s.n));
                o.insert("missing".into(), json!(s.missing));
                // Categories in level order (ordinal: numeric or text order).
                let mut counts = Map::new();
                let mut props = Map::new();
                let mut ci = Map::new();
                text += &format!(
                    "  {} ({}): n={} missing={}\n",
                    c.name,
                    c.ty.name(),
                    s.n,
                    s.missing
                );
                for l in &levels {
                    let cat = s
                        .categories
                        .iter()
                        .find(|x| &x.value == l)
                        .expect("level counted");
                    counts.insert(l.clone(), json!(cat.count));
                    props.insert(l.clone(), json!(cat.proportion));
                    ci.insert(l.clone(), json!([cat.ci.0, cat.ci.1]));
                    text += &format!(
                        "    {l}: {} ({:.1}%, 95% CI {:.1}-{:.1}%)\n",
                        cat.count,
                        100.0 * cat.proportion,
                        100.0 * cat.ci.0,
                        100.0 * cat.ci.1
                    );
                }
                o.insert("counts".into(), Value::Object(counts));
                o.insert("proportions".into(), Value::Object(props));
                o.insert("ci".into(), Value::Object(ci));
            }
        }
        cols.push(Value::Object(o));
    }
    Ok((json!({ "n_rows": t.n_rows, "columns": cols }), text))
}

fn fmt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into())
}

/// Owned Gower inputs built from a table.
struct GowerData {
    num: Vec<(bool, Vec<Option<f64>>)>,
    nom: Vec<Vec<Option<u32>>>,
    bin: Vec<Vec<Option<bool>>>,
    order: Vec<(u8, usize)>,
}

fn gower_data(t: &Table) -> CliResult<GowerData> {
    let mut g = GowerData {
        num: vec![],
        nom: vec![],
        bin: vec![],
        order: vec![],
    };
    for c in &t.columns {
        match c.ty {
            ColType::Numeric => {
                g.order.push((0, g.num.len()));
                g.num.push((false, t.numeric(c)?));
            }
            ColType::Ordinal => {
                let (_, codes) = Table::codes(c);
                g.order.push((0, g.num.len()));
                g.num
                    .push((true, codes.iter().map(|x| x.map(f64::from)).collect()));
            }
            ColType::Nominal => {
                g.order.push((1, g.nom.len()));
                g.nom.push(Table::codes(c).1);
            }
            ColType::Binary => {
                g.order.push((2, g.bin.len()));
                g.bin.push(t.binary(c)?);
            }
        }
    }
    Ok(g)
}

fn gower_matrix(t: &Table) -> CliResult<CondensedMatrix> {
    let g = gower_data(t)?;
    let cols: Vec<GowerColumn> = g
        .order
        .iter()
        .map(|&(kind, i)| match kind {
            0 if g.num[i].0 => GowerColumn::Ordinal(&g.num[i].1),
            0 => GowerColumn::Numeric(&g.num[i].1),
            1 => GowerColumn::Nominal(&g.nom[i]),
            _ => GowerColumn::AsymmetricBinary(&g.bin[i]),
        })
        .collect();
    gower::gower(&cols).map_err(|e| stats_err(t, "Gower distance", e))
}

fn column_types(t: &Table) -> Value {
    Value::Object(
        t.columns
            .iter()
            .map(|c| (c.name.clone(), json!(c.ty.name())))
            .collect(),
    )
}

fn gower_cmd(t: &Table) -> CliResult<(Value, String)> {
    let d = gower_matrix(t)?;
    let text = format!(
        "Gower distances of {} rows over {} columns; use --json for the matrix\n",
        d.n(),
        t.columns.len()
    );
    Ok((
        json!({ "n": d.n(), "types": column_types(t), "matrix": d.to_square() }),
        text,
    ))
}

fn cluster_cmd(
    t: &Table,
    linkage: crate::args::LinkageArg,
    k: usize,
) -> CliResult<(Value, String)> {
    let method = Linkage::from(linkage);
    let linkage = linkage.as_str();
    let n = t.n_rows;
    if n < 2 {
        return Err(CliError::invalid(anyhow!(
            "{}: clustering needs at least 2 rows, the file has {n}",
            t.path.display()
        )));
    }
    if k == 0 || k > n {
        return Err(CliError::invalid(anyhow!(
            "{}: cannot make {k} clusters of {n} rows (k must be between 1 and {n})",
            t.path.display()
        )));
    }
    let d = gower_matrix(t)?;
    let merges = cluster::linkage(&d, method).map_err(|e| stats_err(t, "clustering", e))?;
    let labels = cluster::cut_tree_maxclust(&merges, k).map_err(|e| stats_err(t, "cut", e))?;
    let sizes = cluster::cluster_sizes(&labels);
    let (sil, note) = match cluster::silhouette(&d, &labels) {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(format!("silhouette not computed: {e}"))),
    };
    let mut text = format!(
        "{} linkage on Gower distances of {n} rows: {} clusters of sizes {:?}",
        linkage,
        sizes.len(),
        sizes
    );
    match sil {
        Some(s) => text += &format!(", mean silhouette {s:.3}\n"),
        None => text += &format!("; {}\n", note.clone().unwrap_or_default()),
    }
    if sizes.len() < k {
        text += &format!(
            "note: tied merge heights leave {} clusters instead of {k}\n",
            sizes.len()
        );
    }
    let mut v = json!({
        "n": n,
        "linkage": linkage,
        "k": k,
        "merges": merges.iter().map(|m| m.to_row()).collect::<Vec<_>>(),
        "labels": labels,
        "silhouette": sil,
        "sizes": sizes,
    });
    if let Some(note) = note {
        v["note"] = json!(note);
    }
    Ok((v, text))
}

fn coder_units(t: &Table) -> (Vec<String>, Vec<Vec<Option<u32>>>) {
    // One code book across all coders: every value seen in any column.
    let mut levels: Vec<String> = t
        .columns
        .iter()
        .flat_map(|c| c.cells.iter().flatten().cloned())
        .collect();
    levels.sort();
    levels.dedup();
    let units = (0..t.n_rows)
        .map(|r| {
            t.columns
                .iter()
                .map(|c: &Column| {
                    c.cells[r]
                        .as_ref()
                        .map(|s| levels.binary_search(s).expect("level is listed") as u32)
                })
                .collect()
        })
        .collect();
    (levels, units)
}

fn agreement_cmd(t: &Table) -> CliResult<(Value, String)> {
    if t.columns.len() < 2 {
        return Err(CliError::invalid(anyhow!(
            "{}: agreement needs at least two coder columns, the file has {}",
            t.path.display(),
            t.columns.len()
        )));
    }
    let (_, units) = coder_units(t);
    let mut notes = Vec::new();
    let mut get = |name: &str, r: Result<f64, StatsError>| match r {
        Ok(v) => Some(v),
        Err(e) => {
            notes.push(format!("{name}: {e}"));
            None
        }
    };
    let percent = get("percent_agreement", agreement::percent_agreement(&units));
    let cohen = if t.columns.len() == 2 {
        get("cohen_kappa", agreement::cohen_kappa_units(&units))
    } else {
        None
    };
    let fleiss = get("fleiss_kappa", agreement::fleiss_kappa(&units));
    let alpha = get(
        "krippendorff_alpha",
        agreement::krippendorff_alpha_nominal(&units),
    );
    let complete = units
        .iter()
        .filter(|u| u.iter().all(Option::is_some))
        .count();
    let text = format!(
        "{} units, {} coders ({} units coded by all): percent agreement {}, Cohen's kappa {}, Fleiss' kappa {}, Krippendorff's alpha {}\n{}",
        units.len(),
        t.columns.len(),
        complete,
        fmt(percent),
        fmt(cohen),
        fmt(fleiss),
        fmt(alpha),
        notes.iter().map(|n| format!("note: {n}\n")).collect::<String>()
    );
    Ok((
        json!({
            "n_units": units.len(),
            "n_coders": t.columns.len(),
            "n_complete_units": complete,
            "percent_agreement": percent,
            "cohen_kappa": cohen,
            "fleiss_kappa": fleiss,
            "krippendorff_alpha": alpha,
            "notes": notes,
        }),
        text,
    ))
}

fn reliability_cmd(t: &Table) -> CliResult<(Value, String)> {
    let mut cols = Vec::new();
    for c in &t.columns {
        if c.ty != ColType::Numeric && c.ty != ColType::Ordinal {
            return Err(CliError::invalid(anyhow!(
                "{}: item `{}` is not numeric; reliability needs numeric items",
                t.path.display(),
                c.name
            )));
        }
        cols.push(if c.ty == ColType::Numeric {
            t.numeric(c)?
        } else {
            Table::codes(c)
                .1
                .iter()
                .map(|x| x.map(|v| f64::from(v) + 1.0))
                .collect()
        });
    }
    let rows: Vec<Vec<Option<f64>>> = (0..t.n_rows)
        .map(|r| cols.iter().map(|c| c[r]).collect())
        .collect();
    let r = reliability::cronbach_alpha(&rows).map_err(|e| stats_err(t, "reliability", e))?;
    let items: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    let text = format!(
        "Cronbach's alpha {:.3} (95% CI {:.3} to {:.3}), {} items, n = {} complete rows\n{}",
        r.alpha,
        r.ci.0,
        r.ci.1,
        r.k,
        r.n,
        items
            .iter()
            .enumerate()
            .map(|(i, name)| format!(
                "  {name}: alpha if deleted {}, corrected item-total r {}\n",
                fmt(r.alpha_if_deleted[i]),
                fmt(r.item_total_correlation[i])
            ))
            .collect::<String>()
    );
    Ok((
        json!({
            "n": r.n,
            "items": items,
            "cronbach_alpha": r.alpha,
            "ci": [r.ci.0, r.ci.1],
            "alpha_if_deleted": r.alpha_if_deleted,
            "item_total_correlation": r.item_total_correlation,
        }),
        text,
    ))
}

fn crosstab_cmd(t: &Table, rows: &str, cols: &str) -> CliResult<(Value, String)> {
    let (rc, cc) = (t.column(rows)?, t.column(cols)?);
    let (rl, rcodes) = Table::codes(rc);
    let (cl, ccodes) = Table::codes(cc);
    let mut table = vec![vec![0u64; cl.len()]; rl.len()];
    let mut used = 0;
    for (a, b) in rcodes.iter().zip(&ccodes) {
        if let (Some(a), Some(b)) = (a, b) {
            table[*a as usize][*b as usize] += 1;
            used += 1;
        }
    }
    if used == 0 {
        return Err(CliError::invalid(anyhow!(
            "{}: no row has both `{rows}` and `{cols}`",
            t.path.display()
        )));
    }
    let chi = descriptives::chi_square(&table, true).map_err(|e| stats_err(t, "chi-square", e))?;
    let fisher = (rl.len() == 2 && cl.len() == 2).then(|| {
        descriptives::fisher_exact([[table[0][0], table[0][1]], [table[1][0], table[1][1]]])
    });
    let mut text = format!(
        "{rows} x {cols} ({used} rows): chi-square {:.3}, df {}, p {:.4}{}\n",
        chi.statistic,
        chi.dof,
        chi.p_value,
        if chi.yates { " (Yates)" } else { "" }
    );
    if chi.low_expected_warning {
        text += &format!(
            "note: {} cell(s) have an expected count below 5 (smallest {:.2}); the chi-square approximation is doubtful{}\n",
            chi.cells_expected_below_5,
            chi.min_expected,
            if fisher.is_some() { ", use Fisher's exact test" } else { "" }
        );
    }
    if let Some(f) = &fisher {
        text += &format!("Fisher's exact test: p {:.4}\n", f.p_value);
    }
    Ok((
        json!({
            "n": used,
            "row_levels": rl,
            "col_levels": cl,
            "table": table,
            "chi_square": chi.statistic,
            "dof": chi.dof,
            "p_value": chi.p_value,
            "yates": chi.yates,
            "expected": chi.expected,
            "min_expected": chi.min_expected,
            "cells_expected_below_5": chi.cells_expected_below_5,
            "low_expected_warning": chi.low_expected_warning,
            "fisher_p_value": fisher.as_ref().map(|f| f.p_value),
            "odds_ratio": fisher.as_ref().and_then(|f| f.odds_ratio),
        }),
        text,
    ))
}

fn check_k(t: &Table, k: usize, what: &str) -> CliResult {
    if k == 0 || k > t.n_rows {
        return Err(CliError::invalid(anyhow!(
            "{}: cannot make {k} {what} of {} rows ({what} must be between 1 and {})",
            t.path.display(),
            t.n_rows,
            t.n_rows
        )));
    }
    Ok(())
}

fn kprototypes_cmd(
    t: &Table,
    k: usize,
    seed: u64,
    starts: usize,
    gamma: Option<f64>,
) -> CliResult<(Value, String)> {
    check_k(t, k, "clusters")?;
    let mut num = Vec::new();
    let mut num_names = Vec::new();
    let mut cat = Vec::new();
    let mut cat_cols = Vec::new();
    for c in &t.columns {
        if c.ty == ColType::Numeric {
            num.push(t.numeric(c)?);
            num_names.push(c.name.clone());
        } else {
            let (levels, codes) = Table::codes(c);
            cat.push(codes);
            cat_cols.push((c.name.clone(), levels));
        }
    }
    // Name the first missing cell: k-prototypes has no missing-value rule.
    for c in &t.columns {
        if let Some(r) = c.cells.iter().position(Option::is_none) {
            return Err(CliError::invalid(anyhow!(
                "{}, line {}, column `{}`: k-prototypes needs complete data, this cell is empty",
                t.path.display(),
                r + 2,
                c.name
            )));
        }
    }
    let opts = KPrototypesOptions {
        k,
        starts,
        seed,
        gamma,
        ..Default::default()
    };
    let r =
        partition::kprototypes(&num, &cat, &opts).map_err(|e| stats_err(t, "k-prototypes", e))?;
    let centroids: Vec<Value> = (0..k)
        .map(|l| {
            let mut o = Map::new();
            for (j, name) in num_names.iter().enumerate() {
                o.insert(name.clone(), json!(r.centroids_numeric[l][j]));
            }
            for (j, (name, levels)) in cat_cols.iter().enumerate() {
                o.insert(
                    name.clone(),
                    json!(levels[r.centroids_categorical[l][j] as usize]),
                );
            }
            Value::Object(o)
        })
        .collect();
    let sizes = cluster::cluster_sizes(&r.labels);
    let text = format!(
        "k-prototypes, k = {k}, {starts} starts (seed {seed}), gamma {:.4}: cost {:.4}, cluster sizes {:?}\n",
        r.gamma, r.cost, sizes
    );
    Ok((
        json!({
            "n": t.n_rows,
            "k": k,
            "seed": seed,
            "starts": starts,
            "gamma": r.gamma,
            "labels": r.labels,
            "cost": r.cost,
            "centroids": centroids,
            "sizes": sizes,
            "start_costs": r.start_costs,
        }),
        text,
    ))
}

fn pam_cmd(t: &Table, k: usize) -> CliResult<(Value, String)> {
    check_k(t, k, "clusters")?;
    let d = gower_matrix(t)?;
    let p = partition::pam(&d, k).map_err(|e| stats_err(t, "PAM", e))?;
    let sizes = cluster::cluster_sizes(&p.labels);
    let sil = cluster::silhouette(&d, &p.labels).ok();
    let text = format!(
        "PAM on Gower distances, k = {k}: medoids at lines {:?}, sizes {:?}, total distance {:.4}, mean silhouette {}\n",
        p.medoids.iter().map(|m| m + 2).collect::<Vec<_>>(),
        sizes,
        p.cost,
        fmt(sil)
    );
    Ok((
        json!({
            "n": d.n(),
            "k": k,
            "medoids": p.medoids,
            "labels": p.labels,
            "cost": p.cost,
            "cost_build": p.cost_build,
            "swaps": p.swaps,
            "silhouette": sil,
            "sizes": sizes,
        }),
        text,
    ))
}

/// Levels of an indicator: numerically ordered when all are numbers, else by text.
fn indicator_codes(c: &Column) -> (Vec<String>, Vec<Option<u32>>) {
    let mut levels: Vec<String> = c.cells.iter().flatten().cloned().collect();
    levels.sort();
    levels.dedup();
    if levels
        .iter()
        .all(|l| l.parse::<f64>().is_ok_and(f64::is_finite))
    {
        levels.sort_by(|a, b| {
            a.parse::<f64>()
                .unwrap_or(0.0)
                .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
        });
    }
    let codes = c
        .cells
        .iter()
        .map(|v| {
            v.as_ref()
                .map(|s| levels.iter().position(|l| l == s).expect("listed") as u32)
        })
        .collect();
    (levels, codes)
}

fn lca_cmd(
    t: &Table,
    classes: usize,
    starts: usize,
    seed: u64,
    max_classes: Option<usize>,
) -> CliResult<(Value, String)> {
    check_k(t, classes, "classes")?;
    let coded: Vec<(Vec<String>, Vec<Option<u32>>)> =
        t.columns.iter().map(indicator_codes).collect();
    let items: Vec<Vec<Option<u32>>> = coded.iter().map(|(_, c)| c.clone()).collect();
    let opts = LcaOptions {
        classes,
        starts,
        seed,
        ..Default::default()
    };
    let m = lca::lca(&items, &opts).map_err(|e| stats_err(t, "latent class analysis", e))?;
    let probabilities: Vec<Value> = m
        .probabilities
        .iter()
        .map(|class| {
            Value::Object(
                t.columns
                    .iter()
                    .zip(class)
                    .zip(&coded)
                    .map(|((c, probs), (levels, _))| {
                        (
                            c.name.clone(),
                            Value::Object(
                                levels
                                    .iter()
                                    .zip(probs)
                                    .map(|(l, p)| (l.clone(), json!(p)))
                                    .collect(),
                            ),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let mut text = format!(
        "LCA, {classes} classes, {starts} starts (seed {seed}), n = {}: loglik {:.4}, npar {}, AIC {:.2}, BIC {:.2}, entropy {}, class sizes {:?}{}\n",
        m.n,
        m.loglik,
        m.npar,
        m.aic,
        m.bic,
        fmt(m.entropy),
        m.class_sizes.iter().map(|p| format!("{p:.3}")).collect::<Vec<_>>(),
        if m.converged { "" } else { " (not converged: more iterations needed)" }
    );
    let mut v = json!({
        "n": m.n,
        "classes": classes,
        "loglik": m.loglik,
        "npar": m.npar,
        "aic": m.aic,
        "bic": m.bic,
        "entropy": m.entropy,
        "entropy_formula": "normalised: 1 - sum(-p ln p) / (N ln K) (Ramaswamy et al. 1993)",
        "class_sizes": m.class_sizes,
        "probabilities": probabilities,
        "labels": m.labels,
        "converged": m.converged,
        "start_logliks": m.start_logliks,
    });
    if m.n < 10 * m.npar {
        let note = format!(
            "{} cases for {} parameters: the model is under-powered at this size, read it with care",
            m.n, m.npar
        );
        text += &format!("note: {note}\n");
        v["note"] = json!(note);
    }
    if let Some(max) = max_classes {
        let (rows, best) = lca::lca_fit_table(&items, max, starts, seed)
            .map_err(|e| stats_err(t, "latent class fit table", e))?;
        text += "classes  loglik        npar  AIC          BIC          entropy  smallest\n";
        for r in &rows {
            text += &format!(
                "{:<8} {:<13.4} {:<5} {:<12.2} {:<12.2} {:<8} {:.3}\n",
                r.classes,
                r.loglik,
                r.npar,
                r.aic,
                r.bic,
                fmt(r.entropy),
                r.smallest_class
            );
        }
        text += &format!("lowest BIC: {best} classes\n");
        v["fit_table"] = json!(rows
            .iter()
            .map(|r| json!({
                "classes": r.classes,
                "loglik": r.loglik,
                "npar": r.npar,
                "aic": r.aic,
                "bic": r.bic,
                "entropy": r.entropy,
                "smallest_class": r.smallest_class,
            }))
            .collect::<Vec<_>>());
        v["best_by_bic"] = json!(best);
    }
    Ok((v, text))
}

/// Splits at commas outside brackets: `A,DEV[1,2]` is two items.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for ch in s.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        if ch == ',' && depth == 0 {
            out.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(ch);
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// One `--calibrate` item: `COL=fuzzy:e,c,i` or `COL=crisp:t1,t2`.
fn parse_calibration(spec: &str) -> CliResult<(String, Value, CalibrationSpec)> {
    let bad = || {
        CliError::usage(anyhow!(
            "--calibrate `{spec}`: write COL=fuzzy:e,c,i, COL=indirect:t1,...,tk or COL=crisp:t1[,t2...]"
        ))
    };
    let (col, rest) = spec.split_once('=').ok_or_else(bad)?;
    let (kind, nums) = rest.split_once(':').ok_or_else(bad)?;
    let nums: Vec<f64> = nums
        .split(',')
        .map(|x| x.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<CliResult<_>>()?;
    let col = col.trim().to_string();
    match kind.trim() {
        "fuzzy" if nums.len() == 3 => {
            let a = qcal::Anchors::new(nums[0], nums[1], nums[2])
                .map_err(|e| CliError::usage(anyhow!("--calibrate `{spec}`: {e}")))?;
            let desc = json!({"column": col, "type": "fuzzy", "method": "direct",
                "thresholds": {"e": nums[0], "c": nums[1], "i": nums[2]},
                "logistic": true, "idm": 0.95});
            Ok((col, desc, CalibrationSpec::Fuzzy(a)))
        }
        "indirect" if !nums.is_empty() => {
            let desc =
                json!({"column": col, "type": "fuzzy", "method": "indirect", "thresholds": nums});
            Ok((col, desc, CalibrationSpec::Indirect(nums)))
        }
        "crisp" if !nums.is_empty() => {
            let desc =
                json!({"column": col, "type": "crisp", "method": "direct", "thresholds": nums});
            Ok((col, desc, CalibrationSpec::Crisp(nums)))
        }
        _ => Err(bad()),
    }
}

enum CalibrationSpec {
    Fuzzy(qcal::Anchors),
    Indirect(Vec<f64>),
    Crisp(Vec<f64>),
}

impl CalibrationSpec {
    fn apply(&self, raw: &[f64]) -> Result<Vec<f64>, StatsError> {
        match self {
            CalibrationSpec::Fuzzy(anchors) => {
                qcal::fuzzy(raw, *anchors, qcal::FuzzyShape::Logistic { idm: 0.95 })
            }
            CalibrationSpec::Indirect(th) => qcal::indirect(raw, th),
            CalibrationSpec::Crisp(th) => qcal::crisp(raw, th),
        }
    }
}

/// One `--robustness-crossover` item: `COL=STEP` with a positive step.
fn parse_crossover_step(spec: &str) -> CliResult<(String, f64)> {
    let bad = || {
        CliError::usage(anyhow!(
            "--robustness-crossover `{spec}`: write COL=STEP with a positive number"
        ))
    };
    let (col, step) = spec.split_once('=').ok_or_else(bad)?;
    let step: f64 = step.trim().parse().map_err(|_| bad())?;
    if !(step.is_finite() && step > 0.0) {
        return Err(bad());
    }
    Ok((col.trim().to_string(), step))
}

fn opt_num(x: Option<f64>) -> Value {
    match x {
        Some(v) if v.is_finite() => json!(v),
        _ => Value::Null,
    }
}

fn num(x: f64) -> Value {
    opt_num(Some(x))
}

fn qca_solution_json(data: &qca::QcaData, s: &qsol::Solution, parsimonious: bool) -> Value {
    let names = |idx: &[usize]| -> Vec<String> {
        idx.iter().map(|&i| data.case_ids()[i].clone()).collect()
    };
    let multi = s.models.len() > 1;
    let model_key = |i: usize| {
        if s.models.len() > 9 {
            format!("M{:02}", i + 1)
        } else {
            format!("M{}", i + 1)
        }
    };
    let mut v = json!({
        "ok": true,
        "solutions": s.models.iter().map(|m| m.names.clone()).collect::<Vec<_>>(),
        "expressions": s.models.iter().map(|m| m.expression.clone()).collect::<Vec<_>>(),
        "multiple_solutions": multi,
        "essential": s.essential,
        "prime_implicants": s.prime_implicants.iter().map(|p| json!({
            "term": p.name, "inclS": num(p.incl), "PRI": num(p.pri), "covS": num(p.cov),
            "covU": opt_num(p.cov_u), "cases": names(&p.cases),
        })).collect::<Vec<_>>(),
        "models": s.models.iter().enumerate().map(|(i, m)| {
            let covu: Map<String, Value> = m.names.iter().zip(&m.term_cov_u)
                .map(|(n, c)| (n.clone(), opt_num(*c))).collect();
            json!({"model": model_key(i), "terms": m.names, "expression": m.expression,
                "inclS": num(m.incl), "PRI": num(m.pri), "covS": num(m.cov), "term_covU": covu})
        }).collect::<Vec<_>>(),
    });
    if parsimonious {
        let sa: Map<String, Value> = s
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (model_key(i), json!(m.remainders_used)))
            .collect();
        v["simplifying_assumptions"] = Value::Object(sa);
    }
    v
}

fn qca_result_json(
    data: &qca::QcaData,
    r: &Result<qsol::Solution, StatsError>,
    parsimonious: bool,
) -> Value {
    match r {
        Ok(s) => qca_solution_json(data, s, parsimonious),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }
}

/// Truth tables up to this many rows are listed whole (remainders included).
const QCA_LIST_ALL_ROWS: usize = 4096;

fn qca_cmd(t: &Table, a: &QcaArgs) -> CliResult<(Value, String)> {
    let path = t.path.display().to_string();
    let invalid = |what: &str, e: StatsError| CliError::invalid(anyhow!("{path}: {what}: {e}"));
    if a.conditions.len() > qca::MAX_CONDITIONS {
        return Err(CliError::usage(anyhow!(
            "--conditions: at most {} conditions, got {}",
            qca::MAX_CONDITIONS,
            a.conditions.len()
        )));
    }
    let options = qca::TruthTableOptions {
        incl_cut: a.incl_cut,
        n_cut: a.n_cut,
        pri_cut: a.pri_cut,
    };
    options
        .check()
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    if let Some(c) = a.robustness.iter().find(|c| !(0.0..=1.0).contains(*c)) {
        return Err(CliError::usage(anyhow!(
            "--robustness: cut-off {c} is not in [0, 1]"
        )));
    }
    let mut specs = Vec::new();
    for item in a.calibrate.iter().flat_map(|s| s.split(';')) {
        if !item.trim().is_empty() {
            specs.push(parse_calibration(item)?);
        }
    }
    let mut crossover_steps = Vec::new();
    for item in a.robustness_crossover.iter().flat_map(|s| s.split(';')) {
        if !item.trim().is_empty() {
            let (col, step) = parse_crossover_step(item)?;
            match specs.iter().find(|(c, _, _)| *c == col) {
                Some((_, _, CalibrationSpec::Fuzzy(a))) => crossover_steps.push((col, *a, step)),
                _ => {
                    return Err(CliError::usage(anyhow!(
                        "--robustness-crossover {col}: the column is not calibrated with --calibrate {col}=fuzzy:e,c,i"
                    )))
                }
            }
        }
    }
    let mut calibration = Vec::new();
    let mut warnings = Vec::new();
    let mut raw_of: Vec<(String, Vec<f64>)> = Vec::new();
    let mut values_of = |name: &str| -> CliResult<Vec<f64>> {
        let c = t.column(name)?;
        let vals = t.numeric(c)?;
        let mut out = Vec::with_capacity(vals.len());
        for (r, v) in vals.iter().enumerate() {
            out.push(v.ok_or_else(|| {
                CliError::invalid(anyhow!(
                    "{path}: line {}, column `{name}`: a QCA needs a value for every case",
                    r + 2
                ))
            })?);
        }
        raw_of.push((name.to_string(), out.clone()));
        if let Some((_, desc, spec)) = specs.iter().find(|(col, _, _)| col == name) {
            out = spec
                .apply(&out)
                .map_err(|e| invalid(&format!("calibrating {name}"), e))?;
            let at = qcal::at_crossover(&out);
            if !at.is_empty() {
                warnings.push(format!(
                    "{name}: {} case(s) calibrated to exactly 0.5 belong to no truth-table row",
                    at.len()
                ));
            }
            let mut d = desc.clone();
            d["output"] = json!(out);
            calibration.push(d);
        }
        Ok(out)
    };
    for (col, _, _) in &specs {
        if col != &a.outcome && !a.conditions.contains(col) {
            return Err(CliError::usage(anyhow!(
                "--calibrate {col}: not the outcome or a condition"
            )));
        }
    }
    let mut columns = Vec::new();
    for c in &a.conditions {
        columns.push(values_of(c)?);
    }
    let outcome = values_of(&a.outcome)?;
    let ids: Vec<String> = match a
        .case_id
        .as_deref()
        .or_else(|| t.columns.iter().any(|c| c.name == "case").then_some("case"))
    {
        Some(col) => {
            let c = t.column(col)?;
            c.cells
                .iter()
                .enumerate()
                .map(|(r, v)| v.clone().unwrap_or_else(|| (r + 1).to_string()))
                .collect()
        }
        None => (1..=t.n_rows).map(|r| r.to_string()).collect(),
    };
    let data = qca::QcaData::new(
        ids.clone(),
        a.conditions.clone(),
        columns.clone(),
        &a.outcome,
        outcome.clone(),
        a.neg_outcome,
    )
    .map_err(|e| invalid("QCA data", e))?;
    let dir_exp = match &a.dir_exp {
        Some(s) => Some(
            qsol::DirExp::parse(&data, &split_top(s))
                .map_err(|e| CliError::usage(anyhow!("--dir-exp: {e}")))?,
        ),
        None => None,
    };
    let necessity: Vec<Value> = qca::necessity::necessity(&data)
        .iter()
        .map(|r| {
            json!({"condition": r.condition, "inclN": num(r.fit.incl), "RoN": num(r.fit.ron),
                "covN": num(r.fit.cov)})
        })
        .collect();
    let mut necessity_of = Vec::new();
    for expr in &a.necessity_of {
        let terms = expr
            .split('+')
            .map(|t| data.parse_term(t.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::usage(anyhow!("--necessity-of: {e}")))?;
        let f = qca::necessity::necessity_of_union(&data, &terms);
        necessity_of.push(
            json!({"expression": expr, "inclN": num(f.incl), "RoN": num(f.ron),
            "covN": num(f.cov)}),
        );
    }
    let tt = qca::truth_table(&data, options).map_err(|e| invalid("truth table", e))?;
    if !tt.at_crossover.is_empty() {
        warnings.push(format!(
            "{} case(s) with a membership of exactly 0.5 belong to no truth-table row",
            tt.at_crossover.len()
        ));
    }
    let all = tt.n_rows() <= QCA_LIST_ALL_ROWS;
    let rows: Vec<qca::truth_table::TruthTableRow> = if all {
        tt.all_rows(QCA_LIST_ALL_ROWS)
            .map_err(|e| invalid("truth table", e))?
    } else {
        tt.observed().cloned().collect()
    };
    let row_json: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"row": r.row, "config": r.config, "OUT": r.out.as_str(), "n": r.n,
                "incl": opt_num(r.incl), "PRI": opt_num(r.pri),
                "cases": r.cases.iter().map(|&i| data.case_ids()[i].clone()).collect::<Vec<_>>(),
                "contradiction": r.contradiction})
        })
        .collect();
    let mopts = qsol::MinimizeOptions {
        dir_exp: dir_exp.clone(),
    };
    let m = qsol::minimize(&data, &tt, &mopts);
    let intermediate = match &m.intermediate {
        None => Value::Null,
        Some(Err(e)) => json!({"ok": false, "error": e.to_string()}),
        Some(Ok(vs)) => json!({
            "ok": true,
            "dir_exp": split_top(a.dir_exp.as_deref().unwrap_or("")),
            "multiple_variants": vs.len() > 1,
            "variants": vs.iter().map(|v| {
                let mut j = qca_solution_json(&data, &v.solution, false);
                j["key"] = json!(v.key);
                j["conservative_model"] = json!(v.conservative_model);
                j["parsimonious_model"] = json!(v.parsimonious_model);
                j["easy_counterfactuals"] = json!(v.easy_counterfactuals);
                j
            }).collect::<Vec<_>>(),
        }),
    };
    let mut value = json!({
        "outcome": data.outcome_name(),
        "conditions": a.conditions,
        "n_cases": data.n_cases(),
        "params": {"incl_cut": a.incl_cut, "n_cut": a.n_cut, "pri_cut": a.pri_cut,
            "dir_exp": a.dir_exp.as_deref().map(split_top)},
        "calibration": calibration,
        "warnings": warnings,
        "necessity": necessity,
        "necessity_of": necessity_of,
        "truth_table": {
            "conditions": a.conditions,
            "noflevels": tt.levels(),
            "n_rows": tt.n_rows(),
            "remainders_listed": all,
            "rows": row_json,
        },
        "minimize": {
            "conservative": qca_result_json(&data, &m.conservative, false),
            "parsimonious": qca_result_json(&data, &m.parsimonious, true),
            "intermediate": intermediate,
        },
    });
    if !a.robustness.is_empty() {
        let rows = qca::robustness::over_incl_cuts(&data, options, &mopts, &a.robustness)
            .map_err(|e| invalid("robustness", e))?;
        value["robustness"] = json!(rows
            .iter()
            .map(
                |r| json!({"incl_cut": r.incl_cut, "positive_rows": r.positive_rows,
                "conservative": r.conservative, "parsimonious": r.parsimonious,
                "intermediate": r.intermediate})
            )
            .collect::<Vec<_>>());
        value["robustness_terms"] = json!(qca::robustness::survival(&rows)
            .iter()
            .map(|(t, present)| json!({"term": t, "present": present}))
            .collect::<Vec<_>>());
    }
    if !crossover_steps.is_empty() {
        let base = qca::robustness::over_incl_cuts(&data, options, &mopts, &[a.incl_cut])
            .map_err(|e| invalid("robustness", e))?;
        let mut rows = base;
        let mut variants = vec![json!({"column": Value::Null, "crossover": Value::Null})];
        for (col, anchors, step) in &crossover_steps {
            let raw = &raw_of
                .iter()
                .find(|(c, _)| c == col)
                .expect("every calibrated column was read")
                .1;
            for c in [anchors.c - step, anchors.c + step] {
                let Ok(moved) = qcal::Anchors::new(anchors.e, c, anchors.i) else {
                    warnings.push(format!(
                        "{col}: a crossover of {c} is not strictly between the other anchors; that variant is left out"
                    ));
                    continue;
                };
                let cal = CalibrationSpec::Fuzzy(moved)
                    .apply(raw)
                    .map_err(|e| invalid(&format!("calibrating {col}"), e))?;
                let (mut cols, mut y) = (columns.clone(), outcome.clone());
                if *col == a.outcome {
                    y = cal;
                } else if let Some(j) = a.conditions.iter().position(|k| k == col) {
                    cols[j] = cal;
                }
                let d = qca::QcaData::new(
                    ids.clone(),
                    a.conditions.clone(),
                    cols,
                    &a.outcome,
                    y,
                    a.neg_outcome,
                )
                .map_err(|e| invalid("QCA data", e))?;
                let mut r = qca::robustness::over_incl_cuts(&d, options, &mopts, &[a.incl_cut])
                    .map_err(|e| invalid("robustness", e))?;
                rows.append(&mut r);
                variants.push(json!({"column": col, "crossover": c}));
            }
        }
        value["robustness_crossover"] = json!(rows
            .iter()
            .zip(&variants)
            .map(
                |(r, v)| json!({"column": v["column"], "crossover": v["crossover"],
                "positive_rows": r.positive_rows, "conservative": r.conservative,
                "parsimonious": r.parsimonious, "intermediate": r.intermediate})
            )
            .collect::<Vec<_>>());
        value["robustness_crossover_terms"] = json!(qca::robustness::survival(&rows)
            .iter()
            .map(|(t, present)| json!({"term": t, "present": present,
                "robust": present.iter().all(|&p| p)}))
            .collect::<Vec<_>>());
        value["warnings"] = json!(warnings);
    }
    let expr = |r: &Result<qsol::Solution, StatsError>| match r {
        Ok(s) => s
            .models
            .iter()
            .map(|m| m.expression.clone())
            .collect::<Vec<_>>()
            .join(" | "),
        Err(e) => format!("({e})"),
    };
    let summary = format!(
        "QCA of {} ({} cases, {} conditions): {} positive row(s)\nconservative: {}\nparsimonious: {}\n",
        data.outcome_name(),
        data.n_cases(),
        a.conditions.len(),
        tt.observed()
            .filter(|r| r.out == qca::Out::Positive)
            .count(),
        expr(&m.conservative),
        expr(&m.parsimonious)
    );
    Ok((value, summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        cmd: Cmd,
    }
    #[derive(clap::Subcommand)]
    enum Cmd {
        Stats(StatsArgs),
    }

    fn run_args(args: &[&str]) -> (CliResult, String) {
        let cli =
            Cli::try_parse_from(std::iter::once("leernet").chain(args.iter().copied())).unwrap();
        let Cmd::Stats(a) = cli.cmd;
        let mut out = Vec::new();
        let r = run(&a, &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    fn csv(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn describe_json_has_the_contract_fields() {
        let f = csv("age,region\n30,north\n40,\n,south\n50,north\n");
        let p = f.path().to_str().unwrap();
        let (r, out) = run_args(&["stats", "describe", "--input", p, "--json"]);
        r.unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        let age = &v["columns"][0];
        for k in ["n", "missing", "mean", "sd", "min", "max", "median"] {
            assert!(!age[k].is_null(), "{k}");
        }
        assert_eq!(age["missing"], 1);
        let region = &v["columns"][1];
        assert_eq!(region["counts"]["north"], 2);
        assert!(region["ci"]["north"][0].as_f64().unwrap() < 2.0 / 3.0);
        assert!(region["proportions"]["south"].as_f64().is_some());
    }

    #[test]
    fn cluster_json_and_bad_k() {
        let f = csv("x,c\n1,a\n2,a\n10,b\n11,b\n12,b\n");
        let p = f.path().to_str().unwrap();
        let (r, out) = run_args(&[
            "stats",
            "cluster",
            "--input",
            p,
            "--k",
            "2",
            "--linkage",
            "ward",
            "--json",
        ]);
        r.unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["labels"], json!([1, 1, 2, 2, 2]));
        assert_eq!(v["sizes"], json!([2, 3]));
        assert_eq!(v["merges"].as_array().unwrap().len(), 4);
        assert!(v["silhouette"].as_f64().unwrap() > 0.5);
        let (r, _) = run_args(&["stats", "cluster", "--input", p, "--k", "6"]);
        let e = r.unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(e.to_string().contains("6 clusters of 5 rows"));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let f = csv("a,b\n1,2\nx,3\n");
        let p = f.path().to_str().unwrap();
        let (r, _) = run_args(&["stats", "reliability", "--input", p, "--types", "a:numeric"]);
        let e = r.unwrap_err();
        assert_eq!(e.exit_code(), 1);
        let msg = e.to_string();
        assert!(
            msg.contains("line 3") && msg.contains("`a`") && msg.contains(p),
            "{msg}"
        );
        let (r, _) = run_args(&["stats", "describe", "--input", "/nonexistent/x.csv"]);
        assert_eq!(r.unwrap_err().exit_code(), 2);
        let (r, _) = run_args(&["stats", "describe", "--input", p, "--types", "zz:numeric"]);
        assert_eq!(r.unwrap_err().exit_code(), 2);
        let empty = csv("");
        let (r, _) = run_args(&[
            "stats",
            "describe",
            "--input",
            empty.path().to_str().unwrap(),
        ]);
        assert_eq!(r.unwrap_err().exit_code(), 1);
    }

    #[test]
    fn agreement_reliability_lca_kprototypes_pam() {
        let f = csv("c1,c2\na,a\nb,b\na,b\nb,b\n,a\n");
        let p = f.path().to_str().unwrap();
        let (r, out) = run_args(&["stats", "agreement", "--input", p, "--json"]);
        r.unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        for k in [
            "percent_agreement",
            "cohen_kappa",
            "fleiss_kappa",
            "krippendorff_alpha",
            "n_units",
        ] {
            assert!(!v[k].is_null(), "{k}");
        }
        let g = csv("i1,i2,i3\n1,2,2\n2,2,3\n3,3,3\n4,5,4\n5,4,5\n");
        let p = g.path().to_str().unwrap();
        let (r, out) = run_args(&["stats", "reliability", "--input", p, "--json"]);
        r.unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["ci"].as_array().unwrap().len(), 2);
        assert_eq!(v["alpha_if_deleted"].as_array().unwrap().len(), 3);
        let (r, out) = run_args(&[
            "stats",
            "lca",
            "--input",
            p,
            "--classes",
            "2",
            "--seed",
            "3",
            "--json",
        ]);
        r.unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        for k in [
            "loglik",
            "npar",
            "aic",
            "bic",
            "entropy",
            "class_sizes",
            "probabilities",
            "labels",
        ] {
            assert!(!v[k].is_null(), "{k}");
        }
        let (r, out) = run_args(&[
            "stats",
            "kprototypes",
            "--input",
            p,
            "--k",
            "2",
            "--seed",
            "3",
            "--json",
        ]);
        r.unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        for k in ["labels", "cost", "centroids"] {
            assert!(!v[k].is_null(), "{k}");
        }
        let (r, _) = run_args(&["stats", "pam", "--input", p, "--k", "2", "--json"]);
        r.unwrap();
    }
}
