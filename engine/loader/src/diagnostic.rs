//! Diagnostics are data: the same value for the CLI, the HTTP API and editors.

use serde::Serialize;
use std::fmt;

/// Stable diagnostic codes; each has a page under `docs/errors/`.
pub mod code {
    pub const YAML_SYNTAX: &str = "GF0001";
    pub const UNKNOWN_KEY: &str = "GF0002";
    pub const INVALID_VALUE: &str = "GF0003";
    pub const UNKNOWN_REFERENCE: &str = "GF0004";
    pub const UNREACHABLE_STATE: &str = "GF0005";
    pub const MISSING_ARTICLE: &str = "GF0006";
    pub const EXTENSION_CAP: &str = "GF0007";
    pub const SCRIPT: &str = "GF0008";
    pub const NOT_CANONICAL: &str = "GF0009";
    pub const DUPLICATE: &str = "GF0010";
    pub const FILE: &str = "GF0011";
    pub const EXTENDS: &str = "GF0012";
    pub const SCHEMA_VERSION: &str = "GF0013";
    pub const DEADLINE_SPAN: &str = "GF0014";
    pub const CRON: &str = "GF0015";
    pub const CALENDAR: &str = "GF0016";
    pub const SCENARIO: &str = "GF0017";
    pub const QUOTE: &str = "GF0018";
    pub const PERIOD_ANCHOR: &str = "GF0019";
    pub const RECURRING_PERIOD: &str = "GF0020";
    pub const RECURRING_START: &str = "GF0021";
    pub const NOTHING_TO_REPORT: &str = "GF0022";
    pub const IMPOSED_PERIOD: &str = "GF0023";
    pub const NOTICE: &str = "GF0024";
    pub const NOT_BEFORE: &str = "GF0025";
    pub const SETS_PERIOD: &str = "GF0026";
    pub const BASIS_KIND_AS_CITATION: &str = "GF0027";
    pub const OPENING_FIELD: &str = "GF0028";
    pub const CHILD_CASE: &str = "GF0030";
    pub const ENTRY: &str = "GF0031";
    pub const BODY: &str = "GF0032";
    pub const JOINT_ACT: &str = "GF0033";
    pub const BOARD_ORDER: &str = "GF0034";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in its file.
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
}
