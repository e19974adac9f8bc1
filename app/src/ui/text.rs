//! Text inside a `<textarea>`.
//!
//! Leptos 0.8 writes a textarea's child text into the server-rendered page without
//! escaping it (like `<script>`), so `</textarea><script>…` typed by one user would become
//! markup on a colleague's page; and an empty child leaves no text node, which breaks
//! hydration. So textareas get their text through `inner_html` with this escaping: the
//! server writes it once, hydration leaves it alone, and the browser's parser decodes the
//! entities back into exactly the text that was saved.

/// `text` escaped for use as a textarea's `inner_html`.
pub fn textarea_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::textarea_html;

    #[test]
    fn text_cannot_close_the_textarea_or_start_an_entity() {
        assert_eq!(textarea_html("a </textarea><b> &amp;"), "a &lt;/textarea&gt;&lt;b&gt; &amp;amp;");
    }
}
