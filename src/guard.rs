//! One way to take a lock: a poisoned mutex (a thread panicked while holding
//! it) still holds consistent data here — every critical section is a few
//! field updates — so the guard is taken rather than propagating the panic.

use std::sync::{Mutex, MutexGuard};

pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
