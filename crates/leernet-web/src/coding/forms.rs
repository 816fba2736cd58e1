//! The coding pages' posted forms, as typed structs of text fields, each turned into what
//! the store takes by a `TryFrom` that names, as a catalogue key, why a value cannot be one
//! (shown on the page in the visitor's language; nothing is stored).

use super::MAX_NOTE;
use leernet_core::{Bilingual, CodeId, Colour, PersonId};
use leernet_store::CodeFields;
use serde::Deserialize;

/// Why a coding form was refused before anything was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRefusal {
    /// A text longer than [`MAX_NOTE`]: no page posts one (400).
    TooLong,
    /// Shown on the page with this catalogue key (422).
    Message(&'static str),
}

fn too_long(s: &str) -> bool {
    s.chars().count() > MAX_NOTE
}

/// A form with nothing but its CSRF token (delete, finish, move).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfOnly {
    pub csrf_token: Option<String>,
}

/// `POST …/answers/{pos}/codings`: a code on a span, or on the whole answer (`whole`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodingForm {
    pub csrf_token: Option<String>,
    pub code: String,
    pub memo: String,
    /// Present when the whole answer is coded.
    pub whole: Option<String>,
    /// Offsets in code points.
    pub start: String,
    pub end: String,
    /// Present when the answer (its one unit) is coded whole, as `whole`.
    pub turn: Option<String>,
    /// Present when the selection becomes a new code (in vivo).
    pub invivo: Option<String>,
}

/// What a [`CodingForm`] codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// The whole answer (its length is the store's to know).
    Whole,
    /// `start..end` in code points.
    Span(usize, usize),
}

/// A coding as posted, from a [`CodingForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCoding {
    pub code: CodeId,
    pub memo: String,
    pub extent: Extent,
}

impl TryFrom<&CodingForm> for NewCoding {
    type Error = FormRefusal;
    fn try_from(f: &CodingForm) -> Result<NewCoding, FormRefusal> {
        // an in-vivo coding makes its code; any other names one
        let code = if f.invivo.is_some() {
            CodeId(0)
        } else {
            f.code
                .trim()
                .parse::<i64>()
                .map(CodeId)
                .map_err(|_| FormRefusal::Message("coding_ui.err_unknown_code"))?
        };
        let memo = f.memo.trim();
        if too_long(memo) {
            return Err(FormRefusal::TooLong);
        }
        let extent = if f.whole.is_some() || f.turn.is_some() {
            Extent::Whole
        } else {
            match (f.start.trim().parse(), f.end.trim().parse()) {
                (Ok(s), Ok(e)) => Extent::Span(s, e),
                _ => return Err(FormRefusal::Message("coding_ui.err_offsets")),
            }
        };
        Ok(NewCoding {
            code,
            memo: memo.to_owned(),
            extent,
        })
    }
}

/// `POST /coding/assignments`: a new assignment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignmentForm {
    pub csrf_token: Option<String>,
    pub name: String,
    pub question: String,
    pub codebook: String,
    /// A wave's id, or empty for every wave.
    pub wave: String,
    /// The coders' person ids (a checkbox each).
    pub coder: Vec<String>,
}

/// An assignment as posted, from an [`AssignmentForm`] (the handler checks that the coders
/// are researchers and the codebook and wave exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignmentForm {
    pub name: String,
    pub question: String,
    pub codebook: Option<i64>,
    pub wave: Option<i64>,
    pub coders: Vec<PersonId>,
}

impl TryFrom<&AssignmentForm> for NewAssignmentForm {
    type Error = FormRefusal;
    fn try_from(f: &AssignmentForm) -> Result<NewAssignmentForm, FormRefusal> {
        let coders = f
            .coder
            .iter()
            .map(|c| c.parse::<i64>().map(PersonId))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| FormRefusal::Message("coding_ui.err_coders"))?;
        Ok(NewAssignmentForm {
            name: f.name.trim().to_owned(),
            question: f.question.trim().to_owned(),
            codebook: f.codebook.parse().ok(),
            wave: Some(f.wave.as_str())
                .filter(|s| !s.is_empty())
                .and_then(|s| s.parse().ok()),
            coders,
        })
    }
}

/// `POST /coding/codebooks/{id}/codes` and `…/codes/{code}`: a code's texts and colour, and
/// (adding) its key and parent, with the reason for the log.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    pub csrf_token: Option<String>,
    pub key: String,
    /// A code id, or empty for a top-level code.
    pub parent: String,
    pub name_nl: String,
    pub name_en: String,
    pub description_nl: String,
    pub description_en: String,
    pub inclusion_nl: String,
    pub inclusion_en: String,
    pub exclusion_nl: String,
    pub exclusion_en: String,
    pub examples_nl: String,
    pub examples_en: String,
    pub colour: String,
    pub why: String,
}

impl CodeForm {
    /// Whether a text is longer than a code needs (no page posts one).
    pub fn too_long(&self) -> bool {
        [
            &self.key,
            &self.parent,
            &self.name_nl,
            &self.name_en,
            &self.description_nl,
            &self.description_en,
            &self.inclusion_nl,
            &self.inclusion_en,
            &self.exclusion_nl,
            &self.exclusion_en,
            &self.examples_nl,
            &self.examples_en,
            &self.colour,
            &self.why,
        ]
        .iter()
        .any(|s| too_long(s))
    }

    /// The new code's key when it has the shape of one (letters, digits, `.`, `_`, `-`).
    pub fn key(&self) -> Result<&str, FormRefusal> {
        let key = self.key.trim();
        let ok = !key.is_empty()
            && key.chars().count() <= 100
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(key)
        } else {
            Err(FormRefusal::Message("coding_ui.err_key"))
        }
    }

    /// The parent code's id, when one is given (the handler checks it is of the codebook).
    pub fn parent(&self) -> Result<Option<CodeId>, FormRefusal> {
        match self.parent.as_str() {
            "" => Ok(None),
            p => p
                .parse()
                .map(|n| Some(CodeId(n)))
                .map_err(|_| FormRefusal::Message("coding_ui.err_unknown_code")),
        }
    }
}

fn both(nl: &str, en: &str) -> Bilingual {
    Bilingual {
        nl: nl.trim().to_owned(),
        en: en.trim().to_owned(),
    }
}

impl TryFrom<&CodeForm> for CodeFields {
    type Error = FormRefusal;
    /// The texts and colour; an empty colour is none, another not `#RRGGBB` is refused.
    fn try_from(f: &CodeForm) -> Result<CodeFields, FormRefusal> {
        let colour = match f.colour.trim() {
            "" => None,
            c => Some(
                Colour::parse(c).map_err(|_| FormRefusal::Message("codebook_fields.err_colour"))?,
            ),
        };
        Ok(CodeFields {
            name: both(&f.name_nl, &f.name_en),
            description: both(&f.description_nl, &f.description_en),
            inclusion: both(&f.inclusion_nl, &f.inclusion_en),
            exclusion: both(&f.exclusion_nl, &f.exclusion_en),
            examples: both(&f.examples_nl, &f.examples_en),
            colour,
        })
    }
}

/// `POST …/answers/{pos}/consensus`: the codings the lead takes (`take`, coding ids) and why.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettleForm {
    pub csrf_token: Option<String>,
    pub why: String,
    pub take: Vec<String>,
}

/// A settlement as posted, from a [`SettleForm`] (the handler finds the codings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub why: String,
    pub take: Vec<i64>,
}

impl TryFrom<&SettleForm> for Settlement {
    type Error = FormRefusal;
    fn try_from(f: &SettleForm) -> Result<Settlement, FormRefusal> {
        let why = f.why.trim();
        if too_long(why) {
            return Err(FormRefusal::TooLong);
        }
        let take = f
            .take
            .iter()
            .map(|t| t.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| FormRefusal::Message("coding_ui.err_no_coding"))?;
        Ok(Settlement {
            why: why.to_owned(),
            take,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(body: &str) -> T {
        serde_html_form::from_str(body).unwrap()
    }

    #[test]
    fn forms_become_values_or_say_why_not() {
        let c: CodingForm = parse("csrf_token=x&code=4&start=2&end=9&memo=+m+");
        assert_eq!(
            NewCoding::try_from(&c).unwrap(),
            NewCoding {
                code: CodeId(4),
                memo: "m".into(),
                extent: Extent::Span(2, 9)
            }
        );
        let c: CodingForm = parse("code=4&whole=1");
        assert_eq!(NewCoding::try_from(&c).unwrap().extent, Extent::Whole);
        let c: CodingForm = parse("code=x&start=1&end=2");
        assert_eq!(
            NewCoding::try_from(&c),
            Err(FormRefusal::Message("coding_ui.err_unknown_code"))
        );
        let c: CodingForm = parse("code=4&start=-1&end=2");
        assert_eq!(
            NewCoding::try_from(&c),
            Err(FormRefusal::Message("coding_ui.err_offsets"))
        );
        let a: AssignmentForm = parse("name=n&codebook=2&wave=&coder=3&coder=5");
        let a = NewAssignmentForm::try_from(&a).unwrap();
        assert_eq!((a.codebook, a.wave), (Some(2), None));
        assert_eq!(a.coders, [PersonId(3), PersonId(5)]);
        let a: AssignmentForm = parse("coder=me");
        assert_eq!(
            NewAssignmentForm::try_from(&a),
            Err(FormRefusal::Message("coding_ui.err_coders"))
        );
        let k: CodeForm = parse("key=a+b&colour=red");
        assert_eq!(k.key(), Err(FormRefusal::Message("coding_ui.err_key")));
        assert_eq!(
            CodeFields::try_from(&k).map(|_| ()),
            Err(FormRefusal::Message("codebook_fields.err_colour"))
        );
        let s: SettleForm = parse("why=w&take=3&take=x");
        assert_eq!(
            Settlement::try_from(&s),
            Err(FormRefusal::Message("coding_ui.err_no_coding"))
        );
        let long = format!("why={}", "a".repeat(MAX_NOTE + 1));
        let s: SettleForm = parse(&long);
        assert_eq!(Settlement::try_from(&s), Err(FormRefusal::TooLong));
    }
}
