//! The thematic map: each theme (not discarded) a column, its subthemes and codes beneath it,
//! lines from a theme to what it holds; the codes in no theme in a last column. Laid out once
//! here, drawn as SVG for the page and the dated snapshots, and given to QDA software as the
//! `.qdpx` project's Graph.

use std::fmt::Write as _;

use super::ThemeStatus;

/// A theme as the map needs it.
pub struct MapTheme<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub status: ThemeStatus,
    pub parent: Option<&'a str>,
    pub codes: &'a [String],
}

/// A code as the map needs it: (id, name).
pub type MapCode<'a> = (&'a str, &'a str);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Theme,
    Subtheme,
    Code,
    /// The heading of the codes in no theme.
    Miscellaneous,
}

/// A box of the map: what it stands for (a theme's or a code's id; empty for the
/// miscellaneous heading), its words, and its place in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapNode {
    pub stands_for: String,
    pub kind: NodeKind,
    pub label: String,
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThematicMap {
    pub nodes: Vec<MapNode>,
    /// Lines from a box to a box it holds, by their indexes in `nodes`.
    pub edges: Vec<(usize, usize)>,
    pub width: i64,
    pub height: i64,
}

const COLUMN: i64 = 240;
const BOX_WIDTH: i64 = 200;
const ROW: i64 = 48;
const BOX_HEIGHT: i64 = 34;
const INDENT: i64 = 20;
const MARGIN: i64 = 16;

impl ThematicMap {
    pub fn layout(themes: &[MapTheme<'_>], codes: &[MapCode<'_>]) -> Self {
        let shown: Vec<&MapTheme<'_>> = themes
            .iter()
            .filter(|t| t.status != ThemeStatus::Discarded)
            .collect();
        let is_shown = |id: &str| shown.iter().any(|t| t.id == id);
        let mut map = Self {
            nodes: Vec::new(),
            edges: Vec::new(),
            width: 0,
            height: 0,
        };
        let mut column = 0;
        for theme in shown.iter().filter(|t| t.parent.is_none_or(|p| !is_shown(p))) {
            let mut column_map = ColumnLayout::new(&mut map, column);
            let top = column_map.add(theme.id, NodeKind::Theme, theme_label(theme), 0, None);
            for sub in shown.iter().filter(|t| t.parent == Some(theme.id)) {
                let node = column_map.add(sub.id, NodeKind::Subtheme, theme_label(sub), 1, Some(top));
                column_map.add_codes(sub.codes, codes, 2, node);
            }
            column_map.add_codes(theme.codes, codes, 1, top);
            column += 1;
        }
        let homeless: Vec<String> = codes
            .iter()
            .filter(|(id, _)| !shown.iter().any(|t| t.codes.iter().any(|c| c == id)))
            .map(|(id, _)| (*id).to_owned())
            .collect();
        if !homeless.is_empty() {
            let mut column_map = ColumnLayout::new(&mut map, column);
            let heading = column_map.add(
                "",
                NodeKind::Miscellaneous,
                "Miscellaneous: codes in no theme".to_owned(),
                0,
                None,
            );
            column_map.add_codes(&homeless, codes, 1, heading);
        }
        map.width = map.nodes.iter().map(|n| n.x + n.width).max().unwrap_or(0) + MARGIN;
        map.height = map.nodes.iter().map(|n| n.y + n.height).max().unwrap_or(0) + MARGIN;
        map
    }

    /// The map as an SVG document: boxes, their words (cut to fit), and elbow lines.
    pub fn svg(&self, title: &str) -> String {
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"map-title\" class=\"thematic-map\">\
             <title id=\"map-title\">{}</title>",
            escape(title),
            w = self.width.max(1),
            h = self.height.max(1),
        );
        for &(from, to) in &self.edges {
            let (a, b) = (&self.nodes[from], &self.nodes[to]);
            let (x, y) = (a.x + INDENT / 2, a.y + a.height);
            let _ = write!(
                out,
                "<path d=\"M{x} {y} V{} H{}\" fill=\"none\" stroke=\"#505a5f\" stroke-width=\"2\"/>",
                b.y + b.height / 2,
                b.x
            );
        }
        for node in &self.nodes {
            let (fill, stroke, weight) = match node.kind {
                NodeKind::Theme => ("#1d70b8", "#003078", "bold"),
                NodeKind::Subtheme => ("#d2e2f1", "#1d70b8", "bold"),
                NodeKind::Code => ("#ffffff", "#505a5f", "normal"),
                NodeKind::Miscellaneous => ("#f3f2f1", "#505a5f", "bold"),
            };
            let text_colour = if node.kind == NodeKind::Theme { "#ffffff" } else { "#0b0c0c" };
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"/>\
                 <text x=\"{}\" y=\"{}\" font-family=\"sans-serif\" font-size=\"14\" font-weight=\"{weight}\" fill=\"{text_colour}\">{}</text>",
                node.x,
                node.y,
                node.width,
                node.height,
                node.x + 8,
                node.y + 22,
                escape(&fitted(&node.label, node.width)),
            );
        }
        out.push_str("</svg>");
        out
    }
}

/// Lays out one column, a row at a time.
struct ColumnLayout<'m> {
    map: &'m mut ThematicMap,
    x: i64,
    row: i64,
}

impl<'m> ColumnLayout<'m> {
    fn new(map: &'m mut ThematicMap, column: i64) -> Self {
        Self {
            map,
            x: MARGIN + column * COLUMN,
            row: 0,
        }
    }

    fn add(&mut self, id: &str, kind: NodeKind, label: String, depth: i64, parent: Option<usize>) -> usize {
        let node = MapNode {
            stands_for: id.to_owned(),
            kind,
            label,
            x: self.x + depth * INDENT,
            y: MARGIN + self.row * ROW,
            width: BOX_WIDTH - depth * INDENT,
            height: BOX_HEIGHT,
        };
        self.row += 1;
        self.map.nodes.push(node);
        let index = self.map.nodes.len() - 1;
        if let Some(parent) = parent {
            self.map.edges.push((parent, index));
        }
        index
    }

    fn add_codes(&mut self, ids: &[String], codes: &[MapCode<'_>], depth: i64, parent: usize) {
        for (id, name) in codes.iter().filter(|(id, _)| ids.iter().any(|c| c == id)) {
            self.add(id, NodeKind::Code, (*name).to_owned(), depth, Some(parent));
        }
    }
}

fn theme_label(theme: &MapTheme<'_>) -> String {
    match theme.status {
        ThemeStatus::Final => theme.name.to_owned(),
        status => format!("{} ({})", theme.name, status.as_str()),
    }
}

/// The label cut with an ellipsis to fit a box of `width` pixels (about 7.5 pixels a character
/// at 14 px); the page lists every label in full beside the drawing.
fn fitted(label: &str, width: i64) -> String {
    let most = usize::try_from((width - 16) * 2 / 15).unwrap_or(0);
    if label.chars().count() <= most {
        return label.to_owned();
    }
    let cut: String = label.chars().take(most.saturating_sub(1)).collect();
    format!("{cut}…")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes() -> Vec<(String, String)> {
        [("c1", "Hope"), ("c2", "Language"), ("c3", "Money & <trust>")]
            .map(|(id, name)| (id.to_owned(), name.to_owned()))
            .to_vec()
    }

    #[test]
    fn themes_are_columns_with_subthemes_and_codes_and_homeless_codes_last() {
        let codes = codes();
        let codes: Vec<MapCode<'_>> = codes.iter().map(|(i, n)| (i.as_str(), n.as_str())).collect();
        let (top_codes, sub_codes) = (vec!["c1".to_owned()], vec!["c2".to_owned(), "c1".to_owned()]);
        let themes = [
            MapTheme { id: "t1", name: "Connection", status: ThemeStatus::Final, parent: None, codes: &top_codes },
            MapTheme { id: "t2", name: "Words of home", status: ThemeStatus::Candidate, parent: Some("t1"), codes: &sub_codes },
            MapTheme { id: "t3", name: "Dropped", status: ThemeStatus::Discarded, parent: None, codes: &[] },
        ];
        let map = ThematicMap::layout(&themes, &codes);
        let labels: Vec<&str> = map.nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Connection",
                "Words of home (candidate)",
                "Hope",
                "Language",
                "Hope",
                "Miscellaneous: codes in no theme",
                "Money & <trust>"
            ]
        );
        assert_eq!(map.edges, [(0, 1), (1, 2), (1, 3), (0, 4), (5, 6)]);
        assert!(map.nodes[5].x > map.nodes[0].x, "a column of its own");
        let svg = map.svg("Thematic map of Sam");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Money &amp; &lt;trust&gt;"));
        assert!(!svg.contains("Dropped"));
        assert_eq!(svg.matches("<path").count(), 5);
    }

    #[test]
    fn long_labels_are_cut_to_their_box() {
        let long = "A very long name for a code that will not fit in its box at all";
        let cut = fitted(long, BOX_WIDTH);
        assert!(cut.ends_with('…') && cut.chars().count() < long.chars().count());
        assert_eq!(fitted("Hope", BOX_WIDTH), "Hope");
    }
}
