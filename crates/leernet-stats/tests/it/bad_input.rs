//! Bad input gets an error, never a panic or an unexplained NaN: one-value columns, all
//! missing, fewer rows than clusters, NaN/inf, empty data, k larger than n.

use leernet_stats::agreement::*;
use leernet_stats::cluster::*;
use leernet_stats::descriptives::*;
use leernet_stats::gower::*;
use leernet_stats::lca::*;
use leernet_stats::partition::*;
use leernet_stats::reliability::*;

#[test]
fn empty_inputs_are_errors() {
    assert!(gower(&[]).is_err());
    assert!(quantiles(&[], &[0.5]).is_err());
    assert!(wilson_ci(0, 0, 0.95).is_err());
    assert!(chi_square(&[], true).is_err());
    assert!(percent_agreement(&[]).is_err());
    assert!(fleiss_kappa(&[]).is_err());
    assert!(krippendorff_alpha_nominal(&[]).is_err());
    assert!(cohen_kappa(&[], &[]).is_err());
    assert!(cronbach_alpha(&[]).is_err());
    assert!(lca(&[], &LcaOptions::default()).is_err());
    assert!(kprototypes(&[], &[], &KPrototypesOptions::default()).is_err());
    let d0 = CondensedMatrix::<f64>::new(0, vec![]).unwrap();
    assert!(linkage(&d0, Linkage::Average).is_err());
    assert!(pam(&d0, 1).is_err());
    let s = describe_numeric(&[None, None]).unwrap();
    assert_eq!((s.n, s.missing, s.mean), (0, 2, None));
    let s = describe_nominal::<&str>(&[None]).unwrap();
    assert_eq!((s.n, s.categories.len()), (0, 0));
}

#[test]
fn non_finite_values_are_errors() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(describe_numeric(&[Some(1.0), Some(bad)]).is_err());
        assert!(gower(&[GowerColumn::Numeric(&[Some(1.0), Some(bad)])]).is_err());
        assert!(gower(&[GowerColumn::Ordinal(&[Some(bad), Some(1.0)])]).is_err());
        assert!(CondensedMatrix::new(2, vec![bad]).is_err());
        assert!(cronbach_alpha(&[vec![Some(1.0), Some(bad)], vec![Some(2.0), Some(1.0)]]).is_err());
        let opts = KPrototypesOptions {
            k: 1,
            ..Default::default()
        };
        assert!(kprototypes(&[vec![Some(bad), Some(1.0)]], &[], &opts).is_err());
    }
    assert!(CondensedMatrix::new(2, vec![-1.0]).is_err());
    assert!(CondensedMatrix::new(3, vec![1.0]).is_err());
}

#[test]
fn k_outside_one_to_n_is_an_error() {
    let d = CondensedMatrix::new(3, vec![1.0, 2.0, 3.0]).unwrap();
    let z = linkage(&d, Linkage::Ward).unwrap();
    assert!(cut_tree_maxclust(&z, 0).is_err());
    assert!(cut_tree_maxclust(&z, 4).is_err());
    assert!(pam(&d, 0).is_err());
    assert!(pam(&d, 4).is_err());
    let num = vec![vec![Some(1.0), Some(2.0)]];
    for k in [0, 3] {
        let o = KPrototypesOptions {
            k,
            ..Default::default()
        };
        assert!(kprototypes(&num, &[], &o).is_err());
        let o = LcaOptions {
            classes: k,
            starts: 1,
            ..Default::default()
        };
        assert!(lca(&[vec![Some(0), Some(1)]], &o).is_err());
    }
}

#[test]
fn degenerate_data_are_explained() {
    // One value only: Gower distance 0, silhouette undefined, agreement undefined.
    let c = [Some(4.0); 4];
    let d = gower(&[GowerColumn::Numeric(&c)]).unwrap();
    assert!(d.as_slice().iter().all(|&x| x == 0.0));
    let z = linkage(&d, Linkage::Average).unwrap();
    let labels = cut_tree_maxclust(&z, 2).unwrap();
    // All heights tie at 0: scipy's maxclust gives one cluster; the silhouette is then
    // undefined and says so.
    assert_eq!(labels, vec![1, 1, 1, 1]);
    assert!(silhouette(&d, &labels).is_err());
    let units = vec![vec![Some(1), Some(1)]; 3];
    assert!(cohen_kappa_units(&units).is_err());
    assert!(fleiss_kappa(&units).is_err());
    assert!(krippendorff_alpha_nominal(&units).is_err());
    assert_eq!(percent_agreement(&units).unwrap(), 1.0);
    // Constant items: alpha is 0/0.
    let rows = vec![vec![Some(3.0), Some(3.0)]; 5];
    assert!(cronbach_alpha(&rows).is_err());
    // A one-category LCA item is fine (probability 1).
    let m = lca(
        &[
            vec![Some(0); 5],
            vec![Some(0), Some(1), Some(0), Some(1), Some(1)],
        ],
        &LcaOptions {
            classes: 2,
            starts: 2,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(m.loglik.is_finite() && m.bic.is_finite());
    // Rows without any shared column have no Gower distance.
    let a = [Some(1.0), None];
    let b = [None, Some(2.0)];
    let e = gower(&[GowerColumn::Numeric(&a), GowerColumn::Numeric(&b)]).unwrap_err();
    assert!(e.to_string().contains("rows 0 and 1"));
    // A zero-margin cross-table.
    assert!(chi_square(&[vec![1, 0], vec![2, 0]], true).is_err());
    let f = fisher_exact([[0, 0], [1, 2]]);
    assert_eq!((f.odds_ratio, f.p_value), (None, 1.0));
}

/// A matrix beyond the limit is refused with a clear error before anything is
/// allocated or computed: 50,000 rows would need 5.0 GB in f32 (4 GiB allowed) and
/// 10.0 GB in f64; computing them would take minutes, so this test returning at once
/// shows the check comes first.
#[test]
fn too_large_a_matrix_is_refused_before_allocating() {
    let n = 50_000;
    let x: Vec<Option<f64>> = (0..n).map(|i| Some(i as f64)).collect();
    let cols = [GowerColumn::Numeric(&x)];
    let started = std::time::Instant::now();
    let e = gower_f32(&cols).unwrap_err();
    assert_eq!(
        e,
        leernet_stats::StatsError::TooLarge {
            what: "a Gower distance matrix".into(),
            rows: n,
            bytes: 4_999_900_000,
            limit: 4 << 30,
        }
    );
    assert_eq!(
        e.to_string(),
        "a Gower distance matrix of 50000 rows would need 4999900000 bytes, more than the limit of 4294967296 bytes"
    );
    assert!(matches!(
        gower(&cols),
        Err(leernet_stats::StatsError::TooLarge {
            bytes: 9_999_800_000,
            ..
        })
    ));
    for precision in [WorkingPrecision::Exact, WorkingPrecision::F32] {
        assert!(matches!(
            gower_clustering(&cols, Linkage::Average, 2, precision, MATRIX_LIMIT_BYTES),
            Err(leernet_stats::StatsError::TooLarge { rows: 50_000, .. })
        ));
    }
    // A limit of one's own: 1,000 rows need 499,500 × 4 bytes.
    let y: Vec<Option<f64>> = (0..1000).map(|i| Some(i as f64)).collect();
    let cols = [GowerColumn::Numeric(&y)];
    assert!(gower_within::<f32>(&cols, 1_998_000).is_ok());
    assert!(matches!(
        gower_within::<f32>(&cols, 1_997_999),
        Err(leernet_stats::StatsError::TooLarge {
            bytes: 1_998_000,
            limit: 1_997_999,
            ..
        })
    ));
    // Sizes whose product wraps a 64-bit count are refused too, never wrapped.
    assert!(matches!(
        condensed_len_within::<f64>(usize::MAX, MATRIX_LIMIT_BYTES, "m"),
        Err(leernet_stats::StatsError::TooLarge { .. })
    ));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
