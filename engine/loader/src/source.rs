//! A YAML file read once, indexed for positions, and deserialized into a raw `*Doc` with
//! every unknown key and every unknown name of a closed set reported, not just the first.

use crate::diagnostic::{code, did_you_mean, Diagnostic};
use crate::files::{reason, Files};
use crate::spans::Spans;
use serde::de::DeserializeOwned;
use serde_yaml::Value;
use std::path::Path;

#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (relative paths stay relative in messages).
    pub path: String,
    pub text: String,
    pub spans: Spans,
}

/// Unknown keys and values reported in one file before giving up on it.
const MAX_MISSPELT: usize = 50;

impl SourceFile {
    /// Reads `path` from `files`; a file that cannot be read is a diagnostic naming it.
    pub fn read(files: &dyn Files, path: &Path) -> Result<SourceFile, Diagnostic> {
        let text = files.read(path).map_err(|e| {
            Diagnostic::error(
                code::FILE,
                path.display().to_string(),
                format!("cannot read the file: {}", reason(&e)),
            )
        })?;
        Ok(SourceFile::new(path.display().to_string(), text))
    }

    pub fn new(path: impl Into<String>, text: String) -> SourceFile {
        let spans = Spans::index(&text);
        SourceFile {
            path: path.into(),
            text,
            spans,
        }
    }

    /// A diagnostic located at `at` (a document path such as `states.review.deadlines[0]`).
    pub fn diag(&self, code: &'static str, at: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, self.path.clone(), message).at(self.spans.locate(at))
    }

    /// Deserializes the whole file. Unknown keys and unknown names of a closed set
    /// (`status: in_forse`) are reported with a suggestion, then the key is removed or the
    /// name replaced so that the rest of the file is still read; any other type error ends
    /// the attempt with its location.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut value: Value = serde_yaml::from_str(&self.text).map_err(|e| {
            let at = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            vec![Diagnostic::error(
                code::YAML_SYNTAX,
                self.path.clone(),
                lowercase_first(&e.to_string()),
            )
            .at(at)
            .help("fix the YAML syntax; the rest of this file was not read")]
        })?;
        let mut misspelt = Vec::new();
        loop {
            let e = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
                Ok(doc) if misspelt.is_empty() => return Ok((doc, Vec::new())),
                Ok(_) => return Err(misspelt),
                Err(e) => e,
            };
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let message = e.inner().to_string();
            let fix = if misspelt.len() < MAX_MISSPELT {
                Fix::of(&value, &path, &message)
            } else {
                None
            };
            let Some(fix) = fix else {
                misspelt.push(
                    self.diag(
                        code::INVALID_VALUE,
                        &path,
                        format!("`{path}`: {}", lowercase_first(&message)),
                    )
                    .help("see the schema named on the file's first line for what is allowed here"),
                );
                return Err(misspelt);
            };
            misspelt.push(fix.diagnostic(self));
            if !fix.apply(&mut value) {
                return Err(misspelt);
            }
        }
    }
}

/// How to go on reading past a misspelling serde reported.
enum Fix {
    /// `unknown field`, or an unknown name used as a map key: drop the key.
    RemoveKey {
        parent: String,
        key: String,
        expected: Vec<String>,
    },
    /// An unknown name given as a value: put an allowed one in its place.
    Replace {
        path: String,
        name: String,
        expected: Vec<String>,
    },
}

impl Fix {
    fn of(root: &Value, path: &str, message: &str) -> Option<Fix> {
        if let Some((key, expected)) = quoted_after(message, "unknown field `") {
            let parent = parent_of(path, &key);
            return Some(Fix::RemoveKey {
                parent,
                key,
                expected,
            });
        }
        let (name, expected) = quoted_after(message, "unknown variant `")?;
        if node(root, path).and_then(Value::as_str) == Some(name.as_str()) {
            return Some(Fix::Replace {
                path: path.to_owned(),
                name,
                expected,
            });
        }
        let parent = parent_of(path, &name);
        let is_key = node(root, &parent)
            .and_then(Value::as_mapping)
            .is_some_and(|m| m.contains_key(name.as_str()));
        is_key.then_some(Fix::RemoveKey {
            parent,
            key: name,
            expected,
        })
    }

    /// The misspelling, located, with the closest allowed word.
    fn diagnostic(&self, file: &SourceFile) -> Diagnostic {
        match self {
            Fix::RemoveKey {
                parent,
                key,
                expected,
            } => {
                let d = file.diag(
                    code::UNKNOWN_KEY,
                    &join(parent, key),
                    format!("unknown key `{key}`"),
                );
                suggest(d, key, expected, "keys")
            }
            Fix::Replace {
                path,
                name,
                expected,
            } => {
                let d = file.diag(code::INVALID_VALUE, path, format!("unknown value `{name}`"));
                suggest(d, name, expected, "values")
            }
        }
    }

    /// Makes the misspelling go away in `root`; false when it cannot.
    fn apply(&self, root: &mut Value) -> bool {
        match self {
            Fix::RemoveKey { parent, key, .. } => remove_key(root, parent, key),
            Fix::Replace {
                path,
                name,
                expected,
            } => did_you_mean(name, expected.iter().map(String::as_str))
                .or(expected.first().map(String::as_str))
                .is_some_and(|stand_in| replace(root, path, stand_in)),
        }
    }
}

/// "did you mean" the closest of `expected`, or the list of them when none is close.
fn suggest(d: Diagnostic, word: &str, expected: &[String], what: &str) -> Diagnostic {
    match did_you_mean(word, expected.iter().map(String::as_str)) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None if !expected.is_empty() => d.help(format!(
            "the {what} allowed here are: {}",
            expected.join(", ")
        )),
        None => d,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() || parent == "." {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// serde's `unknown field `x`, expected one of `a`, `b`` (or `unknown variant …`, with
/// that `prefix`) → (`x`, [a, b]).
fn quoted_after(message: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(prefix)?;
    let end = rest.find('`')?;
    let word = rest[..end].to_owned();
    let expected = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((word, expected))
}

/// The map that holds `field`: the error's path may or may not end with the field itself.
fn parent_of(path: &str, field: &str) -> String {
    let path = if path == "." { "" } else { path };
    match path.strip_suffix(field) {
        Some("") => String::new(),
        Some(p) if p.ends_with('.') => p.trim_end_matches('.').to_owned(),
        _ => path.to_owned(),
    }
}

/// The node at `path` (`a.b[2].c`; empty for the root).
fn node<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    segments(path)
        .into_iter()
        .try_fold(root, |node, segment| match (segment, node) {
            (Segment::Key(k), Value::Mapping(m)) => m.get(k),
            (Segment::Index(i), Value::Sequence(s)) => s.get(i),
            _ => None,
        })
}

fn node_mut<'v>(root: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    segments(path)
        .into_iter()
        .try_fold(root, |node, segment| match (segment, node) {
            (Segment::Key(k), Value::Mapping(m)) => m.get_mut(k),
            (Segment::Index(i), Value::Sequence(s)) => s.get_mut(i),
            _ => None,
        })
}

/// Removes `key` from the map at `path`; whether it was there.
fn remove_key(root: &mut Value, path: &str, key: &str) -> bool {
    match node_mut(root, path) {
        Some(Value::Mapping(m)) => m.remove(key).is_some(),
        _ => false,
    }
}

/// Puts the string `text` in place of the node at `path`; whether there was one.
fn replace(root: &mut Value, path: &str, text: &str) -> bool {
    match node_mut(root, path) {
        Some(slot) => {
            *slot = Value::String(text.to_owned());
            true
        }
        None => false,
    }
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
        #[serde(default)]
        name: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        id: String,
        #[serde(default)]
        article: Option<String>,
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_position() {
        let f = SourceFile::new(
            "t.yaml",
            "nmae: x\nitems:\n  - id: a\n    artcle: b\n  - id: c\n".into(),
        );
        let errors = f.parse::<Outer>().unwrap_err();
        let rendered: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 2, "{rendered:#?}");
        assert!(
            rendered[0].starts_with("t.yaml:1:1: error[GF0002]: unknown key `nmae`"),
            "{rendered:#?}"
        );
        assert!(rendered[0].contains("did you mean `name`?"));
        assert!(
            rendered[1].starts_with("t.yaml:4:5: error[GF0002]: unknown key `artcle`"),
            "{rendered:#?}"
        );
    }

    #[test]
    fn every_unknown_name_is_reported_with_the_closest_allowed_one() {
        let f = SourceFile::new(
            "r.yaml",
            "id: a\ndescription: b\nwhen: {sharng: [conditional]}\nrequire:\n  legal_basis: presnt\n  filing: absent\n".into(),
        );
        let errors = f.parse::<crate::docs::RuleDoc>().unwrap_err();
        let rendered: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            rendered,
            [
                "r.yaml:3:8: error[GF0002]: unknown key `sharng`\n  help: did you mean `sharing`?",
                "r.yaml:5:3: error[GF0003]: unknown value `presnt`\n  help: did you mean `present`?",
            ]
        );
    }

    #[test]
    fn a_name_close_to_none_lists_the_allowed_ones() {
        let f = SourceFile::new(
            "d.yaml",
            "id: a\nresponsible: provider\nwithin: {days: 1}\nfrom: tomorrow\n".into(),
        );
        let errors = f.parse::<crate::docs::DeadlineDoc>().unwrap_err();
        assert_eq!(
            errors.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["d.yaml:4:1: error[GF0003]: unknown value `tomorrow`\n  help: the values allowed here are: received, event, entered, entered_event, period"]
        );
    }

    #[test]
    fn a_syntax_error_is_located() {
        let f = SourceFile::new("t.yaml", "items:\n  - id: [a\n".into());
        let errors = f.parse::<Outer>().unwrap_err();
        assert_eq!(errors[0].code, code::YAML_SYNTAX);
        assert!(errors[0].line >= 2, "{}", errors[0]);
    }

    #[test]
    fn a_wrong_type_is_located() {
        let f = SourceFile::new("t.yaml", "items:\n  - id: {a: 1}\n".into());
        let errors = f.parse::<Outer>().unwrap_err();
        assert_eq!(errors[0].code, code::INVALID_VALUE);
        assert_eq!((errors[0].line, errors[0].column), (2, 5), "{}", errors[0]);
    }
}
