//! Diagnostics are data: the same value for the CLI, the HTTP API and editors.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares each code as a constant and lists them all in `code::ALL`.
macro_rules! codes {
    ($($name:ident = $code:literal;)*) => {
        $(pub const $name: &str = $code;)*
        /// Every code, in the order declared.
        pub const ALL: &[&str] = &[$($name),*];
    };
}

/// Stable diagnostic codes; each has a page under `docs/errors/`.
pub mod code {
    codes! {
        YAML_SYNTAX = "GF0001";
        UNKNOWN_KEY = "GF0002";
        INVALID_VALUE = "GF0003";
        UNKNOWN_REFERENCE = "GF0004";
        UNREACHABLE_STATE = "GF0005";
        MISSING_ARTICLE = "GF0006";
        EXTENSION_CAP = "GF0007";
        SCRIPT = "GF0008";
        NOT_CANONICAL = "GF0009";
        DUPLICATE = "GF0010";
        FILE = "GF0011";
        EXTENDS = "GF0012";
        SCHEMA_VERSION = "GF0013";
        DEADLINE_SPAN = "GF0014";
        CRON = "GF0015";
        CALENDAR = "GF0016";
        SCENARIO = "GF0017";
        QUOTE = "GF0018";
        PERIOD_ANCHOR = "GF0019";
        RECURRING_PERIOD = "GF0020";
        RECURRING_START = "GF0021";
        NOTHING_TO_REPORT = "GF0022";
        IMPOSED_PERIOD = "GF0023";
        NOTICE = "GF0024";
        NOT_BEFORE = "GF0025";
        SETS_PERIOD = "GF0026";
        BASIS_KIND_AS_CITATION = "GF0027";
        OPENING_FIELD = "GF0028";
        CHILD_CASE = "GF0030";
        ENTRY = "GF0031";
        BODY = "GF0032";
        JOINT_ACT = "GF0033";
        BOARD_ORDER = "GF0034";
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in its file. It reads back from its JSON (a node serves the
/// diagnostics another node's reload found) only with a code of this build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub file: String,
    /// 1-based; 0 when the problem is with the file as a whole.
    pub line: usize,
    pub column: usize,
    /// Starts lowercase; user input in backticks.
    pub message: String,
    pub help: Option<String>,
}

/// A diagnostic as its JSON says, before its code is checked.
#[derive(Deserialize)]
struct Read {
    code: String,
    severity: Severity,
    file: String,
    line: usize,
    column: usize,
    message: String,
    help: Option<String>,
}

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Diagnostic, D::Error> {
        let r = Read::deserialize(d)?;
        let code = code::ALL.iter().find(|c| **c == r.code).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown diagnostic code `{}`", r.code))
        })?;
        Ok(Diagnostic {
            code,
            severity: r.severity,
            file: r.file,
            line: r.line,
            column: r.column,
            message: r.message,
            help: r.help,
        })
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, (line, column): (usize, usize)) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line > 0 {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        write!(f, "{severity}[{}]: {}", self.code, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= c.chars().count().max(word.chars().count()).div_ceil(3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_key() {
        let keys = ["deadlines", "actions", "states"];
        assert_eq!(did_you_mean("deadlnes", keys), Some("deadlines"));
        assert_eq!(did_you_mean("xyz", keys), None);
    }

    #[test]
    fn renders_like_a_compiler() {
        let d = Diagnostic::error(code::UNKNOWN_KEY, "p.yaml", "unknown key `x`")
            .at((3, 5))
            .help("did you mean `y`?");
        assert_eq!(
            d.to_string(),
            "p.yaml:3:5: error[GF0002]: unknown key `x`\n  help: did you mean `y`?"
        );
    }

    #[test]
    fn reads_back_from_its_json_with_a_known_code_only() {
        let d = Diagnostic::error(code::QUOTE, "cities/x/pack.yaml", "m")
            .at((2, 7))
            .warning();
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            serde_json::from_value::<Diagnostic>(json.clone()).unwrap(),
            d
        );
        let mut unknown = json;
        unknown["code"] = "GF9999".into();
        let e = serde_json::from_value::<Diagnostic>(unknown).unwrap_err();
        assert!(
            e.to_string().contains("unknown diagnostic code `GF9999`"),
            "{e}"
        );
    }

    #[test]
    fn every_code_is_listed_once_and_has_its_page() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/errors");
        let mut seen = std::collections::BTreeSet::new();
        for c in code::ALL {
            assert!(seen.insert(c), "{c} twice");
            assert!(docs.join(format!("{c}.md")).is_file(), "docs/errors/{c}.md");
        }
    }
}
