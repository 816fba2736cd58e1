//! Helpers shared by the integration tests.

pub mod browser;

// The web crate's HTTP client and questionnaire walker, for the tests that drive `leernet serve`.
#[path = "../../../../leernet-web/tests/it/common/fill.rs"]
#[allow(dead_code)]
pub mod fill;
#[path = "../../../../leernet-web/tests/it/common/http.rs"]
#[allow(dead_code)]
pub mod http;
#[path = "../../../../leernet-web/tests/it/common/walk.rs"]
pub mod walk;
