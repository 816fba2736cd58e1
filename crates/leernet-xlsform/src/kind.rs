//! Question types: parsing the `type` column, with the aliases real forms use.

use serde::Serialize;

/// Metadata recorded by the client, not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Metadata {
    /// `start`: when the form was opened.
    Start,
    /// `end`: when it was last saved.
    End,
    /// `today`: the date it was opened.
    Today,
    /// `deviceid` (alias `imei`).
    DeviceId,
    /// `subscriberid` (deprecated, kept as a stored value).
    SubscriberId,
    /// `simserial` (deprecated).
    SimSerial,
    /// `username`.
    Username,
    /// `phonenumber` (alias `phone number`).
    PhoneNumber,
    /// `email`.
    Email,
    /// `audit`.
    Audit,
    /// `start-geopoint`.
    StartGeopoint,
}

/// Uploads and locations, stored as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Media {
    /// `image` (alias `photo`).
    Image,
    /// `audio`.
    Audio,
    /// `background-audio`.
    BackgroundAudio,
    /// `video`.
    Video,
    /// `file`.
    File,
    /// `barcode`.
    Barcode,
    /// `geopoint` (alias `gps`, `location`).
    Geopoint,
    /// `geotrace`.
    Geotrace,
    /// `geoshape`.
    Geoshape,
    /// `xml-external`, `csv-external`: attached files.
    External,
}

/// What kind of question a survey row is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Free text.
    Text,
    /// Whole number.
    Integer,
    /// Decimal number.
    Decimal,
    /// One choice from `list`; `or_other` adds the choice `other`.
    SelectOne {
        /// Choice list name.
        list: String,
        /// Legacy `or_other`: the extra choice `other`.
        or_other: bool,
    },
    /// Several choices (space-separated names) from `list`.
    SelectMultiple {
        /// Choice list name.
        list: String,
        /// Legacy `or_other`.
        or_other: bool,
    },
    /// One choice from a CSV/XML file uploaded beside the form.
    SelectOneFromFile {
        /// File name.
        file: String,
    },
    /// Several choices from a file uploaded beside the form.
    SelectMultipleFromFile {
        /// File name.
        file: String,
    },
    /// Order the choices of `list`.
    Rank {
        /// Choice list name.
        list: String,
    },
    /// A number on a scale.
    Range {
        /// Lowest value.
        start: f64,
        /// Highest value.
        end: f64,
        /// Step.
        step: f64,
    },
    /// Text shown, nothing asked.
    Note,
    /// `YYYY-MM-DD`.
    Date,
    /// `HH:MM:SS`.
    Time,
    /// ISO date-time.
    DateTime,
    /// A checkbox that stores `OK`.
    Acknowledge,
    /// A computed value.
    Calculate,
    /// A stored value that is not shown.
    Hidden,
    /// Recorded by the client.
    Metadata(Metadata),
    /// Upload or location.
    Media(Media),
}

impl QuestionKind {
    /// The choice list this question uses, if any.
    pub fn list(&self) -> Option<&str> {
        match self {
            QuestionKind::SelectOne { list, .. }
            | QuestionKind::SelectMultiple { list, .. }
            | QuestionKind::Rank { list } => Some(list),
            _ => None,
        }
    }

    /// Where the choices come from: the list name, or for `select_*_from_file` the file
    /// name (choices attached with [`crate::Form::attach_choices_csv`]).
    pub fn choice_source(&self) -> Option<&str> {
        match self {
            QuestionKind::SelectOneFromFile { file }
            | QuestionKind::SelectMultipleFromFile { file } => Some(file),
            other => other.list(),
        }
    }

    /// Whether a respondent answers it (not a note, calculation, hidden or metadata).
    pub fn is_answerable(&self) -> bool {
        !matches!(
            self,
            QuestionKind::Note
                | QuestionKind::Calculate
                | QuestionKind::Hidden
                | QuestionKind::Metadata(_)
        )
    }

    /// Whether the stored value is several space-separated choice names.
    pub fn is_multiple(&self) -> bool {
        matches!(
            self,
            QuestionKind::SelectMultiple { .. }
                | QuestionKind::SelectMultipleFromFile { .. }
                | QuestionKind::Rank { .. }
        )
    }
}

/// A parsed `type` cell.
#[derive(Debug, Clone, PartialEq)]
pub enum RowType {
    /// A question.
    Question(QuestionKind),
    /// `begin_group`.
    BeginGroup,
    /// `end_group`.
    EndGroup,
    /// `begin_repeat`.
    BeginRepeat,
    /// `end_repeat`.
    EndRepeat,
}

/// The `parameters` keys pyxform accepts per type (None: not checked).
pub fn accepted_parameters(kind: &QuestionKind) -> Option<&'static [&'static str]> {
    Some(match kind {
        QuestionKind::Text => &["rows"],
        QuestionKind::Media(Media::Image) => &["app", "max-pixels"],
        QuestionKind::Media(Media::Audio | Media::BackgroundAudio) => &["quality"],
        QuestionKind::Media(Media::Geopoint) => &[
            "allow-mock-accuracy",
            "capture-accuracy",
            "warning-accuracy",
        ],
        QuestionKind::Media(Media::Geotrace | Media::Geoshape) => {
            &["allow-mock-accuracy", "incremental"]
        }
        QuestionKind::SelectOne { .. }
        | QuestionKind::SelectMultiple { .. }
        | QuestionKind::Rank { .. } => &["randomize", "seed"],
        QuestionKind::SelectOneFromFile { .. } | QuestionKind::SelectMultipleFromFile { .. } => {
            &["label", "randomize", "seed", "value"]
        }
        QuestionKind::Range { .. } => &[
            "end",
            "placeholder",
            "start",
            "step",
            "tick_interval",
            "tick_labelset",
        ],
        _ => return None,
    })
}

/// Why a type cell was not understood.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeError {
    /// A select without its list name.
    MissingList(String),
    /// Not a type pyxform knows.
    Unknown(String),
}

/// Parses a `type` cell. Keywords are case-sensitive, as in pyxform (`dateTime` and
/// `datetime` both work, `Text` does not); list names are kept as written. `range`
/// parameters are filled in by the caller.
pub fn parse_type(cell: &str) -> Result<RowType, TypeError> {
    let words: Vec<&str> = cell.split_whitespace().collect();
    let joined = words.join(" ");
    let simple = match joined.as_str() {
        "text" | "string" | "q string" => Some(QuestionKind::Text),
        "integer" | "int" | "q int" => Some(QuestionKind::Integer),
        "decimal" | "q decimal" => Some(QuestionKind::Decimal),
        "note" => Some(QuestionKind::Note),
        "date" | "q date" => Some(QuestionKind::Date),
        "time" => Some(QuestionKind::Time),
        "datetime" | "dateTime" | "date time" | "date_time" => Some(QuestionKind::DateTime),
        "acknowledge" | "trigger" => Some(QuestionKind::Acknowledge),
        "calculate" | "calculation" => Some(QuestionKind::Calculate),
        "hidden" => Some(QuestionKind::Hidden),
        "range" => Some(QuestionKind::Range {
            start: 1.0,
            end: 10.0,
            step: 1.0,
        }),
        "start" | "start time" => Some(QuestionKind::Metadata(Metadata::Start)),
        "end" | "end time" => Some(QuestionKind::Metadata(Metadata::End)),
        "today" => Some(QuestionKind::Metadata(Metadata::Today)),
        "deviceid" | "imei" | "device id" | "uri:deviceid" => {
            Some(QuestionKind::Metadata(Metadata::DeviceId))
        }
        "subscriberid" | "subscriber id" | "uri:subscriberid" => {
            Some(QuestionKind::Metadata(Metadata::SubscriberId))
        }
        "simserial" | "sim id" | "uri:simserial" => {
            Some(QuestionKind::Metadata(Metadata::SimSerial))
        }
        "username" | "uri:username" => Some(QuestionKind::Metadata(Metadata::Username)),
        "phonenumber" | "phone number" | "uri:phonenumber" => {
            Some(QuestionKind::Metadata(Metadata::PhoneNumber))
        }
        "email" | "uri:email" => Some(QuestionKind::Metadata(Metadata::Email)),
        "audit" => Some(QuestionKind::Metadata(Metadata::Audit)),
        "start-geopoint" => Some(QuestionKind::Metadata(Metadata::StartGeopoint)),
        "image" | "photo" | "q image" => Some(QuestionKind::Media(Media::Image)),
        "audio" | "q audio" => Some(QuestionKind::Media(Media::Audio)),
        "background-audio" => Some(QuestionKind::Media(Media::BackgroundAudio)),
        "video" | "q video" => Some(QuestionKind::Media(Media::Video)),
        "file" => Some(QuestionKind::Media(Media::File)),
        "barcode" | "q barcode" => Some(QuestionKind::Media(Media::Barcode)),
        "geopoint" | "gps" | "location" | "q geopoint" | "q location" => {
            Some(QuestionKind::Media(Media::Geopoint))
        }
        "geotrace" => Some(QuestionKind::Media(Media::Geotrace)),
        "geoshape" => Some(QuestionKind::Media(Media::Geoshape)),
        "xml-external" | "csv-external" => Some(QuestionKind::Media(Media::External)),
        // pyxform's older names (its question type dictionary), still in real forms
        "add text prompt" => Some(QuestionKind::Text),
        "add integer prompt"
        | "percentage"
        | "number of days in last month"
        | "number of days in last six months"
        | "number of days in last year" => Some(QuestionKind::Integer),
        "add decimal prompt" => Some(QuestionKind::Decimal),
        "add date prompt" => Some(QuestionKind::Date),
        "add date time prompt" | "add dateTime prompt" | "q date time" | "q dateTime" => {
            Some(QuestionKind::DateTime)
        }
        "add note prompt" | "q note" => Some(QuestionKind::Note),
        "add acknowledge prompt" | "q acknowledge" => Some(QuestionKind::Acknowledge),
        "add calculate prompt" | "q calculate" => Some(QuestionKind::Calculate),
        "get start time" => Some(QuestionKind::Metadata(Metadata::Start)),
        "get end time" => Some(QuestionKind::Metadata(Metadata::End)),
        "get today" => Some(QuestionKind::Metadata(Metadata::Today)),
        "get device id" => Some(QuestionKind::Metadata(Metadata::DeviceId)),
        "get subscriber id" => Some(QuestionKind::Metadata(Metadata::SubscriberId)),
        "get sim id" => Some(QuestionKind::Metadata(Metadata::SimSerial)),
        "get phone number" => Some(QuestionKind::Metadata(Metadata::PhoneNumber)),
        "add image prompt" | "q picture" => Some(QuestionKind::Media(Media::Image)),
        "add audio prompt" => Some(QuestionKind::Media(Media::Audio)),
        "add video prompt" => Some(QuestionKind::Media(Media::Video)),
        "add file prompt" => Some(QuestionKind::Media(Media::File)),
        "add barcode prompt" => Some(QuestionKind::Media(Media::Barcode)),
        "add location prompt" => Some(QuestionKind::Media(Media::Geopoint)),
        "q geotrace" => Some(QuestionKind::Media(Media::Geotrace)),
        "q geoshape" => Some(QuestionKind::Media(Media::Geoshape)),
        // OpenMapKit's OSM question (a file of map features), with or without its tag list
        "osm" => Some(QuestionKind::Media(Media::File)),
        "begin group" | "begin_group" | "begin-group" => return Ok(RowType::BeginGroup),
        "end group" | "end_group" | "end-group" => return Ok(RowType::EndGroup),
        "begin repeat" | "begin_repeat" | "begin-repeat" | "begin looped group" => {
            return Ok(RowType::BeginRepeat)
        }
        "end repeat" | "end_repeat" | "end-repeat" | "end looped group" => {
            return Ok(RowType::EndRepeat)
        }
        _ => None,
    };
    if let Some(k) = simple {
        return Ok(RowType::Question(k));
    }
    if let ["osm", _tags] = words.as_slice() {
        return Ok(RowType::Question(QuestionKind::Media(Media::File)));
    }
    // selects: "<command> [from] LIST [or specify other|or_other|or other]"
    const COMMANDS: &[(&str, u8)] = &[
        ("select_one_from_file", 3),
        ("select_multiple_from_file", 4),
        ("select one from file", 3),
        ("select multiple from file", 4),
        ("select_one_external", 3),
        ("select_multiple_external", 4),
        ("select_one", 1),
        ("select_multiple", 2),
        ("select one", 1),
        ("select multiple", 2),
        ("select all that apply", 2),
        ("add select one prompt using", 1),
        ("add select multiple prompt using", 2),
        ("rank", 5),
    ];
    for (cmd, what) in COMMANDS {
        let n = cmd.split(' ').count();
        let head = words.iter().take(n).copied().collect::<Vec<_>>().join(" ");
        if head != *cmd || words.len() < n {
            continue;
        }
        let mut rest: Vec<&str> = words[n..].to_vec();
        if rest.first().is_some_and(|w| *w == "from") && *what <= 2 {
            rest.remove(0);
        }
        let mut or_other = false;
        let tail = rest.iter().skip(1).copied().collect::<Vec<_>>().join(" ");
        if rest.len() > 1 {
            if matches!(tail.as_str(), "or specify other" | "or_other" | "or other") {
                or_other = true;
            } else {
                return Err(TypeError::Unknown(joined));
            }
        }
        let Some(list) = rest.first().map(|s| s.to_string()) else {
            return Err(TypeError::MissingList(joined));
        };
        return Ok(RowType::Question(match what {
            1 => QuestionKind::SelectOne { list, or_other },
            2 => QuestionKind::SelectMultiple { list, or_other },
            3 => QuestionKind::SelectOneFromFile { file: list },
            4 => QuestionKind::SelectMultipleFromFile { file: list },
            _ => QuestionKind::Rank { list },
        }));
    }
    Err(TypeError::Unknown(joined))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> QuestionKind {
        match parse_type(s) {
            Ok(RowType::Question(k)) => k,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn aliases() {
        assert_eq!(q("string"), QuestionKind::Text);
        assert_eq!(q("int"), QuestionKind::Integer);
        assert_eq!(q("gps"), QuestionKind::Media(Media::Geopoint));
        assert_eq!(q("photo"), QuestionKind::Media(Media::Image));
        assert_eq!(
            q("phone number"),
            QuestionKind::Metadata(Metadata::PhoneNumber)
        );
        assert_eq!(q("imei"), QuestionKind::Metadata(Metadata::DeviceId));
        assert_eq!(q("dateTime"), QuestionKind::DateTime);
        assert_eq!(parse_type("begin group"), Ok(RowType::BeginGroup));
        assert_eq!(parse_type("end_repeat"), Ok(RowType::EndRepeat));
        // keywords are case-sensitive, as in pyxform
        assert!(matches!(parse_type("Text"), Err(TypeError::Unknown(_))));
        assert!(matches!(
            parse_type("Select_one yn"),
            Err(TypeError::Unknown(_))
        ));
    }

    #[test]
    fn selects() {
        assert_eq!(
            q("select one from sexes or specify other"),
            QuestionKind::SelectOne {
                list: "sexes".into(),
                or_other: true
            }
        );
        assert_eq!(
            q("select all that apply from Fruits"),
            QuestionKind::SelectMultiple {
                list: "Fruits".into(),
                or_other: false
            }
        );
        assert_eq!(
            q("select_multiple  yn or_other"),
            QuestionKind::SelectMultiple {
                list: "yn".into(),
                or_other: true
            }
        );
        assert_eq!(
            q("select_one_from_file towns.csv"),
            QuestionKind::SelectOneFromFile {
                file: "towns.csv".into()
            }
        );
        assert_eq!(
            q("rank colours"),
            QuestionKind::Rank {
                list: "colours".into()
            }
        );
        assert_eq!(
            parse_type("select_one"),
            Err(TypeError::MissingList("select_one".into()))
        );
        assert!(matches!(parse_type("txt"), Err(TypeError::Unknown(_))));
        assert!(matches!(
            parse_type("select_one a b"),
            Err(TypeError::Unknown(_))
        ));
    }
}
