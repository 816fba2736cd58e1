//! The integration tests of `leernet-store`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod coding_story;
mod document_work_story;
mod documents_story;
mod fieldwork_story;
mod generation_story;
mod installation_story;
mod privacy_documents;
mod privacy_qda;
mod privacy_story;
mod qda_import;
mod retrieval_story;
mod store_story;
mod test_links_story;
mod workspace_story;
