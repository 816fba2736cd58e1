//! Connections kept out of the pool for the survey's read of its link
//! ([`crate::Store::survey_link`]): one statement per survey request, without the pool's
//! pings.
//!
//! Why: sqlx pings a pooled connection when it is given back (and, on PostgreSQL, before it
//! is lent). On SQLite every ping is a round trip to the connection's worker thread (two
//! thread wake-ups), as costly as the one-row read itself; on PostgreSQL it is a round trip
//! to the server. A kept connection is borrowed and given back without either.
//!
//! How: up to `max` pooled connections (half the pool, so `StoreOptions::max_connections`
//! still bounds what the process opens) are held here once used, and lent to one read at a
//! time. A read waits for one of them rather than taking the pool's, which stay free for the
//! saves' batches and everything else. A pool of one keeps none (reads use the pool).
//!
//! Failure: a kept connection the server dropped (PostgreSQL restarted, an administrator
//! ended it) fails its read; the read is then made once more on a connection from the pool,
//! which the pool checks first, and the failed one is given back to the pool, which pings
//! and closes it. A read that is dropped halfway (the visitor left) drops its connection
//! with it, which goes back to the pool through sqlx's own check. Only reads go through
//! here, so making one again is harmless.
//!
//! Closing: [`KeptReads::close`] gives every idle connection back and refuses to keep any
//! more, so that the pool's close (which waits for every connection) ends.

use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default)]
struct Held {
    idle: Vec<PoolConnection<Any>>,
    /// Idle here or lent to a read.
    count: usize,
    closed: bool,
}

/// The kept connections of one store (shared by its clones).
#[derive(Debug)]
pub(crate) struct KeptReads {
    held: Mutex<Held>,
    max: usize,
    /// One permit per connection that may be kept: a read holds one while it runs.
    turns: tokio::sync::Semaphore,
}

impl KeptReads {
    /// Keeps at most half of a pool of `pool_max` connections (none of a pool of one).
    pub(crate) fn new(pool_max: u32) -> KeptReads {
        let max = usize::try_from(pool_max / 2).unwrap_or(0);
        KeptReads {
            held: Mutex::new(Held::default()),
            max,
            turns: tokio::sync::Semaphore::new(max),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn take(&self) -> Option<PoolConnection<Any>> {
        self.lock().idle.pop()
    }

    /// A kept connection lent out is done with.
    fn give_back(&self, conn: PoolConnection<Any>) {
        let mut h = self.lock();
        if h.closed {
            h.count = h.count.saturating_sub(1);
            drop(h);
            drop(conn);
        } else {
            h.idle.push(conn);
        }
    }

    /// A kept connection lent out failed: it goes back to the pool (dropped by the caller).
    fn forget(&self) {
        let mut h = self.lock();
        h.count = h.count.saturating_sub(1);
    }

    /// A connection from the pool is done with: kept when there is room.
    fn keep_or_return(&self, conn: PoolConnection<Any>) {
        let mut h = self.lock();
        if !h.closed && h.count < self.max {
            h.count += 1;
            h.idle.push(conn);
        }
    }

    /// One read, `run` on a kept connection (made again on the pool's, should it fail there)
    /// or on a connection from the pool.
    pub(crate) async fn fetch_optional(
        &self,
        pool: &AnyPool,
        sql: &'static str,
        arg: &str,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        // No room to keep any: the pool's, as every other read.
        let _turn = if self.max == 0 {
            None
        } else {
            Some(
                self.turns
                    .acquire()
                    .await
                    .map_err(|_| sqlx::Error::PoolClosed)?,
            )
        };
        if let Some(mut conn) = self.take() {
            match sqlx::query(sql).bind(arg).fetch_optional(&mut *conn).await {
                Ok(r) => {
                    self.give_back(conn);
                    return Ok(r);
                }
                Err(_) => {
                    // no error text: it could quote what the read was given
                    tracing::info!("a kept connection failed a read; it is read again");
                    self.forget();
                    drop(conn);
                }
            }
        }
        let mut conn = pool.acquire().await?;
        let r = sqlx::query(sql)
            .bind(arg)
            .fetch_optional(&mut *conn)
            .await?;
        self.keep_or_return(conn);
        Ok(r)
    }

    /// Gives every idle kept connection back to the pool and keeps none from now on.
    pub(crate) fn close(&self) {
        let idle = {
            let mut h = self.lock();
            h.closed = true;
            self.turns.close();
            h.count = h.count.saturating_sub(h.idle.len());
            std::mem::take(&mut h.idle)
        };
        drop(idle);
    }
}
