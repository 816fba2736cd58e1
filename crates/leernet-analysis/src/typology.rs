//! The typology of learning networks: networks clustered on their working methods, the
//! number of types chosen and justified, a profile of every type, and how stable it is.
//!
//! Exists because the point of the study is to find the patterns in how networks work, and
//! with 17 networks a typology is only worth reporting together with its uncertainty.
//!
//! Method (settings in `content/typology.toml`):
//! 1. Gower's (1971) distance over the network-level features ([`crate::dataset`]): numeric
//!    range-normalised, ordinal by ranks, nominal 0/1, select_multiple options and code
//!    presences as asymmetric binaries, missing values left out pairwise. Features without
//!    information (all missing, one value only, or a code in too few networks) are dropped
//!    and listed; networks without a network questionnaire are left out and listed.
//! 2. Agglomerative clustering (average linkage by default), cut into k = k_min..k_max
//!    types (at most n - 1); k is the one with the highest mean silhouette (ties: the
//!    smaller k), and the justification says how strong that structure is by Kaufman &
//!    Rousseeuw's (1990) bands. Types are numbered by size (largest first; ties by the
//!    first network in registry order).
//! 3. A profile per type: for every feature and describing variable, the type's share (per
//!    category or option) or mean against all clustered networks; the difference is the
//!    share difference, or the mean difference divided by the range over all networks, so
//!    that rows compare; largest absolute differences first.
//! 4. Stability, at the chosen k: leave-one-out (each network left out in turn, the rest
//!    reclustered from scratch, Gower ranges included) and B seeded bootstrap resamples
//!    (drawn with replacement; duplicates kept, as in Hennig's `clusterboot`). Each
//!    replicate is compared with the full solution by the adjusted Rand index on the
//!    networks they share. A replicate is cut into as many clusters as it holds types of
//!    the full solution (a resample that misses every network of a type, or a left-out
//!    singleton type, cannot show that type). Per network: the Jaccard similarity between its type and its
//!    cluster in the replicate (both restricted to the replicate's networks), its mean,
//!    and the share of replicates where it is at least 0.5 ("stays with its type").
//! 5. A latent class fit table over 1..K classes on a few categorical features (BIC picks
//!    K), with a warning that LCA is under-powered at this sample size, and the adjusted
//!    Rand index between the BIC-best classes and the types.
//!
//! Bad input never panics: too few networks, no usable feature, or networks without a
//! comparable feature give a typology with `computed = false` and a message in both
//! languages.

use crate::dataset::{Dataset, Measure, TypologyConfig, Variable};
use crate::AnalysisError;
use leernet_core::Bilingual;
use leernet_stats::cluster::{
    adjusted_rand_index, cut_tree_maxclust, linkage_in_place, silhouette, silhouette_samples,
    Linkage,
};
use leernet_stats::gower::{gower, CondensedMatrix, GowerColumn};
use leernet_stats::rng::SplitMix64;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The typology and everything needed to judge it.
#[derive(Debug, Clone, Serialize)]
pub struct Typology {
    /// Whether a typology could be made; if not, `message` says why.
    pub computed: bool,
    pub message: Option<Bilingual>,
    /// The method in one line (distance, linkage, choice of k).
    pub method: String,
    /// The method in words, in both languages (for the report).
    pub description: Bilingual,
    /// Networks clustered.
    pub n: usize,
    /// Networks left out (no network questionnaire), by slug.
    pub excluded: Vec<String>,
    pub features: Vec<FeatureUse>,
    /// Features left out, with the reason.
    pub dropped: Vec<DroppedFeature>,
    pub linkage: String,
    /// The chosen number of types (0 when not computed).
    pub k: usize,
    pub k_reason: Bilingual,
    pub silhouette_by_k: Vec<KFit>,
    /// Mean silhouette of the chosen solution.
    pub silhouette: Option<f64>,
    pub networks: Vec<NetworkType>,
    pub types: Vec<TypeProfile>,
    pub stability: Option<Stability>,
    pub lca: Option<LcaFigures>,
    pub dendrogram: Option<Dendrogram>,
    /// How many profile rows per type the report shows (`profile_rows` in typology.toml).
    pub report_rows: usize,
    /// Every categorical feature and describing variable by type, with chi-square/Fisher
    /// and the low-expected-counts warning ([`crate::crosstabs`]).
    pub crosstabs: Vec<crate::crosstabs::CrossTable>,
}

/// A feature used in the clustering.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureUse {
    pub key: String,
    pub label: Bilingual,
    pub measure: Measure,
    pub source: String,
    /// Clustered networks with a value.
    pub n: usize,
}

/// A feature left out, and why.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedFeature {
    pub key: String,
    /// `not_in_dataset` (named in typology.toml, but no such variable), `all_missing`,
    /// `constant` or `too_rare`.
    pub reason: String,
}

/// The silhouette of one k.
#[derive(Debug, Clone, Serialize)]
pub struct KFit {
    pub k: usize,
    /// Clusters the cut gives (fewer than k with tied heights).
    pub clusters: usize,
    pub silhouette: Option<f64>,
    pub sizes: Vec<usize>,
}

/// One network's type and stability.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkType {
    pub slug: String,
    pub name: String,
    /// 1..k.
    #[serde(rename = "type")]
    pub type_: usize,
    pub silhouette: f64,
    /// Share of leave-one-out replicates (without this network) where it stays with its type.
    pub loo_stay: Option<f64>,
    pub loo_jaccard: Option<f64>,
    /// Share of bootstrap resamples (holding this network) where it stays with its type.
    pub bootstrap_stay: Option<f64>,
    pub bootstrap_jaccard: Option<f64>,
    /// Resamples that held this network.
    pub bootstrap_n: usize,
}

/// A type and what sets it apart.
#[derive(Debug, Clone, Serialize)]
pub struct TypeProfile {
    pub number: usize,
    /// Its name ("Steering together"; "Type 1" when no rule of typology.toml names it).
    pub name: Bilingual,
    /// What sets it apart, in two sentences: the naming rule's and the largest differences.
    pub description: Bilingual,
    pub size: usize,
    /// Network slugs in registry order.
    pub networks: Vec<String>,
    pub names: Vec<String>,
    /// The largest differences in words.
    pub summary: Bilingual,
    /// Every row, largest absolute difference first.
    pub rows: Vec<ProfileRow>,
}

/// One feature (or one category of it) in a type against all networks.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileRow {
    pub key: String,
    /// The category or option (nominal and ordinal categories); `None` for a mean.
    pub category: Option<String>,
    pub label: Bilingual,
    /// `share` or `mean`.
    pub statistic: String,
    /// Whether the feature formed the types (`true`) or only describes them.
    pub clustered: bool,
    pub source: String,
    /// Networks of the type / of all with a value.
    pub n_type: usize,
    pub n_all: usize,
    pub value_type: f64,
    pub value_all: f64,
    /// Share difference, or mean difference / range over all networks.
    pub difference: f64,
    /// The row in words.
    pub text: Bilingual,
}

/// Stability of the typology at the chosen k.
#[derive(Debug, Clone, Serialize)]
pub struct Stability {
    pub method: String,
    /// The method in words, in both languages (for the report).
    pub description: Bilingual,
    pub loo_ari_mean: Option<f64>,
    pub loo_ari_min: Option<f64>,
    /// ARI of every leave-one-out replicate, by the slug left out.
    pub loo_ari: Vec<(String, f64)>,
    pub bootstrap_replicates: usize,
    /// Resamples that could be clustered.
    pub bootstrap_used: usize,
    pub seed: u64,
    pub bootstrap_ari_mean: Option<f64>,
    pub bootstrap_ari_sd: Option<f64>,
    /// Mean over networks of the bootstrap stay share, per type (index 0 = type 1).
    pub type_bootstrap_stay: Vec<Option<f64>>,
    /// Mean over all networks of the bootstrap stay share.
    pub overall_bootstrap_stay: Option<f64>,
}

/// The latent class fit table.
#[derive(Debug, Clone, Serialize)]
pub struct LcaFigures {
    pub method: String,
    /// The method in words, in both languages (for the report).
    pub description: Bilingual,
    pub features: Vec<String>,
    pub n: usize,
    pub rows: Vec<LcaRow>,
    /// K with the lowest BIC.
    pub best_classes: Option<usize>,
    /// ARI between the BIC-best classes (modal) and the types.
    pub ari_with_types: Option<f64>,
    pub warning: Bilingual,
    pub message: Option<String>,
}

/// One row of the LCA fit table.
#[derive(Debug, Clone, Serialize)]
pub struct LcaRow {
    pub classes: usize,
    pub loglik: f64,
    pub npar: usize,
    pub aic: f64,
    pub bic: f64,
    pub entropy: Option<f64>,
    pub smallest_class: f64,
    /// More parameters than networks.
    pub npar_exceeds_n: bool,
}

/// The tree, for the dendrogram.
#[derive(Debug, Clone, Serialize)]
pub struct Dendrogram {
    /// scipy's linkage layout `[a, b, height, size]`.
    pub merges: Vec<[f64; 4]>,
    /// Leaf labels (network names) in row order.
    pub labels: Vec<String>,
    /// Type of each leaf, in row order.
    pub types: Vec<usize>,
    /// A height between the merges that make k types.
    pub cut_height: f64,
}

fn bi(nl: String, en: String) -> Bilingual {
    Bilingual { nl, en }
}

fn fmt_num(x: f64, d: usize, lang: &str) -> String {
    let s = format!("{x:.d$}");
    if lang == "nl" {
        s.replace('.', ",")
    } else {
        s
    }
}

/// An owned Gower column that can be subset by rows.
#[derive(Debug, Clone)]
enum Col {
    Numeric(Vec<Option<f64>>),
    Ordinal(Vec<Option<f64>>),
    Nominal(Vec<Option<u32>>),
    Asym(Vec<Option<bool>>),
}

impl Col {
    fn from(v: &Variable, vals: &[Option<f64>]) -> Col {
        match v.measure {
            Measure::Numeric => Col::Numeric(vals.to_vec()),
            Measure::Ordinal => Col::Ordinal(vals.to_vec()),
            Measure::Nominal => Col::Nominal(vals.iter().map(|x| x.map(|x| x as u32)).collect()),
            Measure::AsymmetricBinary => {
                Col::Asym(vals.iter().map(|x| x.map(|x| x > 0.5)).collect())
            }
        }
    }

    fn subset(&self, rows: &[usize]) -> Col {
        match self {
            Col::Numeric(v) => Col::Numeric(rows.iter().map(|&r| v[r]).collect()),
            Col::Ordinal(v) => Col::Ordinal(rows.iter().map(|&r| v[r]).collect()),
            Col::Nominal(v) => Col::Nominal(rows.iter().map(|&r| v[r]).collect()),
            Col::Asym(v) => Col::Asym(rows.iter().map(|&r| v[r]).collect()),
        }
    }

    fn as_gower(&self) -> GowerColumn<'_> {
        match self {
            Col::Numeric(v) => GowerColumn::Numeric(v),
            Col::Ordinal(v) => GowerColumn::Ordinal(v),
            Col::Nominal(v) => GowerColumn::Nominal(v),
            Col::Asym(v) => GowerColumn::AsymmetricBinary(v),
        }
    }
}

fn distances(cols: &[Col]) -> Result<CondensedMatrix, leernet_stats::StatsError> {
    let g: Vec<GowerColumn> = cols.iter().map(Col::as_gower).collect();
    gower(&g)
}

/// Clusters the given rows (indices into the full columns) into at most k types.
fn recluster(cols: &[Col], rows: &[usize], method: Linkage, k: usize) -> Option<Vec<usize>> {
    let sub: Vec<Col> = cols.iter().map(|c| c.subset(rows)).collect();
    let d = distances(&sub).ok()?;
    let z = linkage_in_place(d, method).ok()?;
    cut_tree_maxclust(&z, k).ok()
}

/// Variables of the dataset that a list of patterns names (`key`, `prefix.*`), in dataset
/// order, and the exact keys that the dataset does not hold (a question missing from this
/// version of the instrument, or a member aggregate without the member questionnaire).
fn select(ds: &Dataset, patterns: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut out = BTreeSet::new();
    let mut unknown = Vec::new();
    for p in patterns {
        if let Some(prefix) = p.strip_suffix(".*") {
            let pre = format!("{prefix}.");
            out.extend(
                ds.variables
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.key.starts_with(&pre))
                    .map(|(i, _)| i),
            );
        } else {
            match ds.index(p) {
                Some(i) => {
                    out.insert(i);
                }
                None => unknown.push(p.clone()),
            }
        }
    }
    (out.into_iter().collect(), unknown)
}

fn not_computed(
    method: String,
    description: Bilingual,
    n: usize,
    excluded: Vec<String>,
    msg: Bilingual,
) -> Typology {
    Typology {
        computed: false,
        message: Some(msg),
        method,
        description,
        n,
        excluded,
        features: Vec::new(),
        dropped: Vec::new(),
        linkage: String::new(),
        k: 0,
        k_reason: Bilingual::default(),
        silhouette_by_k: Vec::new(),
        silhouette: None,
        networks: Vec::new(),
        types: Vec::new(),
        stability: None,
        lca: None,
        dendrogram: None,
        report_rows: 0,
        crosstabs: Vec::new(),
    }
}

/// Computes the typology over the network-level dataset. `names` are the networks' display
/// names in the dataset's unit order. A feature named in the configuration that the dataset
/// does not hold is listed as dropped (`not_in_dataset`); describing and LCA variables that
/// it does not hold are left out. Data that cannot carry a typology give `computed = false`
/// with a message; the only error is an unknown linkage.
///
/// The phases, in order (each a function below): the method in words (`describe`); the
/// networks and features that can be clustered (`usable_features`); Gower distance and
/// linkage; the number of types by silhouette (`choose_k`), types numbered by size
/// (`number_by_size`) and the choice in words (`k_reason`); stability (`stability`);
/// profiles (`profiles`); LCA (`lca_table`); the dendrogram (`dendrogram`).
pub fn compute(
    ds: &Dataset,
    names: &[String],
    cfg: &TypologyConfig,
) -> Result<Typology, AnalysisError> {
    let t = &cfg.typology;
    let method: Linkage = t.linkage.parse().map_err(|e| AnalysisError::Content {
        file: "typology.toml".into(),
        message: format!("{e}"),
    })?;
    let (method_text, description) = describe(t);
    let (feat_idx, unknown) = select(ds, &t.features);
    let (desc_idx, _) = select(ds, &t.describe);
    let (lca_idx, _) = select(ds, &t.lca_features);

    // Networks with at least one feature value; others are left out.
    let rows: Vec<usize> = (0..ds.n_units)
        .filter(|&r| feat_idx.iter().any(|&f| ds.values[f][r].is_some()))
        .collect();
    let excluded: Vec<String> = (0..ds.n_units)
        .filter(|r| !rows.contains(r))
        .map(|r| ds.units[r].clone())
        .collect();
    let n = rows.len();
    let Usable {
        features,
        dropped,
        cols,
        used_idx,
    } = usable_features(ds, cfg, &rows, &feat_idx, unknown);
    let fail = |msg: Bilingual, dropped: Vec<DroppedFeature>| {
        let mut ty = not_computed(
            method_text.clone(),
            description.clone(),
            n,
            excluded.clone(),
            msg,
        );
        ty.dropped = dropped;
        ty.linkage = t.linkage.clone();
        Ok(ty)
    };
    if n < t.k_min + 1 {
        return fail(
            bi(
                format!("Er zijn {n} netwerken met antwoorden op de kenmerken; een typologie van minstens {} typen vraagt er minstens {} (het silhouet vraagt meer netwerken dan typen).", t.k_min, t.k_min + 1),
                format!("There are {n} networks with answers on the features; a typology of at least {} types needs at least {} (the silhouette needs more networks than types).", t.k_min, t.k_min + 1),
            ),
            dropped,
        );
    }
    if cols.is_empty() {
        return fail(
            bi(
                "Geen enkel kenmerk onderscheidt de netwerken (alle kenmerken ontbreken of hebben één waarde): er is geen typologie te maken.".into(),
                "No feature tells the networks apart (every feature is missing or has one value): no typology can be made.".into(),
            ),
            dropped,
        );
    }
    let d = match distances(&cols) {
        Ok(d) => d,
        Err(e) => {
            return fail(
                bi(
                    format!("De Gower-afstand kan niet worden berekend: {e}."),
                    format!("The Gower distance cannot be computed: {e}."),
                ),
                dropped,
            )
        }
    };
    // In place on a copy (the silhouettes read `d`): scipy's merges as the square
    // working matrix gave them, bit for bit, in half its memory (issue 24).
    let z = linkage_in_place(d.clone(), method).map_err(|e| AnalysisError::Content {
        file: "typology".into(),
        message: e.to_string(),
    })?;

    // Silhouette by k.
    let k_hi = t.k_max.min(n - 1);
    let (by_k, best) = choose_k(&z, &d, t.k_min, k_hi);
    let Some((k, sil, raw_labels)) = best else {
        return fail(
            bi(
                "Geen enkele indeling in typen heeft een silhouet (te weinig verschillende netwerken).".into(),
                "No split into types has a silhouette (too few distinct networks).".into(),
            ),
            dropped,
        );
    };
    let labels = number_by_size(&raw_labels, k);
    let k_reason = k_reason(k, sil, t.k_min, k_hi, t.k_max);
    let sil_each = silhouette_samples(&d, &labels).unwrap_or_else(|_| vec![0.0; n]);
    let (stability, per_network) = stability(ds, &rows, &cols, &labels, method, k, t);
    let networks: Vec<NetworkType> = per_network
        .into_iter()
        .enumerate()
        .map(
            |(i, (loo_stay, loo_jaccard, bootstrap_stay, bootstrap_jaccard, bootstrap_n))| {
                NetworkType {
                    slug: ds.units[rows[i]].clone(),
                    name: names.get(rows[i]).cloned().unwrap_or_default(),
                    type_: labels[i],
                    silhouette: sil_each[i],
                    loo_stay,
                    loo_jaccard,
                    bootstrap_stay,
                    bootstrap_jaccard,
                    bootstrap_n,
                }
            },
        )
        .collect();
    let stability = stability.with_type_stay(&networks, k);

    // Profiles: the clustered features, then the describing variables not among them.
    let mut prof_vars: Vec<(usize, bool)> = used_idx.iter().map(|&f| (f, true)).collect();
    for &f in &desc_idx {
        if !used_idx.contains(&f) {
            prof_vars.push((f, false));
        }
    }
    let mut types = profiles(ds, names, &rows, &prof_vars, &labels, k, t.profile_rows);
    name_types(&mut types, &cfg.type_names);
    // `lca_max_classes = 0`: no fit table (the pages' figures show none).
    let lca = (t.lca_max_classes > 0).then(|| lca_table(ds, &lca_idx, &rows, &labels, cfg));
    let dendrogram = dendrogram(ds, names, &rows, &z, &labels, k);

    Ok(Typology {
        computed: true,
        message: None,
        method: method_text,
        description,
        n,
        excluded,
        features,
        dropped,
        linkage: t.linkage.clone(),
        k,
        k_reason,
        silhouette_by_k: by_k,
        silhouette: Some(sil),
        networks,
        types,
        stability: Some(stability),
        lca,
        dendrogram: Some(dendrogram),
        report_rows: t.profile_rows,
        crosstabs: crate::crosstabs::by_type(ds, &prof_vars, &rows, &labels, k),
    })
}

/// The method in one line, and in words in both languages.
fn describe(t: &crate::dataset::ClusterConfig) -> (String, Bilingual) {
    let method_text = format!(
        "Gower distance (1971; numeric range-normalised, ordinal by ranks, nominal 0/1, options and codes asymmetric binary, missing pairwise) + {} linkage hierarchical clustering; k in {}..{} by the highest mean silhouette",
        t.linkage, t.k_min, t.k_max
    );
    let linkage_nl = match t.linkage.as_str() {
        "average" => "gemiddelde (average)",
        "single" => "enkelvoudige (single)",
        "complete" => "volledige (complete)",
        "weighted" => "gewogen (weighted)",
        "ward" => "Ward-",
        other => other,
    };
    let description = bi(
        format!(
            "Gower-afstand (1971; numeriek geschaald op het bereik, ordinaal op rangorde, nominaal 0/1, opties en codes asymmetrisch binair, ontbrekend paarsgewijs weggelaten) en hiërarchisch clusteren met {linkage_nl} koppeling; k van {} tot {} gekozen op het hoogste gemiddelde silhouet",
            t.k_min, t.k_max
        ),
        format!(
            "Gower distance (1971; numeric range-normalised, ordinal by ranks, nominal 0/1, options and codes asymmetric binary, missing left out pairwise) and hierarchical clustering with {} linkage; k from {} to {} chosen by the highest mean silhouette",
            t.linkage, t.k_min, t.k_max
        ),
    );
    (method_text, description)
}

/// The features that can be clustered, and those dropped with the reason.
struct Usable {
    features: Vec<FeatureUse>,
    dropped: Vec<DroppedFeature>,
    cols: Vec<Col>,
    /// Dataset indices of the features used.
    used_idx: Vec<usize>,
}

/// Drops the features without information over the given rows (all missing, one value
/// only, or a code in too few networks) and names those the dataset does not hold.
fn usable_features(
    ds: &Dataset,
    cfg: &TypologyConfig,
    rows: &[usize],
    feat_idx: &[usize],
    unknown: Vec<String>,
) -> Usable {
    let mut features = Vec::new();
    let mut dropped: Vec<DroppedFeature> = unknown
        .into_iter()
        .map(|key| DroppedFeature {
            key,
            reason: "not_in_dataset".into(),
        })
        .collect();
    let mut cols = Vec::new();
    let mut used_idx = Vec::new();
    for &f in feat_idx {
        let v = &ds.variables[f];
        let vals: Vec<Option<f64>> = rows.iter().map(|&r| ds.values[f][r]).collect();
        let present: Vec<f64> = vals.iter().flatten().copied().collect();
        let distinct: BTreeSet<u64> = present.iter().map(|x| x.to_bits()).collect();
        let reason = if present.is_empty() {
            Some("all_missing")
        } else if distinct.len() < 2 {
            Some("constant")
        } else if v.rule == "code_presence"
            && present.iter().filter(|&&x| x > 0.5).count() < cfg.codes.min_networks
        {
            Some("too_rare")
        } else {
            None
        };
        if let Some(reason) = reason {
            dropped.push(DroppedFeature {
                key: v.key.clone(),
                reason: reason.into(),
            });
            continue;
        }
        features.push(FeatureUse {
            key: v.key.clone(),
            label: v.label.clone(),
            measure: v.measure,
            source: v.source.clone(),
            n: present.len(),
        });
        cols.push(Col::from(v, &vals));
        used_idx.push(f);
    }
    Usable {
        features,
        dropped,
        cols,
        used_idx,
    }
}

/// The best split of one k.
type Best = Option<(usize, f64, Vec<usize>)>;

/// Cuts the tree at k = k_lo..=k_hi and takes the k with the highest mean silhouette
/// among the cuts that give k clusters (ties: the smaller k).
fn choose_k<T: leernet_stats::gower::Distance>(
    z: &[leernet_stats::cluster::Merge],
    d: &CondensedMatrix<T>,
    k_lo: usize,
    k_hi: usize,
) -> (Vec<KFit>, Best) {
    let mut by_k = Vec::new();
    let mut best: Best = None;
    for k in k_lo..=k_hi {
        let Ok(labels) = cut_tree_maxclust(z, k) else {
            continue;
        };
        let sizes = leernet_stats::cluster::cluster_sizes(&labels);
        let clusters = sizes.iter().filter(|&&s| s > 0).count();
        let s = silhouette(d, &labels).ok();
        by_k.push(KFit {
            k,
            clusters,
            silhouette: s,
            sizes: sizes.clone(),
        });
        if clusters != k {
            continue;
        }
        if let Some(s) = s {
            if best.as_ref().is_none_or(|b| s > b.1) {
                best = Some((k, s, labels));
            }
        }
    }
    (by_k, best)
}

/// Renumbers labels 1..=k by cluster size (largest first), then by first network.
fn number_by_size(raw_labels: &[usize], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (1..=k).collect();
    let size_of = |l: usize| raw_labels.iter().filter(|&&x| x == l).count();
    let first_of = |l: usize| {
        raw_labels
            .iter()
            .position(|&x| x == l)
            .unwrap_or(usize::MAX)
    };
    order.sort_by_key(|&l| (std::cmp::Reverse(size_of(l)), first_of(l)));
    raw_labels
        .iter()
        .map(|l| order.iter().position(|x| x == l).map_or(0, |p| p + 1))
        .collect()
}

/// Why k: the silhouette and Kaufman & Rousseeuw's (1990) band, in both languages.
fn k_reason(k: usize, sil: f64, k_min: usize, k_hi: usize, k_max: usize) -> Bilingual {
    let band = |s: f64| -> (&'static str, &'static str) {
        if s > 0.70 {
            ("een sterke structuur", "a strong structure")
        } else if s > 0.50 {
            ("een redelijke structuur", "a reasonable structure")
        } else if s > 0.25 {
            (
                "een zwakke structuur die mogelijk kunstmatig is",
                "a weak structure that may be artificial",
            )
        } else {
            ("geen wezenlijke structuur", "no substantial structure")
        }
    };
    let (band_nl, band_en) = band(sil);
    let capped = if k_hi < k_max {
        (
            format!(" (k tot {k_hi}: niet meer typen dan netwerken min één)"),
            format!(" (k up to {k_hi}: no more types than networks minus one)"),
        )
    } else {
        (String::new(), String::new())
    };
    bi(
        format!(
            "k = {k} heeft het hoogste gemiddelde silhouet ({}) van k = {}..{k_hi}{}; volgens Kaufman & Rousseeuw (1990) is dat {band_nl}.",
            fmt_num(sil, 2, "nl"),
            k_min,
            capped.0
        ),
        format!(
            "k = {k} has the highest mean silhouette ({}) of k = {}..{k_hi}{}; by Kaufman & Rousseeuw (1990) that is {band_en}.",
            fmt_num(sil, 2, "en"),
            k_min,
            capped.1
        ),
    )
}

/// One network's stability: leave-one-out stay and Jaccard, bootstrap stay, Jaccard and
/// the number of resamples that held it.
type NetworkStability = (Option<f64>, Option<f64>, Option<f64>, Option<f64>, usize);

/// Leave-one-out and bootstrap stability at the chosen k, overall and per network (the
/// per-type figures are added by `Stability::with_type_stay`).
fn stability(
    ds: &Dataset,
    rows: &[usize],
    cols: &[Col],
    labels: &[usize],
    method: Linkage,
    k: usize,
    t: &crate::dataset::ClusterConfig,
) -> (Stability, Vec<NetworkStability>) {
    let n = rows.len();
    let all: Vec<usize> = (0..n).collect();
    // Per network of a replicate (its distinct networks `sub`, clustered into `sub_labels`):
    // the Jaccard similarity of its type and its replicate cluster, both restricted to `sub`.
    // |type ∩ cluster| / |type ∪ cluster| from the replicate's cross-table of type by
    // cluster, so a replicate costs O(n), not O(n²) (the sets themselves are never built).
    let jaccards = |sub: &[usize], sub_labels: &[usize]| -> Vec<f64> {
        let mut of_type: BTreeMap<usize, usize> = BTreeMap::new();
        let mut of_cluster: BTreeMap<usize, usize> = BTreeMap::new();
        let mut both: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for (&r, &c) in sub.iter().zip(sub_labels) {
            *of_type.entry(labels[r]).or_default() += 1;
            *of_cluster.entry(c).or_default() += 1;
            *both.entry((labels[r], c)).or_default() += 1;
        }
        sub.iter()
            .zip(sub_labels)
            .map(|(&r, &c)| {
                let inter = both[&(labels[r], c)];
                let union = of_type[&labels[r]] + of_cluster[&c] - inter;
                if union == 0 {
                    1.0
                } else {
                    inter as f64 / union as f64
                }
            })
            .collect()
    };
    // A replicate is cut into as many clusters as it holds types of the full solution (a
    // resample without any network of a type cannot show that type).
    let types_in = |sub: &[usize]| -> usize {
        sub.iter()
            .map(|&r| labels[r])
            .collect::<BTreeSet<usize>>()
            .len()
    };
    let mut loo_j: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut loo_ari = Vec::new();
    // Leave-one-out reclusters n times (each O(n²)): up to `loo_max_networks`; beyond, the
    // bootstrap alone measures stability and the method says so.
    let loo = n <= t.loo_max_networks;
    let left_out = if loo { rows } else { &[] };
    for (left, &left_row) in left_out.iter().enumerate() {
        let sub: Vec<usize> = all.iter().copied().filter(|&r| r != left).collect();
        if sub.len() < 2 {
            continue;
        }
        let Some(sl) = recluster(cols, &sub, method, types_in(&sub)) else {
            continue;
        };
        let full: Vec<usize> = sub.iter().map(|&r| labels[r]).collect();
        if let Ok(a) = adjusted_rand_index(&full, &sl) {
            loo_ari.push((ds.units[left_row].clone(), a));
        }
        for (&i, j) in sub.iter().zip(jaccards(&sub, &sl)) {
            loo_j[i].push(j);
        }
    }
    let mut rng = SplitMix64::new(t.seed);
    let mut boot_j: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut boot_ari = Vec::new();
    for _ in 0..t.bootstrap {
        let draw: Vec<usize> = (0..n).map(|_| rng.below(n)).collect();
        let distinct: BTreeSet<usize> = draw.iter().copied().collect();
        if distinct.len() < 2 {
            continue;
        }
        let Some(dl) = recluster(cols, &draw, method, types_in(&draw)) else {
            continue;
        };
        // First occurrence of each distinct network.
        let mut first = vec![None; n];
        for (pos, &r) in draw.iter().enumerate() {
            first[r].get_or_insert(pos);
        }
        let sub: Vec<usize> = distinct.iter().copied().collect();
        let sl: Vec<usize> = sub.iter().map(|&r| dl[first[r].unwrap_or(0)]).collect();
        let full: Vec<usize> = sub.iter().map(|&r| labels[r]).collect();
        if let Ok(a) = adjusted_rand_index(&full, &sl) {
            boot_ari.push(a);
        }
        for (&i, j) in sub.iter().zip(jaccards(&sub, &sl)) {
            boot_j[i].push(j);
        }
    }
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let stay = |v: &[f64]| {
        (!v.is_empty()).then(|| v.iter().filter(|&&j| j >= 0.5).count() as f64 / v.len() as f64)
    };
    let per_network = (0..n)
        .map(|i| {
            (
                stay(&loo_j[i]),
                mean(&loo_j[i]),
                stay(&boot_j[i]),
                mean(&boot_j[i]),
                boot_j[i].len(),
            )
        })
        .collect();
    let aris: Vec<f64> = loo_ari.iter().map(|(_, a)| *a).collect();
    let boot_mean = mean(&boot_ari);
    let boot_sd = boot_mean.and_then(|m| {
        (boot_ari.len() > 1).then(|| {
            (boot_ari.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (boot_ari.len() - 1) as f64)
                .sqrt()
        })
    });
    let max = t.loo_max_networks;
    let (loo_en, loo_nl, loo_en_text) = if loo {
        (
            format!("leave-one-out ({n} replicates) and"),
            format!("Leave-one-out ({n} herhalingen) en"),
            format!("Leave-one-out ({n} replicates) and"),
        )
    } else {
        (
            format!("no leave-one-out (more than {max} networks; it would recluster once per network);"),
            format!("Geen leave-one-out (meer dan {max} netwerken; dat zou per netwerk opnieuw clusteren);"),
            format!("No leave-one-out (more than {max} networks; it would recluster once per network);"),
        )
    };
    let stability = Stability {
        method: format!(
            "{loo_en} {} seeded bootstrap resamples (seed {}), each reclustered from scratch at k = {k} (or as many types as the replicate holds); adjusted Rand index against the full solution on the shared networks; per network the Jaccard similarity of its type and its replicate cluster, 'stays' when >= 0.5",
            t.bootstrap, t.seed
        ),
        description: bi(
            format!(
                "{loo_nl} {} bootstrap-trekkingen (seed {}), elk opnieuw geclusterd met dezelfde methode in k = {k} typen (of zoveel typen als de herhaling bevat); aangepaste Rand-index met de volledige indeling over de gedeelde netwerken; per netwerk de Jaccard-overeenkomst van zijn type en zijn groep in de herhaling.",
                t.bootstrap, t.seed
            ),
            format!(
                "{loo_en_text} {} bootstrap resamples (seed {}), each reclustered with the same method into k = {k} types (or as many types as the replicate holds); adjusted Rand index with the full solution over the shared networks; per network the Jaccard similarity of its type and its cluster in the replicate.",
                t.bootstrap, t.seed
            ),
        ),
        loo_ari_mean: mean(&aris),
        loo_ari_min: aris.iter().copied().reduce(f64::min),
        loo_ari,
        bootstrap_replicates: t.bootstrap,
        bootstrap_used: boot_ari.len(),
        seed: t.seed,
        bootstrap_ari_mean: boot_mean,
        bootstrap_ari_sd: boot_sd,
        type_bootstrap_stay: Vec::new(),
        overall_bootstrap_stay: None,
    };

    (stability, per_network)
}

impl Stability {
    /// Adds the bootstrap stay per type and overall, from the networks' figures.
    fn with_type_stay(mut self, networks: &[NetworkType], k: usize) -> Stability {
        let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
        let type_stay: Vec<Option<f64>> = (1..=k)
            .map(|ty| {
                let v: Vec<f64> = networks
                    .iter()
                    .filter(|x| x.type_ == ty)
                    .filter_map(|x| x.bootstrap_stay)
                    .collect();
                mean(&v)
            })
            .collect();
        let all_stay: Vec<f64> = networks.iter().filter_map(|x| x.bootstrap_stay).collect();
        self.type_bootstrap_stay = type_stay;
        self.overall_bootstrap_stay = mean(&all_stay);
        self
    }
}

/// Names the types by the first rule that fits each (in the rules' order, each rule once);
/// the description is the rule's sentence and the type's largest differences.
pub fn name_types(types: &mut [TypeProfile], rules: &[crate::dataset::TypeNameRule]) {
    let mut used = vec![false; rules.len()];
    for tp in types.iter_mut() {
        let fit = rules.iter().enumerate().find(|(i, r)| {
            !used[*i]
                && tp.rows.iter().any(|row| {
                    row.key == r.feature
                        && (r.category.is_none() || row.category == r.category)
                        && match r.direction.as_str() {
                            "more" => row.difference >= r.min_difference,
                            "less" => row.difference <= -r.min_difference,
                            _ => false,
                        }
                })
        });
        if let Some((i, r)) = fit {
            used[i] = true;
            tp.name = Bilingual {
                nl: r.name_nl.clone(),
                en: r.name_en.clone(),
            };
            tp.description = Bilingual {
                nl: format!("{} {}", r.description_nl, tp.summary.nl),
                en: format!("{} {}", r.description_en, tp.summary.en),
            };
        }
    }
}

/// The names researchers gave (see [`leernet_core::TypeNaming`]) replace the rules' names:
/// each name goes to the type whose networks overlap most with the networks it was given to,
/// when they share at least half of the two together; the best overlaps are matched first,
/// and a name or a type is used once. The description stays the one derived from the profile.
pub fn apply_researchers_names(types: &mut [TypeProfile], names: &[leernet_core::TypeNaming]) {
    if names.is_empty() {
        return;
    }
    let members: Vec<Vec<String>> = types
        .iter()
        .map(|t| {
            let mut m = t.networks.clone();
            m.sort();
            m
        })
        .collect();
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (ni, name) in names.iter().enumerate() {
        for (ti, m) in members.iter().enumerate() {
            let overlap = name.overlap(m);
            if overlap >= 0.5 {
                pairs.push((overlap, ni, ti));
            }
        }
    }
    // Best overlap first; ties by the later name (the newest naming wins), then by type.
    pairs.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    let mut name_used = vec![false; names.len()];
    let mut type_named = vec![false; types.len()];
    for (_, ni, ti) in pairs {
        if name_used[ni] || type_named[ti] {
            continue;
        }
        name_used[ni] = true;
        type_named[ti] = true;
        types[ti].name = names[ni].name.clone();
    }
}

/// A profile per type: every variable's share or mean against all clustered networks,
/// largest differences first.
fn profiles(
    ds: &Dataset,
    names: &[String],
    rows: &[usize],
    prof_vars: &[(usize, bool)],
    labels: &[usize],
    k: usize,
    report_rows: usize,
) -> Vec<TypeProfile> {
    let n = rows.len();
    (1..=k)
        .map(|ty| {
            let members: Vec<usize> = (0..n).filter(|&i| labels[i] == ty).collect();
            let mut rows_out = Vec::new();
            for &(f, clustered) in prof_vars {
                profile_rows(ds, f, clustered, rows, &members, &mut rows_out);
            }
            rows_out.sort_by(|a, b| {
                b.difference
                    .abs()
                    .total_cmp(&a.difference.abs())
                    .then_with(|| a.key.cmp(&b.key))
                    .then_with(|| a.category.cmp(&b.category))
            });
            let summary = summarise(&rows_out, report_rows.min(4));
            TypeProfile {
                number: ty,
                name: Bilingual {
                    nl: format!("Type {ty}"),
                    en: format!("Type {ty}"),
                },
                description: summary.clone(),
                size: members.len(),
                networks: members.iter().map(|&i| ds.units[rows[i]].clone()).collect(),
                names: members
                    .iter()
                    .map(|&i| names.get(rows[i]).cloned().unwrap_or_default())
                    .collect(),
                summary,
                rows: rows_out,
            }
        })
        .collect()
}

/// The tree for the dendrogram, with a cut height between the merges that make k types.
fn dendrogram(
    ds: &Dataset,
    names: &[String],
    rows: &[usize],
    z: &[leernet_stats::cluster::Merge],
    labels: &[usize],
    k: usize,
) -> Dendrogram {
    let n = rows.len();
    let h: Vec<f64> = z.iter().map(|m| m.height).collect();
    let cut_height = if n > k {
        (h[n - k - 1] + h[n - k]) / 2.0
    } else {
        0.0
    };
    Dendrogram {
        merges: z.iter().map(|m| m.to_row()).collect(),
        labels: rows
            .iter()
            .map(|&r| names.get(r).cloned().unwrap_or_else(|| ds.units[r].clone()))
            .collect(),
        types: labels.to_vec(),
        cut_height,
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn profile_rows(
    ds: &Dataset,
    f: usize,
    clustered: bool,
    rows: &[usize],
    members: &[usize],
    out: &mut Vec<ProfileRow>,
) {
    let v = &ds.variables[f];
    let vals: Vec<Option<f64>> = rows.iter().map(|&r| ds.values[f][r]).collect();
    let all: Vec<f64> = vals.iter().flatten().copied().collect();
    let mine: Vec<f64> = members.iter().filter_map(|&i| vals[i]).collect();
    if all.is_empty() || mine.is_empty() {
        return;
    }
    let share_row = |cat: Option<(usize, &str, &Bilingual)>, test: &dyn Fn(f64) -> bool| {
        let st = mine.iter().filter(|&&x| test(x)).count() as f64 / mine.len() as f64;
        let sa = all.iter().filter(|&&x| test(x)).count() as f64 / all.len() as f64;
        let label = match cat {
            Some((_, _, cl)) => Bilingual {
                nl: format!("{}: {}", v.label.nl, cl.nl),
                en: format!("{}: {}", v.label.en, cl.en),
            },
            None => v.label.clone(),
        };
        let text = Bilingual {
            nl: format!("{}: {} (alle netwerken: {})", label.nl, pct(st), pct(sa)),
            en: format!("{}: {} (all networks: {})", label.en, pct(st), pct(sa)),
        };
        ProfileRow {
            key: v.key.clone(),
            category: cat.map(|(_, n, _)| n.to_owned()),
            label,
            statistic: "share".into(),
            clustered,
            source: v.source.clone(),
            n_type: mine.len(),
            n_all: all.len(),
            value_type: st,
            value_all: sa,
            difference: st - sa,
            text,
        }
    };
    match v.measure {
        Measure::AsymmetricBinary => out.push(share_row(None, &|x| x > 0.5)),
        Measure::Nominal => {
            // A two-category list (yes/no) says it all with its first category.
            let cats: Vec<(usize, &crate::dataset::Category)> = if v.categories.len() == 2 {
                vec![(0, &v.categories[0])]
            } else {
                v.categories.iter().enumerate().collect()
            };
            for (ci, c) in cats {
                if !all.iter().any(|&x| x as usize == ci) {
                    continue;
                }
                out.push(share_row(Some((ci, &c.name, &c.label)), &|x| {
                    x as usize == ci
                }));
            }
        }
        Measure::Numeric | Measure::Ordinal => {
            let ordinal = v.measure == Measure::Ordinal;
            // Ordinal positions are shown 1-based.
            let shift = if ordinal { 1.0 } else { 0.0 };
            let mt = mine.iter().sum::<f64>() / mine.len() as f64 + shift;
            let ma = all.iter().sum::<f64>() / all.len() as f64 + shift;
            let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let range = hi - lo;
            let diff = if range > 0.0 { (mt - ma) / range } else { 0.0 };
            let (dec, scale_nl, scale_en) = if ordinal {
                let first = v
                    .categories
                    .first()
                    .map(|c| c.label.clone())
                    .unwrap_or_default();
                let last = v
                    .categories
                    .last()
                    .map(|c| c.label.clone())
                    .unwrap_or_default();
                (
                    1,
                    format!(" (1 = {}, {} = {})", first.nl, v.categories.len(), last.nl),
                    format!(" (1 = {}, {} = {})", first.en, v.categories.len(), last.en),
                )
            } else if hi.abs() <= 1.0 && lo >= 0.0 && v.rule == "share" {
                (2, String::new(), String::new())
            } else {
                (1, String::new(), String::new())
            };
            let text = Bilingual {
                nl: format!(
                    "{}: gemiddeld {} (alle netwerken: {}){scale_nl}",
                    v.label.nl,
                    fmt_num(mt, dec, "nl"),
                    fmt_num(ma, dec, "nl")
                ),
                en: format!(
                    "{}: mean {} (all networks: {}){scale_en}",
                    v.label.en,
                    fmt_num(mt, dec, "en"),
                    fmt_num(ma, dec, "en")
                ),
            };
            out.push(ProfileRow {
                key: v.key.clone(),
                category: None,
                label: v.label.clone(),
                statistic: "mean".into(),
                clustered,
                source: v.source.clone(),
                n_type: mine.len(),
                n_all: all.len(),
                value_type: mt,
                value_all: ma,
                difference: diff,
                text,
            });
        }
    }
}

/// The type in words: the largest differences above 0.15, higher ones first.
fn summarise(rows: &[ProfileRow], max: usize) -> Bilingual {
    let big: Vec<&ProfileRow> = rows
        .iter()
        .filter(|r| r.difference.abs() >= 0.15)
        .take(max)
        .collect();
    if big.is_empty() {
        return Bilingual {
            nl: "Wijkt op geen enkel kenmerk duidelijk (15 procentpunt of meer) af van het geheel."
                .into(),
            en: "Differs clearly (15 percentage points or more) from the whole on no feature."
                .into(),
        };
    }
    let part = |up: bool, lang: &str| -> Vec<String> {
        big.iter()
            .filter(|r| (r.difference > 0.0) == up)
            .map(|r| {
                let (l, vs) = if lang == "nl" {
                    (&r.label.nl, "tegen")
                } else {
                    (&r.label.en, "vs")
                };
                if r.statistic == "share" {
                    format!("{l} ({} {vs} {})", pct(r.value_type), pct(r.value_all))
                } else {
                    format!(
                        "{l} ({} {vs} {})",
                        fmt_num(r.value_type, 1, lang),
                        fmt_num(r.value_all, 1, lang)
                    )
                }
            })
            .collect()
    };
    let mut nl = Vec::new();
    let mut en = Vec::new();
    let (up_nl, up_en) = (part(true, "nl"), part(true, "en"));
    let (dn_nl, dn_en) = (part(false, "nl"), part(false, "en"));
    // Each direction is a sentence of its own, so that the text starts with a capital
    // whether or not the type is higher than the whole anywhere.
    if !up_nl.is_empty() {
        nl.push(format!(
            "Meer of vaker dan het geheel: {}.",
            up_nl.join("; ")
        ));
        en.push(format!(
            "More or more often than the whole: {}.",
            up_en.join("; ")
        ));
    }
    if !dn_nl.is_empty() {
        nl.push(format!(
            "Minder of minder vaak dan het geheel: {}.",
            dn_nl.join("; ")
        ));
        en.push(format!(
            "Less or less often than the whole: {}.",
            dn_en.join("; ")
        ));
    }
    Bilingual {
        nl: nl.join(" "),
        en: en.join(" "),
    }
}

fn lca_table(
    ds: &Dataset,
    idx: &[usize],
    rows: &[usize],
    labels: &[usize],
    cfg: &TypologyConfig,
) -> LcaFigures {
    let t = &cfg.typology;
    let n = rows.len();
    let mut features = Vec::new();
    let mut items: Vec<Vec<Option<u32>>> = Vec::new();
    for &f in idx {
        let v = &ds.variables[f];
        if v.measure == Measure::Numeric {
            continue;
        }
        features.push(v.key.clone());
        items.push(
            rows.iter()
                .map(|&r| ds.values[f][r].map(|x| x as u32))
                .collect(),
        );
    }
    let warning = Bilingual {
        nl: format!("Latente-klassenanalyse is bij n = {n} netwerken ondermaats: een model met twee of meer klassen schat bijna evenveel parameters als er netwerken zijn, en BIC kiest bij zo weinig gevallen snel te weinig klassen. Lees deze tabel als verkenning, niet als bewijs voor een aantal typen; de typologie hierboven berust op de clusteranalyse."),
        en: format!("Latent class analysis is under-powered at n = {n} networks: a model with two or more classes estimates nearly as many parameters as there are networks, and with so few cases BIC readily picks too few classes. Read this table as exploration, not as evidence for a number of types; the typology above rests on the cluster analysis."),
    };
    let method = format!(
        "latent class analysis (EM, {} seeded starts, seed {}) on {} categorical features; 1..{} classes; BIC picks the number of classes; entropy is the normalised classification entropy",
        t.lca_starts,
        t.seed,
        features.len(),
        t.lca_max_classes
    );
    let description = bi(
        format!(
            "Latente-klassenanalyse (EM, {} startwaarden, seed {}) op {} categoriale kenmerken, 1 tot {} klassen; BIC kiest het aantal klassen; entropie is de genormaliseerde classificatie-entropie",
            t.lca_starts,
            t.seed,
            features.len(),
            t.lca_max_classes
        ),
        format!(
            "Latent class analysis (EM, {} starts, seed {}) on {} categorical features, 1 to {} classes; BIC picks the number of classes; entropy is the normalised classification entropy",
            t.lca_starts,
            t.seed,
            features.len(),
            t.lca_max_classes
        ),
    );
    let mut out = LcaFigures {
        method,
        description,
        features,
        n,
        rows: Vec::new(),
        best_classes: None,
        ari_with_types: None,
        warning,
        message: None,
    };
    if items.is_empty() {
        out.message = Some("no categorical features for the LCA".into());
        return out;
    }
    match leernet_stats::lca::lca_fit_table(&items, t.lca_max_classes, t.lca_starts, t.seed) {
        Ok((fit, best)) => {
            out.rows = fit
                .iter()
                .map(|r| LcaRow {
                    classes: r.classes,
                    loglik: r.loglik,
                    npar: r.npar,
                    aic: r.aic,
                    bic: r.bic,
                    entropy: r.entropy,
                    smallest_class: r.smallest_class,
                    npar_exceeds_n: r.npar > n,
                })
                .collect();
            out.best_classes = Some(best);
            if best > 1 {
                let opts = leernet_stats::lca::LcaOptions {
                    classes: best,
                    starts: t.lca_starts,
                    seed: t.seed,
                    ..Default::default()
                };
                if let Ok(m) = leernet_stats::lca::lca(&items, &opts) {
                    out.ari_with_types = adjusted_rand_index(&m.labels, labels).ok();
                }
            }
        }
        Err(e) => out.message = Some(e.to_string()),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, share_type: f64, share_all: f64) -> ProfileRow {
        ProfileRow {
            key: label.into(),
            category: Some("ja".into()),
            label: Bilingual {
                nl: label.into(),
                en: label.into(),
            },
            statistic: "share".into(),
            clustered: true,
            source: "network".into(),
            n_type: 4,
            n_all: 17,
            value_type: share_type,
            value_all: share_all,
            difference: share_type - share_all,
            text: Bilingual::default(),
        }
    }

    /// Seen on the types page: a type that is lower than the whole everywhere read
    /// "minder of minder vaak: …", starting with a lowercase letter.
    #[test]
    fn a_type_summary_starts_with_a_capital_in_either_direction() {
        let only_lower = summarise(&[row("Intervisie", 0.1, 0.6)], 5);
        assert!(
            only_lower
                .nl
                .starts_with("Minder of minder vaak dan het geheel: Intervisie"),
            "{}",
            only_lower.nl
        );
        assert!(
            only_lower.en.starts_with("Less or less often"),
            "{}",
            only_lower.en
        );
        let both = summarise(&[row("Agenda", 0.9, 0.5), row("Intervisie", 0.1, 0.6)], 5);
        assert_eq!(both.nl.matches(". ").count(), 1, "{}", both.nl);
        assert!(
            both.nl.starts_with("Meer of vaker dan het geheel: Agenda"),
            "{}",
            both.nl
        );
        assert!(both.nl.contains(". Minder of minder vaak"), "{}", both.nl);
        assert!(
            both.nl.ends_with('.') && !both.nl.ends_with(".."),
            "{}",
            both.nl
        );
    }
}
