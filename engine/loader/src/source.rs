//! A YAML file read once, indexed for positions, and deserialized into a raw `*Doc` with
//! every unknown key reported, not just the first.

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

/// Unknown keys reported in one file before giving up on it.
const MAX_UNKNOWN_KEYS: usize = 50;

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

    /// Deserializes the whole file. Unknown keys are reported (with a suggestion) and
    /// skipped so that the rest of the file is still read; any other type error ends the
    /// attempt with its location.
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
        let mut unknown = Vec::new();
        loop {
            match serde_path_to_error::deserialize::<_, T>(value.clone()) {
                Ok(doc) => {
                    return if unknown.is_empty() {
                        Ok((doc, Vec::new()))
                    } else {
                        Err(unknown)
                    }
                }
                Err(e) => {
                    let path = e.path().to_string();
                    let message = e.inner().to_string();
                    match unknown_field(&message) {
                        Some((field, expected)) if unknown.len() < MAX_UNKNOWN_KEYS => {
                            let parent = parent_of(&path, &field);
                            let at = join(&parent, &field);
                            let mut d =
                                self.diag(code::UNKNOWN_KEY, &at, format!("unknown key `{field}`"));
                            d = match did_you_mean(&field, expected.iter().map(String::as_str)) {
                                Some(s) => d.help(format!("did you mean `{s}`?")),
                                None if !expected.is_empty() => d.help(format!(
                                    "the keys allowed here are: {}",
                                    expected.join(", ")
                                )),
                                None => d,
                            };
                            unknown.push(d);
                            if !remove_key(&mut value, &parent, &field) {
                                return Err(unknown);
                            }
                        }
                        _ => {
                            let at = if path == "." { String::new() } else { path };
                            unknown.push(
                                self.diag(code::INVALID_VALUE, &at, format!("`{at}`: {}", lowercase_first(&message)))
                                    .help("see the schema named on the file's first line for what is allowed here"),
                            );
                            return Err(unknown);
                        }
                    }
                }
            }
        }
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

/// serde's `unknown field `x`, expected one of `a`, `b`` → (`x`, [a, b]).
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let field = rest[..end].to_owned();
    let expected = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((field, expected))
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

/// Removes `key` from the map at `path` (`a.b[2].c`).
fn remove_key(root: &mut Value, path: &str, key: &str) -> bool {
    let mut node = root;
    for segment in segments(path) {
        node = match (segment, node) {
            (Segment::Key(k), Value::Mapping(m)) => match m.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (Segment::Index(i), Value::Sequence(s)) => match s.get_mut(i) {
                Some(v) => v,
                None => return false,
            },
            (_, Value::Tagged(_)) | (_, _) => return false,
        };
    }
    match node {
        Value::Mapping(m) => m.remove(key).is_some(),
        _ => false,
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
