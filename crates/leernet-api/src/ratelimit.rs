//! A per-token rate limit: a token bucket per token id, in this process's memory (so
//! several instances behind one address each allow the rate; a restart refills every
//! bucket). Times are the API clock's seconds, so tests are exact.

use std::collections::HashMap;
use std::sync::Mutex;

/// Buckets kept at most; past this the fullest (longest idle) are forgotten first.
const MAX_BUCKETS: usize = 100_000;

#[derive(Debug)]
pub struct Limiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<i64, (f64, f64)>>,
}

impl Limiter {
    pub fn new(burst: u32, per_second: f64) -> Limiter {
        Limiter {
            burst: f64::from(burst.max(1)),
            per_second: if per_second.is_finite() && per_second > 0.0 {
                per_second
            } else {
                1.0
            },
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request of `token`'s bucket at `now` (seconds): `Err(seconds to wait)`
    /// when it is empty.
    pub fn take(&self, token: i64, now: f64) -> Result<(), u64> {
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if b.len() >= MAX_BUCKETS && !b.contains_key(&token) {
            // an idle bucket refills to full: forgetting it changes nothing
            let (burst, rate) = (self.burst, self.per_second);
            b.retain(|_, (level, at)| *level + (now - *at) * rate < burst);
        }
        let (level, at) = b.entry(token).or_insert((self.burst, now));
        let refilled = (*level + (now - *at).max(0.0) * self.per_second).min(self.burst);
        *at = now;
        if refilled >= 1.0 {
            *level = refilled - 1.0;
            Ok(())
        } else {
            *level = refilled;
            let wait = ((1.0 - refilled) / self.per_second).ceil();
            Err(if wait.is_finite() && wait >= 1.0 {
                wait as u64
            } else {
                1
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_refills_and_is_per_token() {
        let l = Limiter::new(2, 0.5);
        assert_eq!(l.take(1, 100.0), Ok(()));
        assert_eq!(l.take(1, 100.0), Ok(()));
        assert_eq!(l.take(1, 100.0), Err(2));
        assert_eq!(l.take(2, 100.0), Ok(()), "another token has its own bucket");
        assert_eq!(l.take(1, 101.0), Err(1));
        assert_eq!(l.take(1, 102.0), Ok(()));
    }
}
