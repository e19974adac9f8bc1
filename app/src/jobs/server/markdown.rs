//! Job descriptions are Markdown written by managers and read by giggers. Rendered on the
//! server; raw HTML in the text is shown as text, and links and images keep only safe
//! destinations (https, mailto, tel, or a path on this site), so a description cannot
//! run script in a gigger's browser.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

fn safe_destination(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

pub fn to_html(markdown: &str) -> String {
    let parser =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| {
            match event {
                Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
                Event::Start(Tag::Link { link_type, dest_url, title, id })
                    if !safe_destination(&dest_url) =>
                {
                    Event::Start(Tag::Link { link_type, dest_url: CowStr::Borrowed("#"), title, id })
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id })
                    if !safe_destination(&dest_url) =>
                {
                    Event::Start(Tag::Image { link_type, dest_url: CowStr::Borrowed("#"), title, id })
                }
                other => other,
            }
        });
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders_and_html_is_escaped() {
        assert_eq!(to_html("**Open** shops only"), "<p><strong>Open</strong> shops only</p>\n");
        let html = to_html("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_lose_their_destination() {
        let html = to_html("[click](javascript:alert(1)) [ok](https://example.com)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
    }
}
