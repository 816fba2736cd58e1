//! The integration tests of `leernet`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod common;

mod api_cli;
mod api_demo;
mod backup;
mod browser;
mod browser_coding;
mod browser_documents;
mod browser_handles;
mod browser_instruments;
mod browser_people;
mod browser_qca;
mod browser_repeat;
mod browser_studies;
mod browser_study;
mod browser_tokens;
mod browser_types;
mod browser_waves;
mod browser_workspace;
mod cli;
mod config;
mod content;
mod crawl;
mod documents_cli;
mod durability;
mod hostile_files;
mod io;
mod logs;
mod notify_cli;
mod own_exports;
mod privacy;
mod qda_cases;
mod qda_cli;
mod qda_documents;
mod registry;
mod report;
mod scaleout;
mod studies;
mod test_links_cli;
mod tidy;
mod user;
mod waves;
mod web;
mod web_export;
