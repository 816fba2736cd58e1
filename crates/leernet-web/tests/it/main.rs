//! The integration tests of `leernet-web`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod common;

mod audit_page;
mod change_pages;
mod clock;
mod coding;
mod document_agreement;
mod documents;
mod fieldwork;
mod figures_cache;
mod hostile_uploads;
mod import_export;
mod last_saved;
mod login;
mod mail;
mod networks_list;
mod notify;
mod people;
mod portal;
mod profile;
mod retrieval;
mod survey_pages;
mod survey_repeat;
mod test_links;
mod tokens_page;
mod waves_scale;
mod workspace;
mod ws_meetings;
