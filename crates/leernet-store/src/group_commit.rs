//! Group commit of survey saves: concurrent saves share one transaction and one sync.
//!
//! Why it exists: a survey save is acknowledged only after its commit is durable (SQLite's
//! default `synchronous = FULL` syncs the write-ahead log at every commit; PostgreSQL's
//! `synchronous_commit` flushes its log). A disk syncs a few hundred to a few thousand times
//! a second, so one transaction per save caps fieldwork at that rate, and on SQLite every
//! save also queues for the one write lock. Gathered, a few dozen saves cost one sync.
//!
//! How (leader and followers, no background task): a save joins the queue and waits for
//! either its outcome or a leader's turn. Whoever gets a turn takes up to [`MAX_BATCH`]
//! saves off the queue and runs them in one transaction, one after the other, and
//! commits once; then it hands every save its own outcome. While one batch commits, the next
//! gathers, so at low load a save waits for nobody (a batch of one is a plain transaction)
//! and under load batches grow by themselves; nothing waits on a timer. The batch runs in a
//! spawned task, so a visitor who closes the tab mid-batch cancels nobody else's save.
//!
//! Independence: a refusal (wave not open, already submitted) or a missing invitation
//! writes nothing (each back end's save checks before it writes, under the link's lock:
//! `invitations::save_one`), and the batch goes on. Any other failure of the shared
//! transaction (a lost connection, a failed commit, SQLite's lock timeout) writes nothing of
//! the batch, and its saves are then made as before, each in its own transaction
//! concurrently, so each gets the outcome it would have got alone.
//!
//! Invariant: a save's `Ok` is sent only after the commit that holds it returned.

use crate::invitations::{save_one, SaveOutcome};
use crate::{Backend, Result, Store, StoreError};
use leernet_core::InvitationId;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{oneshot, Semaphore};

/// The most saves one transaction takes. Bounds how long SQLite's write lock is held by one
/// batch (about a millisecond per save) and how much one failed batch has to redo.
pub(crate) const MAX_BATCH: usize = 64;

/// One survey save, as [`Store::save_survey`] received it.
#[derive(Debug)]
pub(crate) struct SaveJob {
    pub invitation: InvitationId,
    /// The answers, serialised.
    pub json: String,
    pub page: i64,
    pub submit: bool,
}

struct Queued {
    job: SaveJob,
    reply: oneshot::Sender<Result<SaveOutcome>>,
}

/// The queue and the turns of one store (shared by its clones).
pub(crate) struct GroupCommit {
    queue: Mutex<VecDeque<Queued>>,
    /// Turns: one on SQLite (one writer anyway), two on PostgreSQL (one batch commits while
    /// the next runs its statements).
    turns: Arc<Semaphore>,
    batches: AtomicU64,
    saves: AtomicU64,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("batches", &self.batches.load(Ordering::Relaxed))
            .field("saves", &self.saves.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl GroupCommit {
    pub(crate) fn new(backend: Backend) -> GroupCommit {
        let turns = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => 2,
        };
        GroupCommit {
            queue: Mutex::new(VecDeque::new()),
            turns: Arc::new(Semaphore::new(turns)),
            batches: AtomicU64::new(0),
            saves: AtomicU64::new(0),
        }
    }

    fn take_batch(&self) -> Vec<Queued> {
        let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let n = q.len().min(MAX_BATCH);
        q.drain(..n).collect()
    }
}

/// How many batches have been committed and how many saves they held, since the store was
/// opened: `saves / batches` is the mean batch size (for the fieldwork benchmark and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupCommitCounts {
    pub batches: u64,
    pub saves: u64,
}

fn lost() -> StoreError {
    StoreError::Conflict(
        "the save was interrupted before it was stored; send the page again".to_owned(),
    )
}

impl Store {
    /// Queues one save and returns its own outcome once the transaction holding it
    /// committed (or failed).
    pub(crate) async fn group_save(&self, job: SaveJob) -> Result<SaveOutcome> {
        let gc = &self.saves;
        let (reply, mut outcome) = oneshot::channel();
        gc.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(Queued { job, reply });
        loop {
            let turn = tokio::select! {
                biased;
                r = &mut outcome => return r.unwrap_or_else(|_| Err(lost())),
                t = gc.turns.clone().acquire_owned() => t.map_err(|_| lost())?,
            };
            match outcome.try_recv() {
                Ok(r) => return r,
                Err(oneshot::error::TryRecvError::Closed) => return Err(lost()),
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let batch = gc.take_batch();
            if batch.is_empty() {
                // Another turn holds this save right now; its outcome comes.
                drop(turn);
                return outcome.await.unwrap_or_else(|_| Err(lost()));
            }
            let store = self.clone();
            // Spawned, and awaited: dropping this future (the visitor left) leaves the batch
            // running for the others. A panic drops the replies: those waiting get `lost`.
            let _ = tokio::spawn(async move {
                let _turn = turn;
                store.run_batch(batch).await;
            })
            .await;
            // This save was in the batch (its outcome is ready) or behind it in the queue.
        }
    }

    async fn run_batch(&self, batch: Vec<Queued>) {
        self.saves.batches.fetch_add(1, Ordering::Relaxed);
        self.saves
            .saves
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        if batch.len() == 1 {
            for q in batch {
                let r = self.save_alone(&q.job).await;
                let _ = q.reply.send(r);
            }
            return;
        }
        let jobs: Vec<&SaveJob> = batch.iter().map(|q| &q.job).collect();
        match self.save_together(&jobs).await {
            Ok(outcomes) => {
                for (q, r) in batch.into_iter().zip(outcomes) {
                    let _ = q.reply.send(r);
                }
            }
            Err(e) => {
                tracing::warn!(
                    saves = batch.len(),
                    "a batch of survey saves failed ({e}); each is made on its own"
                );
                let mut alone = tokio::task::JoinSet::new();
                for q in batch {
                    let store = self.clone();
                    alone.spawn(async move {
                        let r = store.save_alone(&q.job).await;
                        let _ = q.reply.send(r);
                    });
                }
                while alone.join_next().await.is_some() {}
            }
        }
    }

    /// One save in its own transaction.
    async fn save_alone(&self, job: &SaveJob) -> Result<SaveOutcome> {
        let mut tx = self.pool.begin().await?;
        match save_one(&mut tx, self.backend, job).await {
            Ok(o) if o.wrote() => {
                crate::generation::bump(&mut tx).await?;
                tx.commit().await?;
                Ok(o)
            }
            Ok(o) => {
                tx.rollback().await?;
                Ok(o)
            }
            Err(e) => {
                // Rolled back now, not when the connection is next used: until then SQLite's
                // write lock would stay with it.
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// The saves in one transaction; one commit. A refused save (or one whose invitation
    /// does not exist) writes nothing on either back end (`save_one`), so no savepoints.
    /// `Err` when the shared transaction failed: then nothing of it was written.
    async fn save_together(&self, jobs: &[&SaveJob]) -> Result<Vec<Result<SaveOutcome>>> {
        let mut tx = self.pool.begin().await?;
        let run = async {
            let mut out = Vec::with_capacity(jobs.len());
            let mut wrote = false;
            for job in jobs {
                let r = save_one(&mut tx, self.backend, job).await;
                match &r {
                    Ok(o) if o.wrote() => wrote = true,
                    Ok(_) | Err(StoreError::NotFound(_)) => {}
                    // Anything else may have broken the transaction: the batch fails.
                    Err(_) => return r.map(|_| Vec::new()),
                }
                out.push(r);
            }
            if wrote {
                crate::generation::bump(&mut tx).await?;
            }
            Ok(out)
        }
        .await;
        match run {
            Ok(out) => {
                tx.commit().await?;
                Ok(out)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// The group commit's counts since the store was opened.
    pub fn group_commit_counts(&self) -> GroupCommitCounts {
        GroupCommitCounts {
            batches: self.saves.batches.load(Ordering::Relaxed),
            saves: self.saves.saves.load(Ordering::Relaxed),
        }
    }
}
