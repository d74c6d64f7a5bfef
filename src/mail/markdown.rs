//! A broadcast's body: Markdown (CommonMark) written by an operator, made
//! into the HTML part (raw HTML sanitised: harmless tags kept, scripts,
//! event handlers and `javascript:` URLs removed) and a plain text part in
//! which every link's URL is written out.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Both parts of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Safe to put in a page as it is.
    pub html: String,
    pub text: String,
}

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
}

pub fn render(markdown: &str) -> Body {
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut unsafe_html, parser(markdown));
    Body {
        html: ammonia::clean(&unsafe_html),
        text: text(markdown),
    }
}

/// The plain text part: paragraphs apart, list items marked, links as
/// `text (URL)`, raw HTML left out.
fn text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut links: Vec<String> = Vec::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote = 0usize;
    // Inside a <script> or <style> written as raw HTML: its content is no text.
    let mut hidden = false;
    let start_line = |out: &mut String, quote: usize| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        for _ in 0..quote {
            out.push_str("> ");
        }
    };
    let end_block = |out: &mut String| {
        let trimmed = out.trim_end_matches([' ', '\n']).len();
        out.truncate(trimmed);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
    };
    for event in parser(markdown) {
        match event {
            Event::Start(Tag::Paragraph) => start_line(&mut out, quote),
            Event::End(TagEnd::Paragraph) if lists.is_empty() => end_block(&mut out),
            Event::Start(Tag::Heading { level, .. }) => {
                start_line(&mut out, quote);
                if level <= HeadingLevel::H2 {
                    out.push_str("## ");
                }
            }
            Event::End(TagEnd::Heading(_)) => end_block(&mut out),
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => {
                quote = quote.saturating_sub(1);
                end_block(&mut out);
            }
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    end_block(&mut out);
                }
            }
            Event::Start(Tag::Item) => {
                start_line(&mut out, quote);
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::Start(Tag::CodeBlock(_)) => start_line(&mut out, quote),
            Event::End(TagEnd::CodeBlock) => end_block(&mut out),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop()
                    && safe_url(&url)
                {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Image) => {
                if let Some(url) = links.pop()
                    && safe_url(&url)
                {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                let raw = raw.to_ascii_lowercase();
                if raw.contains("<script") || raw.contains("<style") {
                    hidden = true;
                }
                if raw.contains("</script") || raw.contains("</style") {
                    hidden = false;
                }
            }
            Event::Text(text) | Event::Code(text) if !hidden => out.push_str(&text),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => start_line(&mut out, quote),
            Event::Rule => {
                start_line(&mut out, quote);
                out.push_str("----");
                end_block(&mut out);
            }
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            // Raw HTML has no place in the text part.
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// A link worth writing out in the text part: not a script.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    !(lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html_and_readable_text() {
        let body = render(
            "# News\n\nHello *there*, read [our post](https://example.com/post).\n\n- one\n- two\n\n1. first\n2. second\n",
        );
        assert!(body.html.contains("<h1>News</h1>"), "{}", body.html);
        assert!(body.html.contains("<em>there</em>"));
        assert!(body.html.contains("<a href=\"https://example.com/post\""));
        assert_eq!(
            body.text,
            "## News\n\nHello there, read our post (https://example.com/post).\n\n- one\n- two\n\n1. first\n2. second"
        );
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_never_reach_the_html() {
        let body = render(
            "Hi <script>alert('x')</script>\n\n<img src=\"a.png\" onerror=\"alert(1)\">\n\n[click](javascript:alert(1)) <b onclick=\"x()\">bold</b>\n\n<iframe src=\"https://evil.example\"></iframe>",
        );
        for banned in [
            "<script",
            "alert(",
            "onerror",
            "onclick",
            "javascript:",
            "<iframe",
        ] {
            assert!(!body.html.contains(banned), "{banned}: {}", body.html);
            assert!(!body.text.contains(banned), "{banned}: {}", body.text);
        }
        assert!(
            body.html.contains("<b>bold</b>"),
            "harmless tags stay: {}",
            body.html
        );
        assert!(
            !body.html.contains("&lt;script"),
            "not shown as text: {}",
            body.html
        );
    }
}
