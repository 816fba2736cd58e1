//! `GET /admin/audit`: the audit log for researchers — who exported, erased or pseudonymised
//! personal data, changed a role, set or applied a retention date, opened or closed a wave,
//! sent invitation e-mails, imported or exported responses, settled a coding consensus or
//! changed a codebook, and when (newest first).
//!
//! Why a page: the researcher answers for what happened to respondents' data and should not
//! need a terminal on the server to see it. Researchers only (the log names accounts); it
//! holds ids and counts, never answers.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::response::Response;
use leernet_core::Role;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The translation key of a stored action, when there is one.
fn action_key(action: &str) -> Option<String> {
    leernet_store::Action::ALL
        .iter()
        .any(|a| a.as_str() == action)
        .then(|| format!("audit.action_{}", action.replace('.', "_")))
}

/// Keys of an entry's detail whose value is a yes or no (`1`/`0`).
const YES_NO_KEYS: [&str; 4] = ["named", "replaced", "resend", "wave_created"];

/// An audit entry's detail (`from=draft to=open`, `network=3 replaced=0`) in words: each
/// known key by its label (`audit.detail_KEY`), a known value (a status, a role) by its name
/// (`audit.value_VALUE`), a network or wave by its name, a date the way people write it, a yes
/// or no as a word. Parts that are not `key=value` stay as written (issue 18: the log showed
/// `from=draft to=open`).
fn readable_detail(
    detail: &str,
    t: &BTreeMap<String, String>,
    names: &BTreeMap<String, String>,
    lang: leernet_core::Lang,
) -> String {
    let word = |k: &str| t.get(k).cloned();
    detail
        .split_whitespace()
        .map(|part| {
            let Some((key, value)) = part.split_once('=') else {
                return part.to_owned();
            };
            let label =
                word(&format!("audit.detail_{key}")).unwrap_or_else(|| key.replace('_', " "));
            let yes_no = match value {
                "0" | "false" => Some("audit.value_no"),
                "1" | "true" => Some("audit.value_yes"),
                _ => None,
            };
            let shown = if let Some(k) = yes_no.filter(|_| YES_NO_KEYS.contains(&key)) {
                word(k).unwrap_or_else(|| value.to_owned())
            } else if matches!(key, "network" | "wave") {
                names
                    .get(&format!("{key}:{value}"))
                    .cloned()
                    .unwrap_or_else(|| value.to_owned())
            } else if let Some(w) = word(&format!("audit.value_{value}")) {
                w
            } else if value.len() == 10 && value.as_bytes().get(4) == Some(&b'-') {
                crate::lang::long_date_str(value, lang)
            } else {
                value.to_owned()
            };
            format!("{label}: {shown}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `GET /admin/audit`.
pub async fn list(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    v.require(&[Role::Researcher])?;
    let lang = v.lang.lang;
    let store = &state.store;
    let log = store.audit_log().await?;
    let names: BTreeMap<String, String> = store
        .persons()
        .await?
        .into_iter()
        .map(|p| (format!("person:{}", p.id.0), p.name))
        .collect();
    let waves: BTreeMap<String, String> = store
        .waves()
        .await?
        .into_iter()
        .map(|w| (format!("wave:{}", w.id.0), w.name))
        .collect();
    let mut things: BTreeMap<String, String> = store
        .networks()
        .await?
        .into_iter()
        .map(|n| (format!("network:{}", n.id.0), n.name))
        .collect();
    things.extend(waves.iter().map(|(k, v)| (k.clone(), v.clone())));
    let t = state.catalog.table(lang);
    let shown = |id: &str| match names.get(id).or_else(|| waves.get(id)) {
        // a person or wave by its name; the id only when the name is gone (issue 18)
        Some(n) => n.clone(),
        None => id.to_owned(),
    };
    let rows: Vec<_> = log
        .iter()
        .rev()
        .map(|e| {
            minijinja::context! {
                // in Europe/Amsterdam, the way people write it (issue 18)
                at => crate::lang::local_date_time(e.at, lang),
                actor => shown(&e.actor),
                action => e.action.clone(),
                action_key => action_key(&e.action),
                subject => shown(&e.subject.as_string()),
                detail => readable_detail(&e.detail, t, &things, lang),
            }
        })
        .collect();
    crate::page::render(
        &state,
        &v,
        "audit.html",
        minijinja::context! { entries => rows },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use leernet_core::Lang;

    fn table() -> BTreeMap<String, String> {
        [
            ("audit.detail_network", "netwerk"),
            ("audit.detail_replaced", "vervangt een eerdere reactie"),
            ("audit.detail_keep_until", "bewaren tot"),
            ("audit.detail_from", "van"),
            ("audit.detail_to", "naar"),
            ("audit.value_no", "nee"),
            ("audit.value_yes", "ja"),
            ("audit.value_draft", "concept"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn a_detail_reads_as_words_with_names_for_ids() {
        let names: BTreeMap<String, String> =
            [("network:1".to_owned(), "Netwerk Wijk A".to_owned())].into();
        let t = table();
        assert_eq!(
            readable_detail("network=1 replaced=0", &t, &names, Lang::Nl),
            "netwerk: Netwerk Wijk A · vervangt een eerdere reactie: nee"
        );
        assert_eq!(
            readable_detail("replaced=1 replaced=false", &t, &names, Lang::Nl),
            "vervangt een eerdere reactie: ja · vervangt een eerdere reactie: nee"
        );
        assert_eq!(
            readable_detail("from=draft to=open", &t, &names, Lang::Nl),
            "van: concept · naar: open"
        );
        assert_eq!(
            readable_detail("keep_until=2027-03-05", &t, &names, Lang::Nl),
            "bewaren tot: 5 maart 2027"
        );
        // what it does not know stays readable: a lone word as written, an unknown key
        // without its underscore, an unknown network by its number
        assert_eq!(
            readable_detail("handmatig network=9 some_key=3", &t, &names, Lang::Nl),
            "handmatig · netwerk: 9 · some key: 3"
        );
    }
}
