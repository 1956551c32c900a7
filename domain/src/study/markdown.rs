use pulldown_cmark::{Event, Options, Parser, Tag, html};

/// Renders researcher-written Markdown to HTML that is safe to insert into a page:
/// raw HTML is shown as text and links may only use http(s), mailto or relative addresses.
pub fn render_markdown(source: &str) -> String {
    let events = Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        Event::Start(Tag::Image { .. }) => Event::Text("".into()),
        Event::End(pulldown_cmark::TagEnd::Image) => Event::Text("".into()),
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn raw_html_is_escaped() {
        let html = render_markdown("Hello <script>alert(1)</script> **Sam**");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<strong>Sam</strong>"));
    }

    #[test]
    fn html_blocks_are_escaped() {
        let html = render_markdown("<iframe srcdoc=\"x\"></iframe>\n\ntext");
        assert!(!html.contains("<iframe"), "{html}");
    }

    #[test]
    fn dangerous_links_are_neutralised() {
        let html =
            render_markdown("[click](javascript:alert(1)) [ok](https://example.org) [rel](/s/sam)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""));
        assert!(html.contains("href=\"/s/sam\""));
    }

    #[test]
    fn images_become_text() {
        let html = render_markdown("![x](https://tracker.example/pixel.png)");
        assert!(!html.contains("<img"), "{html}");
    }
}
