//! A tiny argument parser: positional arguments and `--name value` options.

use std::collections::HashMap;

pub struct Args {
    pub positional: Vec<String>,
    options: HashMap<String, Vec<String>>,
}

impl Args {
    /// Parses `args`; every option in `known` takes one value.
    pub fn parse(args: &[String], known: &[&str]) -> Result<Args, String> {
        let mut positional = Vec::new();
        let mut options: HashMap<String, Vec<String>> = HashMap::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if let Some(name) = arg.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_owned())),
                    None => (name, None),
                };
                if !known.contains(&name) {
                    return Err(format!("unknown option --{name}"));
                }
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| format!("--{name} needs a value"))?,
                };
                options.entry(name.to_owned()).or_default().push(value);
            } else {
                positional.push(arg.clone());
            }
        }
        Ok(Args {
            positional,
            options,
        })
    }

    pub fn one(&self, name: &str) -> Option<&str> {
        self.options
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.one(name)
            .ok_or_else(|| format!("--{name} is required"))
    }

    pub fn all(&self, name: &str) -> &[String] {
        self.options
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}
