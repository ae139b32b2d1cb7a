//! `--state DIR`: the state as one JSON file, rewritten atomically (a temporary file, then
//! a rename, so a `kill -9` leaves the old or the new file, never half of one) and
//! reloaded at start.
//!
//! Group commit: a request that changed the state takes a ticket ([`Store::changed`],
//! under the state lock) and, once it let go of the lock, waits until a write covering its
//! ticket is done ([`Store::wait_written`]) before it is answered. One writer thread
//! ([`Store::run_writer`]) writes the whole state once for every change that arrived while
//! it wrote the previous one, so under load one write covers many requests instead of
//! each request rewriting the whole file. Nothing is answered before it is on disk.
#![allow(clippy::disallowed_methods)] // the sandbox is a host: this module owns its files

use crate::state::State;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

const FILE: &str = "acp-sandbox-state.json";

/// Where the state lives.
pub struct Store {
    path: PathBuf,
    progress: Mutex<Progress>,
    written_or_changed: Condvar,
}

/// Change tickets: the last one handed out, the last one on disk.
#[derive(Default)]
struct Progress {
    changed: u64,
    written: u64,
    stop: bool,
}

impl Store {
    /// Creates the directory if needed.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Store {
            path: dir.join(FILE),
            progress: Mutex::default(),
            written_or_changed: Condvar::new(),
        })
    }

    /// The saved state, or a fresh one when there is none.
    pub fn load(&self) -> std::io::Result<State> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not a sandbox state file: {e}", self.path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes the state now (rare changes: admin endpoints, a cancelled front order).
    /// Errors are reported on stderr; the sandbox keeps running.
    pub fn save(&self, state: &State) {
        self.write(serde_json::to_vec(state).map_err(std::io::Error::other));
    }

    fn write(&self, bytes: std::io::Result<Vec<u8>>) {
        let result = bytes.and_then(|bytes| {
            let tmp = self.path.with_extension("json.tmp");
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &self.path)
        });
        if let Err(e) = result {
            eprintln!("acp-sandbox: cannot save {}: {e}", self.path.display());
        }
    }

    fn progress(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a change of the state; call it holding the state lock. Returns the ticket
    /// to wait for once the lock is released.
    pub fn changed(&self) -> u64 {
        let mut p = self.progress();
        p.changed += 1;
        self.written_or_changed.notify_all();
        p.changed
    }

    /// Waits until the state of `ticket` (or a later one) is on disk. Never call it holding
    /// the state lock: the writer needs it.
    pub fn wait_written(&self, ticket: u64) {
        let mut p = self.progress();
        while p.written < ticket && !p.stop {
            p = self
                .written_or_changed
                .wait(p)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The writer: waits for changes and writes the state that `snapshot` serializes (it
    /// locks the state), until [`stop`](Self::stop); writes what is left first.
    pub fn run_writer(&self, snapshot: impl Fn() -> std::io::Result<Vec<u8>>) {
        loop {
            {
                let mut p = self.progress();
                while p.written == p.changed && !p.stop {
                    p = self
                        .written_or_changed
                        .wait(p)
                        .unwrap_or_else(|e| e.into_inner());
                }
                if p.written == p.changed && p.stop {
                    return;
                }
            }
            // The ticket read after the snapshot may be newer than the snapshot: read it
            // before, so a change made during serialization is written next round.
            let ticket = self.progress().changed;
            let bytes = snapshot();
            self.write(bytes);
            let mut p = self.progress();
            p.written = p.written.max(ticket);
            self.written_or_changed.notify_all();
        }
    }

    /// Ends [`run_writer`](Self::run_writer) once it wrote every change.
    pub fn stop(&self) {
        self.progress().stop = true;
        self.written_or_changed.notify_all();
    }
}
