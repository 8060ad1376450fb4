//! The diagram as inline SVG: each state a box (its title, its id and marks: 起始, 入口,
//! 终结; a terminal state has a double border), each edge a path with an arrowhead and its
//! label (a lapse dashed). The labels carry the meaning; colour only repeats it. Inside
//! HTML, SVG elements are not void: every one is closed (`{}`), never left as `<path …>`.

use super::graph::{Graph, Node};
use super::layout::{depths, layout, text_width, BOX_HEIGHT, FONT_SIZE};
use maud::{html, Markup};

/// The second line of a state's box: its id and what kind of state it is.
fn marks(node: &Node, current: bool) -> String {
    let mut line = node.id.clone();
    for (holds, mark) in [
        (node.initial, "起始"),
        (node.entry, "入口"),
        (node.terminal, "终结"),
        (current, "当前"),
    ] {
        if holds {
            line.push_str(" · ");
            line.push_str(mark);
        }
    }
    line
}

/// `graph` drawn, the state `current` (a case's) marked 当前 and filled; `id` makes the
/// arrowhead's marker unique in the page.
pub fn svg(id: &str, title: &str, graph: &Graph, current: Option<&str>) -> Markup {
    let is_current = |n: &Node| current == Some(n.id.as_str());
    let widths: Vec<f64> = graph
        .nodes
        .iter()
        .map(|n| text_width(&n.title).max(text_width(&marks(n, is_current(n))) * 0.85))
        .collect();
    let edges: Vec<(usize, usize)> = graph.edges.iter().map(|e| (e.from, e.to)).collect();
    let entries: Vec<usize> = (0..graph.nodes.len())
        .filter(|&n| graph.nodes[n].entry)
        .collect();
    let rows = depths(graph.nodes.len(), &edges, &entries);
    let labels: Vec<f64> = graph.edges.iter().map(|e| text_width(&e.label)).collect();
    let l = layout(&widths, &rows, &edges, &labels);
    let arrow = format!("arrow-{id}");
    let lapse_arrow = format!("lapse-arrow-{id}");
    html! {
        svg.diagram xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
            width=(format!("{:.0}", l.width)) height=(format!("{:.0}", l.height))
            viewBox=(format!("0 0 {:.0} {:.0}", l.width, l.height))
            font-size=(FONT_SIZE) {
            title { (title) }
            defs {
                @for (marker, colour) in [(&arrow, "#334"), (&lapse_arrow, "#c62828")] {
                    marker id=(marker) viewBox="0 0 10 10" refX="10" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                        path d="M 0 0 L 10 5 L 0 10 z" fill=(colour) {}
                    }
                }
            }
            @for (edge, route) in graph.edges.iter().zip(&l.routes) {
                g.edge.lapse[edge.lapse] data-edge=(edge.label) {
                    path d=(route.path) fill="none"
                        stroke=(if edge.lapse { "#c62828" } else { "#334" })
                        stroke-dasharray=[edge.lapse.then_some("5 4")]
                        marker-end=(format!("url(#{})", if edge.lapse { &lapse_arrow } else { &arrow })) {}
                    text x=(format!("{:.1}", route.label_x)) y=(format!("{:.1}", route.label_y))
                        text-anchor=(route.anchor.as_str())
                        dominant-baseline="middle" paint-order="stroke" stroke="#fff" stroke-width="4" {
                        (edge.label)
                    }
                }
            }
            @for (node, b) in graph.nodes.iter().zip(&l.boxes) {
                g.state.terminal[node.terminal].current[is_current(node)] data-state=(node.id) {
                    rect x=(format!("{:.1}", b.x)) y=(format!("{:.1}", b.y))
                        width=(format!("{:.1}", b.width)) height=(format!("{:.1}", b.height)) rx="6"
                        fill=(if is_current(node) { "#fff4c2" } else if node.terminal { "#e8ecf2" } else { "#fff" }) stroke="#1f3a5f"
                        stroke-width=(if node.initial { "2.5" } else { "1.2" }) {}
                    @if node.terminal {
                        rect x=(format!("{:.1}", b.x + 3.0)) y=(format!("{:.1}", b.y + 3.0))
                            width=(format!("{:.1}", b.width - 6.0)) height=(format!("{:.1}", b.height - 6.0)) rx="4"
                            fill="none" stroke="#1f3a5f" stroke-width="1" {}
                    }
                    text x=(format!("{:.1}", b.x + b.width / 2.0)) y=(format!("{:.1}", b.y + BOX_HEIGHT * 0.4))
                        text-anchor="middle" dominant-baseline="middle" font-weight="bold" { (node.title) }
                    text x=(format!("{:.1}", b.x + b.width / 2.0)) y=(format!("{:.1}", b.y + BOX_HEIGHT * 0.75))
                        text-anchor="middle" dominant-baseline="middle" font-size=(FONT_SIZE * 0.85) fill="#445" { (marks(node, is_current(node))) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::Edge;
    use super::*;

    fn node(id: &str, title: &str) -> Node {
        Node {
            id: id.into(),
            title: title.into(),
            initial: false,
            entry: false,
            terminal: false,
        }
    }

    #[test]
    fn every_state_and_edge_is_drawn_with_its_text_and_marks() {
        let graph = Graph {
            nodes: vec![
                Node {
                    initial: true,
                    ..node("verifying", "校核中")
                },
                Node {
                    terminal: true,
                    ..node("corrected", "已更正")
                },
            ],
            edges: vec![
                Edge {
                    from: 0,
                    to: 1,
                    label: "reply：approve · 第十七条".into(),
                    lapse: false,
                },
                Edge {
                    from: 0,
                    to: 0,
                    label: "逾期（verify） · 第十七条".into(),
                    lapse: true,
                },
            ],
        };
        let svg = svg("data_verification", "数据校核", &graph, None).into_string();
        assert!(svg.starts_with("<svg class=\"diagram\""), "{svg}");
        assert!(svg.contains("<title>数据校核</title>"));
        assert!(svg.contains(">校核中</text>") && svg.contains(">verifying · 起始</text>"));
        assert!(svg.contains(">corrected · 终结</text>"));
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "a terminal state has a double border"
        );
        assert!(svg.contains(">reply：approve · 第十七条</text>"));
        assert!(svg.contains("class=\"edge lapse\""));
        assert!(svg.contains("stroke-dasharray=\"5 4\""));
        assert_eq!(
            svg.matches("stroke-dasharray").count(),
            1,
            "only the lapse is dashed"
        );
        assert!(svg.contains("id=\"arrow-data_verification\""));
        // Embedded in HTML, an unclosed `<path>` would swallow the elements after it.
        assert_eq!(svg.matches("<path").count(), svg.matches("</path>").count());
        assert_eq!(svg.matches("<rect").count(), svg.matches("</rect>").count());
        assert!(!svg.contains("当前"));

        // A case's state is marked, in words and in fill.
        let marked = super::svg("data_verification", "数据校核", &graph, Some("verifying"));
        let marked = marked.into_string();
        assert!(
            marked.contains(">verifying · 起始 · 当前</text>"),
            "{marked}"
        );
        assert!(marked.contains("class=\"state current\""));
        assert_eq!(marked.matches("当前").count(), 1);
    }
}
