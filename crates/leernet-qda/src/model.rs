//! The neutral model of a REFI-QDA project, between the XML and leernet's domain.
//! Positions are code points, half-open, whatever the file counted in.

/// A coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaUser {
    pub guid: String,
    pub name: String,
    /// The `id` attribute (leernet writes the coder's e-mail address there).
    pub id: Option<String>,
}

/// A code. `parent` is the GUID of the code it is nested in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaCode {
    pub guid: String,
    pub name: String,
    pub description: String,
    /// `#rrggbb`, lowercase.
    pub color: Option<String>,
    pub codable: bool,
    pub parent: Option<String>,
}

/// A coding of a selection: a code by a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaCoding {
    pub guid: String,
    pub code: String,
    pub user: Option<String>,
}

/// A span of a text source with its codings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaSelection {
    pub guid: String,
    pub name: Option<String>,
    /// Code points, half-open.
    pub start: usize,
    pub end: usize,
    /// The selection's `Description` (leernet: the coding's memo).
    pub description: String,
    pub codings: Vec<QdaCoding>,
}

/// A text source (one open answer, when leernet wrote it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaSource {
    pub guid: String,
    pub name: String,
    /// The plain text, without BOM.
    pub text: String,
    /// Variable name to value (text).
    pub variables: Vec<(String, String)>,
    pub selections: Vec<QdaSelection>,
}

/// A note (memo): on the project, or attached to a code or a text source by a `NoteRef`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaNote {
    pub guid: String,
    pub name: String,
    pub text: String,
    /// The `User` who wrote it.
    pub user: Option<String>,
    /// The code it is attached to.
    pub code: Option<String>,
    /// The text source it is attached to.
    pub source: Option<String>,
}

/// The type of a variable (REFI-QDA `typeOfVariable`); it names the element its values
/// are written in (`TextValue`, `IntegerValue`, …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum VariableKind {
    #[default]
    Text,
    Boolean,
    Integer,
    Float,
    Date,
    DateTime,
}

impl VariableKind {
    /// Every kind, in the standard's order.
    pub const ALL: [VariableKind; 6] = [
        VariableKind::Text,
        VariableKind::Boolean,
        VariableKind::Integer,
        VariableKind::Float,
        VariableKind::Date,
        VariableKind::DateTime,
    ];

    /// The `typeOfVariable` value.
    pub fn as_str(self) -> &'static str {
        match self {
            VariableKind::Text => "Text",
            VariableKind::Boolean => "Boolean",
            VariableKind::Integer => "Integer",
            VariableKind::Float => "Float",
            VariableKind::Date => "Date",
            VariableKind::DateTime => "DateTime",
        }
    }

    /// A `typeOfVariable` value (surrounding white space and case ignored).
    pub fn parse(s: &str) -> Option<VariableKind> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether `value` is a valid value of this kind as the XSD types it (`xs:boolean`,
    /// `xs:integer`, `xs:decimal`, `xs:date`, `xs:dateTime`; any text for `Text`).
    pub fn accepts(self, value: &str) -> bool {
        let v = value.trim();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let signed = |s: &str| digits(s.strip_prefix(['+', '-']).unwrap_or(s));
        let date = |s: &str| {
            let b = s.as_bytes();
            if !(b.len() == 10 && b[4] == b'-' && b[7] == b'-') {
                return false;
            }
            if !(digits(&s[..4]) && digits(&s[5..7]) && digits(&s[8..10])) {
                return false;
            }
            let (y, m, d): (u32, u32, u32) = (
                s[..4].parse().unwrap_or(0),
                s[5..7].parse().unwrap_or(0),
                s[8..10].parse().unwrap_or(0),
            );
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let days = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => 0,
            };
            y > 0 && (1..=days).contains(&d)
        };
        // hh:mm:ss, an optional fraction, and an optional zone (Z or +hh:mm).
        let time = |s: &str| {
            let b = s.as_bytes();
            if b.len() < 8 || b[2] != b':' || b[5] != b':' {
                return false;
            }
            let two = |x: &str, max: u32| digits(x) && x.parse::<u32>().is_ok_and(|n| n <= max);
            if !(two(&s[..2], 23) && two(&s[3..5], 59) && two(&s[6..8], 59)) {
                return false;
            }
            let mut rest = &s[8..];
            if let Some(f) = rest.strip_prefix('.') {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                if n == 0 {
                    return false;
                }
                rest = &f[n..];
            }
            match rest {
                "" | "Z" => true,
                z => {
                    let zb = z.as_bytes();
                    zb.len() == 6
                        && (zb[0] == b'+' || zb[0] == b'-')
                        && zb[3] == b':'
                        && two(&z[1..3], 14)
                        && two(&z[4..6], 59)
                }
            }
        };
        match self {
            VariableKind::Text => true,
            VariableKind::Boolean => matches!(v, "true" | "false" | "1" | "0"),
            VariableKind::Integer => signed(v),
            VariableKind::Float => {
                let u = v.strip_prefix(['+', '-']).unwrap_or(v);
                match u.split_once('.') {
                    Some((a, b)) => {
                        (a.is_empty() || digits(a))
                            && (b.is_empty() || digits(b))
                            && !(a.is_empty() && b.is_empty())
                    }
                    None => digits(u),
                }
            }
            VariableKind::Date => v.is_ascii() && date(v),
            VariableKind::DateTime => {
                v.is_ascii()
                    && v.len() > 11
                    && date(&v[..10])
                    && v.as_bytes()[10] == b'T'
                    && time(&v[11..])
            }
        }
    }
}

/// A variable of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaVariable {
    pub name: String,
    pub kind: VariableKind,
    pub description: String,
}

impl QdaVariable {
    /// A text variable without description.
    pub fn text(name: impl Into<String>) -> QdaVariable {
        QdaVariable {
            name: name.into(),
            kind: VariableKind::Text,
            description: String::new(),
        }
    }
}

/// A case: a unit of analysis that sources belong to, with values of the project's
/// variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaCase {
    pub guid: String,
    pub name: String,
    pub description: String,
    /// Variable name to value (as written).
    pub variables: Vec<(String, String)>,
    /// GUIDs of the sources that belong to it.
    pub sources: Vec<String>,
}

/// A whole project (a codebook file reads into one without users or sources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QdaProject {
    pub name: String,
    pub origin: Option<String>,
    pub users: Vec<QdaUser>,
    /// Parents before children, in document order.
    pub codes: Vec<QdaCode>,
    /// Variables in order of first definition (one per name).
    pub variables: Vec<QdaVariable>,
    /// Cases, in document order.
    pub cases: Vec<QdaCase>,
    pub sources: Vec<QdaSource>,
    /// Notes (memos), in document order.
    pub notes: Vec<QdaNote>,
}
