//! Decides *when* to reload: watches the packs (`cities/`) and the shared policies
//! (`policies/`) and calls [`Runtime::reload`] once their files have changed.
//!
//! The reload itself is [`Runtime::reload`]: it re-reads and hashes every pack and the
//! calendar, swaps each city whose files changed and validated, keeps the last good pack
//! (and reports why) for a city whose edit is broken, and recounts provisional deadlines
//! when a new calendar is served. This crate only calls it after a quiet period of
//! `debounce` following at least one change ([`DEFAULT_DEBOUNCE`] in the service), so an
//! editor's save (a rename, a truncate and write, or a delete and create, touching several
//! files) costs one reload.
//!
//! Both directories are watched recursively, so a city directory that is removed and
//! copied back in is picked up. The two root directories themselves must stay in place:
//! once `cities/` or `policies/` is replaced, its watch is lost.
//!
//! ```no_run
//! # fn run(runtime: govflow_runtime::Runtime) -> Result<(), govflow_watch::Error> {
//! let watcher = govflow_watch::watch(runtime, govflow_watch::DEFAULT_DEBOUNCE)?;
//! // … serve …
//! watcher.stop();
//! # Ok(())
//! # }
//! ```

mod events;

use govflow_runtime::{ReloadReport, Runtime};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The quiet period `govflow serve` waits for a burst of file events to settle before
/// reloading.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(300);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot start watching files for changes")]
    Start(#[source] notify::Error),
    #[error("cannot watch `{}` for changes", dir.display())]
    Watch {
        dir: PathBuf,
        #[source]
        source: notify::Error,
    },
    #[error("cannot start the watcher's thread")]
    Spawn(#[source] std::io::Error),
}

/// The running watcher. Dropping it, or calling [`Watcher::stop`], stops watching and ends
/// its thread (after the reload in progress, if any).
pub struct Watcher {
    files: Option<RecommendedWatcher>,
    inbox: Sender<Message>,
    thread: Option<JoinHandle<()>>,
}

enum Message {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// Watches the runtime's pack and policy directories recursively and calls
/// [`Runtime::reload`] once `debounce` has passed without a new change.
pub fn watch(runtime: Runtime, debounce: Duration) -> Result<Watcher, Error> {
    let sources = runtime.registry().sources().clone();
    let (inbox, messages) = channel();
    let events = inbox.clone();
    let mut files = RecommendedWatcher::new(
        move |event| {
            // The receiver is gone only once the watcher is stopping.
            let _ = events.send(Message::Event(event));
        },
        notify::Config::default(),
    )
    .map_err(Error::Start)?;
    for dir in [&sources.cities, &sources.policies] {
        files
            .watch(dir, RecursiveMode::Recursive)
            .map_err(|source| Error::Watch {
                dir: dir.clone(),
                source,
            })?;
    }
    let thread = std::thread::Builder::new()
        .name("govflow-watch".into())
        .spawn(move || debounce_loop(&runtime, &messages, debounce))
        .map_err(Error::Spawn)?;
    tracing::info!(
        cities = %sources.cities.display(),
        policies = %sources.policies.display(),
        debounce_ms = debounce.as_millis() as u64,
        "watching packs and policies for changes"
    );
    Ok(Watcher {
        files: Some(files),
        inbox,
        thread: Some(thread),
    })
}

impl Watcher {
    /// Stops watching; returns once the watcher's thread has ended.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        // No more events once the file watcher is gone; then end the thread.
        drop(self.files.take());
        let _ = self.inbox.send(Message::Stop);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the watcher's thread panicked");
            }
        }
    }
}

/// Collects events; reloads once `debounce` has passed since the latest relevant one.
fn debounce_loop(runtime: &Runtime, messages: &Receiver<Message>, debounce: Duration) {
    // When the latest change not yet reloaded was seen.
    let mut changed: Option<Instant> = None;
    loop {
        let message = match changed {
            None => messages.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => {
                let left = debounce.saturating_sub(at.elapsed());
                if left.is_zero() {
                    changed = None;
                    reload(runtime);
                    continue;
                }
                messages.recv_timeout(left)
            }
        };
        match message {
            Ok(Message::Event(Ok(event))) => {
                if events::relevant(&event) {
                    tracing::trace!(kind = ?event.kind, paths = ?event.paths, "file change");
                    changed = Some(Instant::now());
                }
            }
            Ok(Message::Event(Err(e))) => {
                // Events may have been lost (e.g. the watch limit was reached): reload
                // rather than miss a change.
                tracing::warn!(error = %e, "the file watcher reported an error");
                changed = Some(Instant::now());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => {
                tracing::info!("stopped watching packs and policies");
                return;
            }
        }
    }
}

fn reload(runtime: &Runtime) {
    // A panic in one reload must not end hot reload for the life of the service.
    match catch_unwind(AssertUnwindSafe(|| runtime.reload())) {
        Ok(Ok(report)) => log(&report),
        // The packs and calendar were swapped; recounting provisional deadlines failed.
        Ok(Err(e)) => {
            tracing::error!(error = %e, "reloaded, but recounting provisional deadlines failed")
        }
        Err(_) => tracing::error!("the reload panicked; the next change tries again"),
    }
}

fn log(report: &ReloadReport) {
    let swapped = names(&report.swapped);
    let failed = names(&report.failed);
    if !report.swapped.is_empty() || report.calendar_swapped {
        tracing::info!(
            swapped = %swapped,
            calendar_swapped = report.calendar_swapped,
            "reloaded: serving new versions"
        );
    }
    if !report.failed.is_empty() || report.calendar_failed {
        // The registry has logged each diagnostic.
        tracing::error!(
            failed = %failed,
            calendar_failed = report.calendar_failed,
            "reloaded: some files do not load; the last good versions stay in service"
        );
    }
    if swapped.is_empty()
        && failed.is_empty()
        && !report.calendar_swapped
        && !report.calendar_failed
    {
        tracing::debug!("reloaded: nothing changed");
    }
}

fn names<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
