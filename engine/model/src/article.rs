use serde::{Deserialize, Serialize};
use std::fmt;

/// The article a rule rests on and the original words it quotes, so a reviewer can hold
/// the rule against the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRef {
    /// `第十七条`, or `项目 第十条` where a document holds two measures.
    pub article: String,
    /// The original Chinese words.
    pub quote: String,
}

impl fmt::Display for ArticleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 「{}」", self.article, self.quote)
    }
}
