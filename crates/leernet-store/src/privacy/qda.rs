//! What other tools' projects bring (REFI-QDA cases and variables, issue 20) in a privacy
//! export and erase.
//!
//! A case of an imported `.qdpx` often is a person ("Anna de Vries", with her age and role).
//! A case *names* the person when its name mentions them by the rules of every free-text
//! mention (their full name of at least two words, their address, their pseudonym codes;
//! case-insensitive, whole words). The export holds such a case with its description, its
//! values and the titles of its sources, and counts the mentions in other cases'
//! descriptions and values and in values on documents (not their text). The erase removes such
//! a case with its values and its links to sources (the sources themselves follow the
//! document rules of `documents.rs`), and replaces mentions in other cases' descriptions and
//! in values on cases and documents by [`REMOVED`].

use super::*;

/// A case as stored: id, name, description.
async fn cases(conn: &mut sqlx::AnyConnection) -> Result<Vec<(i64, String, String)>> {
    sqlx::query("SELECT id, name, description FROM qda_cases ORDER BY id")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((get(r, "id")?, get(r, "name")?, get(r, "description")?)))
        .collect()
}

/// Whether a text mentions the person.
fn mentions(text: &str, ms: &[Mention]) -> usize {
    replace_mentions(text, ms).1.len()
}

pub(super) fn collect_qda_cases<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let ms = subject_mentions(s, "");
        let mut named = Vec::new();
        let mut mentioned = Vec::new();
        for (id, name, description) in cases(&mut conn).await? {
            let values = sqlx::query(
                "SELECT variable, value FROM qda_case_values WHERE case_id = $1 ORDER BY variable",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            if mentions(&name, &ms) > 0 {
                let mut vals = Map::new();
                for v in &values {
                    vals.insert(get(v, "variable")?, Value::String(get(v, "value")?));
                }
                let sources: Vec<String> = sqlx::query_scalar(
                    "SELECT d.title FROM qda_case_documents c JOIN documents d ON d.id = c.document_id \
                     WHERE c.case_id = $1 ORDER BY d.id",
                )
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
                let answers: Vec<Value> = sqlx::query(
                    "SELECT response_id, question FROM qda_case_answers WHERE case_id = $1 \
                     ORDER BY response_id, question",
                )
                .bind(id)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| {
                    Ok(json!({"response": get::<i64>(r, "response_id")?, "question": get::<String>(r, "question")?}))
                })
                .collect::<Result<_>>()?;
                named.push(json!({
                    "name": name, "description": description, "values": vals,
                    "sources": sources, "answers": answers,
                }));
                continue;
            }
            let mut n = mentions(&description, &ms);
            for v in &values {
                n += mentions(&get::<String>(v, "value")?, &ms);
            }
            if n > 0 {
                mentioned.push(json!({"case": name, "mentions": n}));
            }
        }
        let rows = sqlx::query(
            "SELECT v.document_id, d.title, v.value FROM qda_document_values v \
             JOIN documents d ON d.id = v.document_id ORDER BY v.document_id, v.variable",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut per_doc: BTreeMap<i64, (String, usize)> = BTreeMap::new();
        for r in &rows {
            let n = mentions(&get::<String>(r, "value")?, &ms);
            if n > 0 {
                let e = per_doc
                    .entry(get(r, "document_id")?)
                    .or_insert_with(|| (String::new(), 0));
                e.0 = get(r, "title")?;
                e.1 += n;
            }
        }
        for (_, (title, n)) in per_doc {
            mentioned.push(json!({"document": title, "mentions": n}));
        }
        Ok(json!({"cases": named, "mentioned_in": mentioned}))
    })
}

pub(super) fn erase_qda_cases<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let ms = subject_mentions(&p.subject, REMOVED);
        let mut removed = 0i64;
        let mut changed = 0i64;
        for (id, name, description) in cases(&mut *conn).await? {
            if mentions(&name, &ms) > 0 {
                for table in ["qda_case_values", "qda_case_documents", "qda_case_answers"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1"))
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                }
                sqlx::query("DELETE FROM qda_cases WHERE id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                removed += 1;
                continue;
            }
            let (new, edits) = replace_mentions(&description, &ms);
            if !edits.is_empty() {
                sqlx::query("UPDATE qda_cases SET description = $1 WHERE id = $2")
                    .bind(new)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                changed += 1;
            }
        }
        for (table, key) in [
            ("qda_case_values", "case_id"),
            ("qda_document_values", "document_id"),
        ] {
            let rows = sqlx::query(&format!(
                "SELECT {key} AS owner, variable, value FROM {table} ORDER BY {key}, variable"
            ))
            .fetch_all(&mut *conn)
            .await?;
            for r in &rows {
                let value: String = get(r, "value")?;
                let (new, edits) = replace_mentions(&value, &ms);
                if edits.is_empty() {
                    continue;
                }
                sqlx::query(&format!(
                    "UPDATE {table} SET value = $1 WHERE {key} = $2 AND variable = $3"
                ))
                .bind(new)
                .bind(get::<i64>(r, "owner")?)
                .bind(get::<String>(r, "variable")?)
                .execute(&mut *conn)
                .await?;
                changed += 1;
            }
        }
        Ok(vec![("cases_removed", removed), ("texts_changed", changed)])
    })
}
