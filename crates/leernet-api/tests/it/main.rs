//! The API's tests: one binary (`cargo test -p leernet-api --test it`).

mod api_story;
mod figures;
mod openapi;
mod resources;
mod world;
