//! The diagnostic sink of a loading pass, and the check every rule makes of the article
//! and quote it rests on.

use crate::diagnostic::{code, Diagnostic};
use crate::lower::parts::Item;
use crate::source::SourceFile;
use govflow_model::ArticleRef;

/// Collects the diagnostics of one lowering pass.
#[derive(Default)]
pub(crate) struct Sink {
    pub diagnostics: Vec<Diagnostic>,
    /// Every quote lowered, with the diagnostic to give if the text does not contain it.
    pub quotes: Vec<(String, Diagnostic)>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub fn at(
        &mut self,
        file: &SourceFile,
        code: &'static str,
        path: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(file.diag(code, path, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// The article and quote a rule rests on; a missing or blank one is an error.
    pub fn basis(
        &mut self,
        file: &SourceFile,
        path: &str,
        what: &str,
        article: &Option<String>,
        quote: &Option<String>,
    ) -> ArticleRef {
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (article, quote) = (clean(article), clean(quote));
        if article.is_none() {
            let d = self.at(
                file,
                code::MISSING_ARTICLE,
                path,
                format!("{what} does not cite its article"),
            );
            d.help = Some(
                "add `article:` (e.g. `第十七条`) and `quote:` with the original words it rests on"
                    .into(),
            );
        } else if quote.is_none() {
            let d = self.at(
                file,
                code::MISSING_ARTICLE,
                path,
                format!("{what} does not quote the words it rests on"),
            );
            d.help = Some("add `quote:` with the original Chinese words of the article".into());
        }
        if let Some(a) = &article {
            if !a.contains('条') {
                let d = self.at(
                    file,
                    code::MISSING_ARTICLE,
                    &format!("{path}.article"),
                    format!("`{a}` is not an article reference"),
                );
                d.help = Some("write the article as in the text, e.g. `第十七条`".into());
            }
        }
        if let Some(q) = &quote {
            let d = file.diag(
                code::QUOTE,
                &format!("{path}.quote"),
                format!("the quote is not in the regulation's text: `{q}`"),
            );
            self.quotes.push((q.clone(), d));
        }
        ArticleRef {
            article: article.unwrap_or_default(),
            quote: quote.unwrap_or_default(),
        }
    }

    pub fn item_basis<T>(
        &mut self,
        item: &Item<T>,
        what: &str,
        article: &Option<String>,
        quote: &Option<String>,
    ) -> ArticleRef {
        self.basis(&item.file, &item.path, what, article, quote)
    }
}
