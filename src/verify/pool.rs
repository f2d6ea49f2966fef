//! The digest workers: one thread per core, shared by every file of the
//! process, started on first use. Work arrives as short jobs (hash a few
//! blocks of one digest, read one block back); a job that has more to do
//! queues itself again, so many files share a few threads fairly and no
//! file needs a thread of its own.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, OnceLock};

use crate::guard::lock;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    jobs: Mutex<VecDeque<Job>>,
    ready: Condvar,
}

/// At least two, so that md5 and sha256 of one file run side by side even
/// on one core; more than eight would only wait on the same disk.
fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8))
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<&'static Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let pool: &'static Pool = Box::leak(Box::new(Pool {
            jobs: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }));
        for i in 0..worker_count() {
            // A worker that cannot start leaves the others to do the work.
            let _ = std::thread::Builder::new()
                .name(format!("magedl-digest-{i}"))
                .stack_size(256 * 1024)
                .spawn(move || work(pool));
        }
        pool
    })
}

fn work(pool: &'static Pool) {
    loop {
        let job = {
            let mut jobs = lock(&pool.jobs);
            loop {
                if let Some(job) = jobs.pop_front() {
                    break job;
                }
                jobs = pool.ready.wait(jobs).unwrap_or_else(|e| e.into_inner());
            }
        };
        job();
    }
}

/// Runs `job` on a digest worker, after the jobs already waiting.
pub fn spawn(job: impl FnOnce() + Send + 'static) {
    let pool = pool();
    lock(&pool.jobs).push_back(Box::new(job));
    pool.ready.notify_one();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_the_workers() {
        let (tx, rx) = std::sync::mpsc::channel();
        for i in 0..20 {
            let tx = tx.clone();
            spawn(move || tx.send(i).unwrap());
        }
        let mut got: Vec<i32> = (0..20).map(|_| rx.recv().unwrap()).collect();
        got.sort_unstable();
        assert_eq!(got, (0..20).collect::<Vec<_>>());
    }
}
