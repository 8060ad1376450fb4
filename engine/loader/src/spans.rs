//! Where each key and value of a YAML document stands, so that a problem found after
//! deserializing (an unknown state, a missing article) can still be reported at its
//! line and column. serde_yaml gives positions for syntax errors only; this index is built
//! from yaml-rust2's marked events over the same text.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A path into a document: `states.review.deadlines[0].article`.
pub type Path = String;

#[derive(Debug, Default, Clone)]
pub struct Spans {
    positions: HashMap<Path, (usize, usize)>,
}

impl Spans {
    /// Indexes `text`. A text that does not parse yields an empty index; its syntax error
    /// is reported by the deserializer.
    pub fn index(text: &str) -> Spans {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut builder, false);
        Spans {
            positions: builder.positions,
        }
    }

    /// The position of `path`, or of its nearest ancestor that has one (a missing field is
    /// reported where its parent stands). `(1, 1)` when nothing matches.
    pub fn locate(&self, path: &str) -> (usize, usize) {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return *pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.positions.get("").copied().unwrap_or((1, 1)),
            }
        }
    }
}

enum Frame {
    Map { path: Path, key: Option<String> },
    Seq { path: Path, index: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    positions: HashMap<Path, (usize, usize)>,
}

impl Builder {
    /// The path of the node that the next value event is.
    fn next_path(&self) -> Path {
        match self.stack.last() {
            None => String::new(),
            Some(Frame::Map { path, key }) => join(path, key.as_deref().unwrap_or("")),
            Some(Frame::Seq { path, index }) => format!("{path}[{index}]"),
        }
    }

    fn record(&mut self, path: Path, mark: Marker) {
        self.positions
            .entry(path)
            .or_insert((mark.line(), mark.col() + 1));
    }

    /// After a value: a map waits for its next key, a sequence moves to its next item.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }
}

fn join(path: &str, key: &str) -> Path {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map {
                    path,
                    key: key @ None,
                }) = self.stack.last_mut()
                {
                    let at = join(path, &value);
                    let map = path.clone();
                    *key = Some(value);
                    self.record(at, mark);
                    // A mapping stands where its first key does.
                    self.record(map, mark);
                } else {
                    let at = self.next_path();
                    self.record(at, mark);
                    self.value_done();
                }
            }
            Event::Alias(_) => {
                let at = self.next_path();
                self.record(at, mark);
                self.value_done();
            }
            Event::MappingStart(..) => {
                let path = self.next_path();
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.next_path();
                self.record(path.clone(), mark);
                self.stack.push(Frame::Seq { path, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
id: x
states:
  review:
    deadlines:
      - id: reply
        within: {working_days: 10}
      - id: second
";

    #[test]
    fn locates_keys_items_and_missing_fields() {
        let spans = Spans::index(DOC);
        assert_eq!(spans.locate("id"), (1, 1));
        assert_eq!(spans.locate("states.review"), (3, 3));
        assert_eq!(spans.locate("states.review.deadlines[0]"), (5, 9));
        assert_eq!(
            spans.locate("states.review.deadlines[0].within.working_days"),
            (6, 18)
        );
        assert_eq!(spans.locate("states.review.deadlines[1].id"), (7, 9));
        // A field that is not there is reported at its parent.
        assert_eq!(spans.locate("states.review.deadlines[1].article"), (7, 9));
    }
}
