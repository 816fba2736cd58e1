#!/usr/bin/env bash
# Documents as sources (issue 20): reading a 50,000-word transcript and .docx
# (leernet-qda), storing and opening the transcript, and the passages of a code across
# 1,000 documents (leernet-store, SQLite and, with LEERNET_TEST_DATABASE_URL, PostgreSQL).
# Medians of 5 where repeated. Builds the two test binaries in release mode.
#
# usage: bash bench/documents/run.sh        (from the repository root)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo test --release -p leernet-qda --test it documents_bench -- --ignored --nocapture 2>&1 | grep -E "^50,000"
cargo test --release -p leernet-store --test it documents_bench -- --ignored --nocapture 2>&1 | grep -E "^(Sqlite|Postgres):"
# Retrieval (passages with context, counts, turns) across 1,000 documents.
cargo test --release -p leernet-store --test it retrieval_bench -- --ignored --nocapture 2>&1 | grep -E "^(Sqlite|Postgres) retrieval"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
