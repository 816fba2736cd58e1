//! The closed sets of the command line (`--format`, `--lang`, `--role`, `--linkage`) as
//! `clap::ValueEnum`s.
//!
//! Why: clap then lists the values in `--help`, refuses any other word with the list before
//! anything runs (exit 2), and the commands get a domain value instead of a string to parse
//! again. The domain types live in crates without clap, so each set here converts into its
//! domain type; the words are the ones the commands accepted before (case-insensitive, with
//! the same aliases).

use clap::ValueEnum;
use leernet_app::export::ExportFormat;
use leernet_core::{Lang, Role};
use leernet_io::Format;
use leernet_stats::cluster::Linkage;

/// `--lang`: a language of the interface and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Nl,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Nl => Lang::Nl,
            LangArg::En => Lang::En,
        }
    }
}

/// `--role`: what an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Researcher,
    Coordinator,
    Facilitator,
    Member,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Researcher => Role::Researcher,
            RoleArg::Coordinator => Role::Coordinator,
            RoleArg::Facilitator => Role::Facilitator,
            RoleArg::Member => Role::Member,
        }
    }
}

/// `--linkage` of `leernet stats cluster`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinkageArg {
    Ward,
    Average,
    Complete,
    Single,
    Weighted,
}

impl LinkageArg {
    /// The word, as the output names it.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkageArg::Ward => "ward",
            LinkageArg::Average => "average",
            LinkageArg::Complete => "complete",
            LinkageArg::Single => "single",
            LinkageArg::Weighted => "weighted",
        }
    }
}

impl From<LinkageArg> for Linkage {
    fn from(l: LinkageArg) -> Linkage {
        match l {
            LinkageArg::Ward => Linkage::Ward,
            LinkageArg::Average => Linkage::Average,
            LinkageArg::Complete => Linkage::Complete,
            LinkageArg::Single => Linkage::Single,
            LinkageArg::Weighted => Linkage::Weighted,
        }
    }
}

/// `--format` of `leernet export`: responses as data files, the coding as REFI-QDA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    /// CSV, with FILE.codebook.csv beside it.
    Csv,
    Xlsx,
    Sav,
    /// REFI-QDA codebook.
    Qdc,
    /// REFI-QDA coded project.
    Qdpx,
}

impl ExportFormatArg {
    /// The format of a responses export; `None` for the REFI-QDA formats.
    pub fn responses(self) -> Option<ExportFormat> {
        match self {
            ExportFormatArg::Csv => Some(ExportFormat::Csv),
            ExportFormatArg::Xlsx => Some(ExportFormat::Xlsx),
            ExportFormatArg::Sav => Some(ExportFormat::Sav),
            ExportFormatArg::Qdc | ExportFormatArg::Qdpx => None,
        }
    }
}

/// `--format` of `leernet import responses`: the tool that wrote the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormatArg {
    /// Tell the tool from the header.
    Auto,
    #[value(alias = "kobotoolbox")]
    Kobo,
    #[value(aliases = ["odk-central", "central"])]
    Odk,
    #[value(alias = "lime")]
    Limesurvey,
    Qualtrics,
    #[value(aliases = ["microsoft-forms", "forms"])]
    Msforms,
    #[value(alias = "plain")]
    Csv,
    /// leernet's own CSV, XLSX or `.sav` export.
    Leernet,
}

impl ImportFormatArg {
    /// The layout to read; `None` detects it.
    pub fn format(self) -> Option<Format> {
        match self {
            ImportFormatArg::Auto => None,
            ImportFormatArg::Kobo => Some(Format::Kobo),
            ImportFormatArg::Odk => Some(Format::Odk),
            ImportFormatArg::Limesurvey => Some(Format::LimeSurvey),
            ImportFormatArg::Qualtrics => Some(Format::Qualtrics),
            ImportFormatArg::Msforms => Some(Format::MsForms),
            ImportFormatArg::Csv => Some(Format::Csv),
            ImportFormatArg::Leernet => Some(Format::Leernet),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word the commands accepted before still parses, to the same value.
    #[test]
    fn the_words_of_each_set_map_onto_the_domain() {
        for r in RoleArg::value_variants() {
            let word = r.to_possible_value().unwrap().get_name().to_owned();
            assert_eq!(Role::parse(&word).unwrap(), Role::from(*r));
        }
        for l in LangArg::value_variants() {
            let word = l.to_possible_value().unwrap().get_name().to_owned();
            assert_eq!(Lang::parse(&word).unwrap(), Lang::from(*l));
        }
        for l in LinkageArg::value_variants() {
            assert_eq!(l.as_str().parse::<Linkage>().unwrap(), Linkage::from(*l));
        }
        for f in ImportFormatArg::value_variants() {
            let p = f.to_possible_value().unwrap();
            for word in p.get_name_and_aliases() {
                assert_eq!(Format::parse(word), f.format(), "{word}");
            }
        }
    }
}
