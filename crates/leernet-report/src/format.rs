//! Number formatting for reports and pages: Dutch uses a decimal comma, English a point.
//! Registered as template filters: `pct(lang)`, `num(decimals, lang)`.

/// A share (0..1) as a percentage without decimals: `0.4118` → `41%`.
pub fn pct(share: f64, _lang: &str) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A number with `decimals` decimals, with the language's decimal separator.
pub fn num(x: f64, decimals: usize, lang: &str) -> String {
    let s = format!("{x:.decimals$}");
    // -0.00 and friends read as 0.
    let s = if s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_owned()
    } else {
        s
    };
    if lang == "nl" {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Adds the filters to a template environment.
pub fn register(env: &mut minijinja::Environment<'static>) {
    env.add_filter("pct", |share: f64, lang: String| pct(share, &lang));
    env.add_filter(
        "num",
        |x: Option<f64>, decimals: usize, lang: String| match x {
            Some(x) if x.is_finite() => num(x, decimals, &lang),
            _ => "–".to_owned(),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_separators() {
        assert_eq!(num(0.8512, 2, "nl"), "0,85");
        assert_eq!(num(0.8512, 2, "en"), "0.85");
        assert_eq!(num(-0.0001, 2, "en"), "0.00");
        assert_eq!(pct(0.41176, "nl"), "41%");
        assert_eq!(pct(1.0, "en"), "100%");
    }
}
