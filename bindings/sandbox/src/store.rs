//! `--state DIR`: the state as one JSON file, rewritten (atomically) after every change
//! and reloaded at start.
#![allow(clippy::disallowed_methods)] // the sandbox is a host: this module owns its files

use crate::state::State;
use std::path::{Path, PathBuf};

const FILE: &str = "acp-sandbox-state.json";

/// Where the state lives.
pub struct Store {
    path: PathBuf,
}

impl Store {
    /// Creates the directory if needed.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Store {
            path: dir.join(FILE),
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

    /// Writes the state (errors are reported on stderr; the sandbox keeps running).
    pub fn save(&self, state: &State) {
        let result = serde_json::to_vec_pretty(state)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                let tmp = self.path.with_extension("json.tmp");
                std::fs::write(&tmp, bytes)?;
                std::fs::rename(&tmp, &self.path)
            });
        if let Err(e) = result {
            eprintln!("acp-sandbox: cannot save {}: {e}", self.path.display());
        }
    }
}
