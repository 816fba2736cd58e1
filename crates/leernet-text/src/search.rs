//! Full-text search over open answers and session notes, with Dutch (and English) stemming,
//! filtered by wave, network, question and code. Built on tantivy, in memory: the caller
//! builds the index from what the store holds and keeps it as long as it likes.
//!
//! Every text is indexed twice, once through the Dutch and once through the English
//! Snowball stemmer. A query word matches a text word with the same stem in either language;
//! a Dutch query stem of at least [`crate::stem::MIN_COMPOUND_STEM`] letters also matches
//! compounds that contain it (*samenwerking* finds *samenwerkingsvraagstukken* and
//! *buurtsamenwerking*), as the auto-coder does. All query words must match.

use crate::stem::MIN_COMPOUND_STEM;
use crate::TextError;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

/// One text to index: an open answer or a session note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// The caller's id for the text (hits name it).
    pub id: u64,
    pub wave: String,
    pub network: String,
    pub question: String,
    /// Keys of the codes applied to this text.
    pub codes: Vec<String>,
    pub text: String,
}

/// A query: words, and filters that must all hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub wave: Option<String>,
    pub network: Option<String>,
    pub question: Option<String>,
    pub code: Option<String>,
    /// At most this many hits (0 means 100).
    pub limit: usize,
}

/// A hit: the text's id and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchHit {
    pub id: u64,
    pub score: f32,
}

struct Fields {
    id: Field,
    wave: Field,
    network: Field,
    question: Field,
    code: Field,
    text_nl: Field,
    text_en: Field,
}

/// An in-memory search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    f: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

fn err(e: impl std::fmt::Display) -> TextError {
    TextError::Search(e.to_string())
}

fn analyzer(lang: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(Stemmer::new(lang))
        .build()
}

impl SearchIndex {
    /// Indexes `docs`.
    pub fn build(docs: &[SearchDoc]) -> Result<SearchIndex, TextError> {
        let mut sb = Schema::builder();
        let text = |tok: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tok)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let f = Fields {
            id: sb.add_u64_field("id", STORED | FAST | INDEXED),
            wave: sb.add_text_field("wave", STRING),
            network: sb.add_text_field("network", STRING),
            question: sb.add_text_field("question", STRING),
            code: sb.add_text_field("code", STRING),
            text_nl: sb.add_text_field("text_nl", text("leernet_nl")),
            text_en: sb.add_text_field("text_en", text("leernet_en")),
        };
        let index = Index::create_in_ram(sb.build());
        index
            .tokenizers()
            .register("leernet_nl", analyzer(Language::Dutch));
        index
            .tokenizers()
            .register("leernet_en", analyzer(Language::English));
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .map_err(err)?;
        for d in docs {
            let mut doc = TantivyDocument::new();
            doc.add_u64(f.id, d.id);
            doc.add_text(f.wave, &d.wave);
            doc.add_text(f.network, &d.network);
            doc.add_text(f.question, &d.question);
            for c in &d.codes {
                doc.add_text(f.code, c);
            }
            doc.add_text(f.text_nl, &d.text);
            doc.add_text(f.text_en, &d.text);
            writer.add_document(doc).map_err(err)?;
        }
        writer.commit().map_err(err)?;
        let reader = index.reader().map_err(err)?;
        reader.reload().map_err(err)?;
        Ok(SearchIndex { index, reader, f })
    }

    fn terms(&self, tok: &str, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(mut a) = self.index.tokenizers().get(tok) {
            let mut ts = a.token_stream(text);
            while ts.advance() {
                out.push(ts.token().text.clone());
            }
        }
        out
    }

    /// The texts that match, best first (ties by id). An empty query text with filters
    /// lists every text that passes the filters.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>, TextError> {
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let nl = self.terms("leernet_nl", &q.text);
        let en = self.terms("leernet_en", &q.text);
        for (i, nl_term) in nl.iter().enumerate() {
            let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.f.text_nl, nl_term),
                    IndexRecordOption::WithFreqs,
                )),
            )];
            if let Some(en_term) = en.get(i) {
                any.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.f.text_en, en_term),
                        IndexRecordOption::WithFreqs,
                    )),
                ));
            }
            if nl_term.chars().count() >= MIN_COMPOUND_STEM
                && nl_term.chars().all(char::is_alphanumeric)
            {
                let pattern = format!(".*{nl_term}.*");
                any.push((
                    Occur::Should,
                    Box::new(RegexQuery::from_pattern(&pattern, self.f.text_nl).map_err(err)?),
                ));
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        for (field, value) in [
            (self.f.wave, &q.wave),
            (self.f.network, &q.network),
            (self.f.question, &q.question),
            (self.f.code, &q.code),
        ] {
            if let Some(v) = value {
                must.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, v),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        if must.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let limit = if q.limit == 0 { 100 } else { q.limit };
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit))
            .map_err(err)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            let id = doc
                .get_first(self.f.id)
                .and_then(|v| v.as_u64())
                .ok_or_else(|| err("a document without id"))?;
            hits.push(SearchHit { id, score });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: u64, network: &str, question: &str, codes: &[&str], text: &str) -> SearchDoc {
        SearchDoc {
            id,
            wave: "2026".into(),
            network: network.into(),
            question: question.into(),
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            text: text.into(),
        }
    }

    fn ids(idx: &SearchIndex, q: SearchQuery) -> Vec<u64> {
        let mut v: Vec<u64> = idx.search(&q).unwrap().iter().map(|h| h.id).collect();
        v.sort();
        v
    }

    #[test]
    fn dutch_stemming_compounds_and_filters() {
        let idx = SearchIndex::build(&[
            doc(
                1,
                "havenmond",
                "themes_other",
                &["theme.collaboration"],
                "Samenwerkingsvraagstukken tussen wijkteam en huisarts.",
            ),
            doc(
                2,
                "lindewaard",
                "learned",
                &[],
                "We samenwerken beter dan vroeger.",
            ),
            doc(
                3,
                "lindewaard",
                "learned",
                &["theme.integrated_care_welfare"],
                "Een integrale aanpak van zorg en welzijn.",
            ),
            doc(
                4,
                "havenmond",
                "tips",
                &[],
                "Buurtsamenwerking loont. Better collaboration.",
            ),
            doc(5, "havenmond", "tips", &[], "Niets over dit onderwerp."),
        ])
        .unwrap();
        let q = |text: &str| SearchQuery {
            text: text.into(),
            ..Default::default()
        };
        assert_eq!(ids(&idx, q("samenwerking")), vec![1, 2, 4]);
        assert_eq!(ids(&idx, q("integraal")), vec![3]);
        assert_eq!(ids(&idx, q("collaborating")), vec![4]);
        assert_eq!(ids(&idx, q("integrale zorg")), vec![3]);
        assert_eq!(
            ids(
                &idx,
                SearchQuery {
                    network: Some("havenmond".into()),
                    ..q("samenwerking")
                }
            ),
            vec![1, 4]
        );
        assert_eq!(
            ids(
                &idx,
                SearchQuery {
                    question: Some("learned".into()),
                    ..q("samenwerking")
                }
            ),
            vec![2]
        );
        assert_eq!(
            ids(
                &idx,
                SearchQuery {
                    code: Some("theme.collaboration".into()),
                    ..q("")
                }
            ),
            vec![1]
        );
        assert_eq!(
            ids(
                &idx,
                SearchQuery {
                    wave: Some("2025".into()),
                    ..q("samenwerking")
                }
            ),
            Vec::<u64>::new()
        );
        assert!(ids(&idx, q("")).is_empty());
    }
}
