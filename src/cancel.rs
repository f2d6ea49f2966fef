//! Cooperative cancellation on SIGINT/SIGTERM, from the first instruction:
//! the handlers are installed before anything else runs and only set a flag
//! (and wake the async side through a pipe), so a signal while the catalog
//! loads, while a retry waits or while bytes flow ends the run the same way:
//! partial data saved, an "interrupted" line, exit 130. A second signal exits
//! at once, and so does the first one while a prompt waits for the user.

use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};

use tokio::sync::watch;

/// Signals received so far.
static SIGNALS: AtomicU32 = AtomicU32::new(0);
/// The write end of the wake-up pipe (-1 before `install`).
static WAKE: AtomicI32 = AtomicI32::new(-1);
/// The read end, handed to the async side once.
static WAKE_READ: OnceLock<i32> = OnceLock::new();
/// A prompt is waiting for the user: nothing to save, and the read would
/// not notice the flag, so a signal exits at once.
static PROMPTING: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    // Only async-signal-safe calls here: atomics, write(2), _exit(2).
    if SIGNALS.fetch_add(1, Ordering::SeqCst) > 0 || PROMPTING.load(Ordering::SeqCst) {
        // SAFETY: _exit is async-signal-safe; resume records are on disk,
        // rewritten at least every second.
        unsafe { libc::_exit(crate::error::Exit::Interrupted as i32) };
    }
    let fd = WAKE.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: writing one byte from a static buffer to our own pipe.
        unsafe { libc::write(fd, b"!".as_ptr().cast(), 1) };
    }
}

/// Installs the SIGINT/SIGTERM handlers; call first thing in the process.
pub fn install() {
    let mut fds = [-1; 2];
    // SAFETY: pipe2 fills the two descriptors on success.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } == 0 {
        WAKE.store(fds[1], Ordering::SeqCst);
        let _ = WAKE_READ.set(fds[0]);
    }
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a plain handler that only touches atomics and write(2);
        // SA_RESTART keeps interrupted system calls transparent.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
}

/// Runs `ask` (a prompt on the terminal) so that Ctrl-C ends the process
/// at once, as it would without a handler, with exit 130.
pub fn prompting<T>(ask: impl FnOnce() -> T) -> T {
    PROMPTING.store(true, Ordering::SeqCst);
    let answer = ask();
    PROMPTING.store(false, Ordering::SeqCst);
    answer
}

fn channel() -> &'static watch::Sender<bool> {
    static CANCEL: OnceLock<watch::Sender<bool>> = OnceLock::new();
    CANCEL.get_or_init(|| watch::channel(false).0)
}

/// Starts the task that turns a signal into the async `cancelled()`; call
/// once inside the runtime.
pub fn watch() {
    let Some(fd) = WAKE_READ.get().copied() else {
        return;
    };
    // SAFETY: the read end is ours and handed out only here, once.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let Ok(pipe) = tokio::net::unix::pipe::Receiver::from_owned_fd(fd) else {
        return;
    };
    tokio::spawn(async move {
        while !is_cancelled() {
            if pipe.readable().await.is_err() {
                return;
            }
            let mut buf = [0u8; 8];
            let _ = pipe.try_read(&mut buf);
        }
        channel().send_replace(true);
    });
}

pub fn is_cancelled() -> bool {
    SIGNALS.load(Ordering::SeqCst) > 0
}

/// A receiver that turns true on the first signal.
pub fn receiver() -> watch::Receiver<bool> {
    let rx = channel().subscribe();
    if is_cancelled() {
        channel().send_replace(true);
    }
    rx
}

/// Resolves when the run is cancelled (never, otherwise).
pub async fn cancelled() {
    let mut rx = receiver();
    let _ = rx.wait_for(|c| *c).await;
}
