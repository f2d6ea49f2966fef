//! Cooperative cancellation on SIGINT/SIGTERM: transfers save their state
//! and stop, sleeps and requests are cut short, and the run exits 130. A
//! second signal exits at once.

use std::sync::OnceLock;

use tokio::sync::watch;

fn channel() -> &'static watch::Sender<bool> {
    static CANCEL: OnceLock<watch::Sender<bool>> = OnceLock::new();
    CANCEL.get_or_init(|| watch::channel(false).0)
}

/// A receiver that turns true on the first signal.
pub fn receiver() -> watch::Receiver<bool> {
    channel().subscribe()
}

pub fn is_cancelled() -> bool {
    *channel().borrow()
}

/// Resolves when the run is cancelled (never, otherwise).
pub async fn cancelled() {
    let mut rx = receiver();
    let _ = rx.wait_for(|c| *c).await;
}

/// Installs the handlers; call once from inside the runtime.
pub fn install_signal_handlers() {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async {
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        channel().send_replace(true);
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        // A second signal: the user means it. Resume records are already on
        // disk, rewritten at least every second.
        std::process::exit(130);
    });
}
