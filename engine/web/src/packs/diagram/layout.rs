//! Where the boxes go and how the edges run, in SVG user units: pure geometry, no markup.
//!
//! Boxes sit in rows by their BFS depth from the initial state (a state reached only from
//! an `entry` is counted from that entry; one reached from neither goes last). An edge to
//! a deeper row runs down from the bottom of its box to the top of the other; one within a
//! row arcs under it; one to an earlier row (a return, a resubmission) or to its own box
//! loops round the right-hand side.

use std::collections::VecDeque;

pub const BOX_HEIGHT: f64 = 44.0;
const ROW_GAP: f64 = 84.0;
const COLUMN_GAP: f64 = 40.0;
pub const MARGIN: f64 = 20.0;
const MIN_BOX_WIDTH: f64 = 96.0;
/// Room either side of an edge's label in the slot of the box it runs into.
const LABEL_PADDING: f64 = 16.0;
/// The first label over a box sits half this above it; each further one a step higher.
const LABEL_ABOVE: f64 = 40.0;
const LABEL_STEP: f64 = 15.0;
/// Font size of the labels, as `svg` writes them.
pub const FONT_SIZE: f64 = 12.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    fn center_x(&self) -> f64 {
        self.x + self.width / 2.0
    }
    fn center_y(&self) -> f64 {
        self.y + self.height / 2.0
    }
    fn right(&self) -> f64 {
        self.x + self.width
    }
    fn bottom(&self) -> f64 {
        self.y + self.height
    }
}

/// An edge's path (`d` of an SVG `path`) and where its label goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub path: String,
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: Anchor,
}

/// Where a label's `label_x` is: its middle, or its start (a label right of a loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Middle,
    Start,
}

impl Anchor {
    /// SVG's `text-anchor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Middle => "middle",
            Anchor::Start => "start",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub boxes: Vec<Rect>,
    pub routes: Vec<Route>,
    pub width: f64,
    pub height: f64,
}

/// The width `text` takes at [`FONT_SIZE`]: a CJK character is about one em, a Latin one
/// a little over half.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * FONT_SIZE
}

/// Each node's row: its BFS depth from node 0 (the initial state), then from each of
/// `entries` for the nodes not yet reached, then one row after the deepest for the rest;
/// a node no edge leaves goes one row below the deepest node leading to it.
pub fn depths(count: usize, edges: &[(usize, usize)], entries: &[usize]) -> Vec<usize> {
    let mut depth: Vec<Option<usize>> = vec![None; count];
    for root in std::iter::once(0).chain(entries.iter().copied()) {
        if root >= count || depth[root].is_some() {
            continue;
        }
        depth[root] = Some(0);
        let mut queue = VecDeque::from([root]);
        while let Some(node) = queue.pop_front() {
            let next = depth[node].unwrap_or(0) + 1;
            for &(_, to) in edges.iter().filter(|(from, _)| *from == node) {
                if to < count && depth[to].is_none() {
                    depth[to] = Some(next);
                    queue.push_back(to);
                }
            }
        }
    }
    let last = depth.iter().flatten().max().map_or(0, |d| d + 1);
    let mut depth: Vec<usize> = depth.into_iter().map(|d| d.unwrap_or(last)).collect();
    // A state no edge leaves (an outcome) sits below every state leading to it, so that
    // a ladder reads downwards to its outcomes. It leads nowhere, so one pass settles it.
    let leaves = |n: usize| edges.iter().any(|&(from, to)| from == n && to != n);
    for &(from, to) in edges {
        if from != to && to < count && from < count && !leaves(to) && depth[to] <= depth[from] {
            depth[to] = depth[from] + 1;
        }
    }
    depth
}

/// Boxes `widths` wide placed in rows by `depths` (in node order within a row, each row
/// centred), and the edges routed between them. Each box gets a slot wide enough for the
/// labels (`label_widths`, one per edge) of the edges coming down into it, and the rows
/// are far enough apart for those labels stacked over it.
pub fn layout(
    widths: &[f64],
    depths: &[usize],
    edges: &[(usize, usize)],
    label_widths: &[f64],
) -> Layout {
    let kinds: Vec<Kind> = edges
        .iter()
        .map(|&(from, to)| {
            if depths[to] > depths[from] {
                Kind::Down
            } else if from == to {
                Kind::Loop
            } else if depths[to] == depths[from] {
                Kind::Under
            } else {
                Kind::Return
            }
        })
        .collect();
    // Edges between the same two boxes run beside each other; the labels of edges down
    // into one box, or under one row, are stacked.
    let parallel: Vec<usize> = (0..edges.len())
        .map(|i| edges[..i].iter().filter(|e| **e == edges[i]).count())
        .collect();
    let stacked: Vec<usize> = (0..edges.len())
        .map(|i| {
            let (from, to) = edges[i];
            let earlier = (0..i).filter(|&j| kinds[j] == kinds[i]);
            match kinds[i] {
                Kind::Down => earlier.filter(|&j| edges[j].1 == to).count(),
                Kind::Under => earlier
                    .filter(|&j| depths[edges[j].0] == depths[from])
                    .count(),
                Kind::Loop | Kind::Return => parallel[i],
            }
        })
        .collect();
    let most_stacked = (0..edges.len())
        .filter(|&i| kinds[i] == Kind::Down)
        .map(|i| stacked[i] + 1)
        .max()
        .unwrap_or(0);
    let row_gap = ROW_GAP.max(LABEL_ABOVE + LABEL_STEP * most_stacked as f64);
    let slots: Vec<f64> = (0..widths.len())
        .map(|n| {
            (0..edges.len())
                .filter(|&i| kinds[i] == Kind::Down && edges[i].1 == n)
                .map(|i| label_widths[i] + LABEL_PADDING)
                .fold(box_width(widths[n]), f64::max)
        })
        .collect();
    let rows = depths.iter().max().map_or(0, |d| d + 1);
    let row_width = |row: usize| {
        let members: Vec<f64> = (0..widths.len())
            .filter(|&n| depths[n] == row)
            .map(|n| slots[n])
            .collect();
        members.iter().sum::<f64>() + COLUMN_GAP * members.len().saturating_sub(1) as f64
    };
    let widest = (0..rows).map(row_width).fold(0.0, f64::max);
    let mut boxes = vec![
        Rect {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: BOX_HEIGHT,
        };
        widths.len()
    ];
    for row in 0..rows {
        let mut x = MARGIN + (widest - row_width(row)) / 2.0;
        for n in (0..widths.len()).filter(|&n| depths[n] == row) {
            let width = box_width(widths[n]);
            boxes[n] = Rect {
                x: x + (slots[n] - width) / 2.0,
                y: MARGIN + row as f64 * (BOX_HEIGHT + row_gap),
                width,
                height: BOX_HEIGHT,
            };
            x += slots[n] + COLUMN_GAP;
        }
    }
    let routes: Vec<Route> = (0..edges.len())
        .map(|i| {
            let (from, to) = edges[i];
            let course = match kinds[i] {
                Kind::Down => Course::Down,
                Kind::Under => Course::Under,
                Kind::Loop => Course::Around(boxes[from].right()),
                // A return runs right of every box of the rows it spans, not through them.
                Kind::Return => Course::Around(
                    (0..boxes.len())
                        .filter(|&n| (depths[to]..=depths[from]).contains(&depths[n]))
                        .map(|n| boxes[n].right())
                        .fold(0.0, f64::max),
                ),
            };
            let bend = Bend {
                parallel: parallel[i],
                stacked: stacked[i],
                course,
            };
            route(&boxes[from], &boxes[to], bend)
        })
        .collect();
    // Room for every label: right of the widest row for the loops, below the last row
    // for the arcs under it.
    let right = routes
        .iter()
        .zip(label_widths)
        .map(|(r, w)| match r.anchor {
            Anchor::Start => r.label_x + w,
            Anchor::Middle => r.label_x + w / 2.0,
        })
        .fold(0.0, f64::max);
    let bottom = routes
        .iter()
        .map(|r| r.label_y + FONT_SIZE)
        .fold(0.0, f64::max);
    let height = MARGIN * 2.0 + rows as f64 * BOX_HEIGHT + rows.saturating_sub(1) as f64 * row_gap;
    Layout {
        boxes,
        routes,
        width: (MARGIN * 2.0 + widest).max(right + MARGIN),
        height: height.max(bottom + MARGIN),
    }
}

/// How an edge runs, by the rows of its ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Down,
    Under,
    Loop,
    Return,
}

fn box_width(text: f64) -> f64 {
    (text + 2.0 * FONT_SIZE).max(MIN_BOX_WIDTH)
}

/// The point at `t` of the cubic Bézier `p`.
fn cubic(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
    let at = |f: fn(&(f64, f64)) -> f64| p.iter().zip(w).map(|(q, w)| f(q) * w).sum();
    (at(|q| q.0), at(|q| q.1))
}

/// Which way an edge runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Course {
    /// Down into a deeper row: from the bottom of one box to the top of the other.
    Down,
    /// To another box of the same row: an arc under the row, bottom to bottom.
    Under,
    /// To an earlier row, or a box to itself: a loop right of the x given.
    Around(f64),
}

/// How an edge bends, beside the others.
#[derive(Debug, Clone, Copy)]
pub struct Bend {
    /// The how-manieth edge between the same two boxes: it runs beside the earlier ones.
    pub parallel: usize,
    /// The how-manieth label down into the same box (raised above the earlier ones), or
    /// under the same row (lowered below them).
    pub stacked: usize,
    pub course: Course,
}

/// The path of an edge from `a` to `b` and where its label goes: near `b` for an edge
/// down, at the bend for the others.
pub fn route(a: &Rect, b: &Rect, bend: Bend) -> Route {
    let k = bend.parallel as f64;
    let stacked = bend.stacked as f64;
    match bend.course {
        Course::Down => {
            let shift = 10.0 * k;
            let (sx, sy) = (a.center_x() + shift, a.bottom());
            let (ex, ey) = (b.center_x() + shift, b.y);
            let half = (ey - sy) / 2.0;
            let points = [(sx, sy), (sx, sy + half), (ex, ey - half), (ex, ey)];
            // Over the box it runs into, whose slot has room for it; the labels of edges
            // into one box stacked upwards, whichever row they come from.
            let label = (ex, ey - LABEL_ABOVE / 2.0 - LABEL_STEP * stacked);
            finish(points, label, Anchor::Middle)
        }
        Course::Under => {
            let (sx, sy) = (a.center_x() + 8.0 * k, a.bottom());
            let (ex, ey) = (b.center_x() + 8.0 * k, b.bottom());
            // The arc's lowest point (at t = ½) is ¾ of `depth` below the boxes.
            let depth = 28.0 + 16.0 * stacked;
            let points = [(sx, sy), (sx, sy + depth), (ex, ey + depth), (ex, ey)];
            finish(points, cubic(points, 0.5), Anchor::Middle)
        }
        Course::Around(beyond) => {
            let (sx, sy) = (a.right(), a.center_y() - 6.0);
            let (ex, ey) = (b.right(), b.center_y() + 6.0);
            // The curve's rightmost point (at t = ½) is ⅛·sx + ¾·reach + ⅛·ex: put it
            // clear of `beyond`.
            let peak = beyond + 36.0 + 28.0 * k;
            let reach = (peak - (sx + ex) / 8.0) / 0.75;
            let (c1y, c2y) = if (sy - ey).abs() < BOX_HEIGHT {
                // A box to itself: a loop that bulges out.
                (sy - 26.0 - 8.0 * k, ey + 26.0 + 8.0 * k)
            } else {
                (sy, ey)
            };
            let points = [(sx, sy), (reach, c1y), (reach, c2y), (ex, ey)];
            let (x, y) = cubic(points, 0.5);
            finish(points, (x + 4.0, y + LABEL_STEP * k), Anchor::Start)
        }
    }
}

fn finish(points: [(f64, f64); 4], label: (f64, f64), anchor: Anchor) -> Route {
    let [(sx, sy), (c1x, c1y), (c2x, c2y), (ex, ey)] = points;
    Route {
        path: format!("M {sx:.1} {sy:.1} C {c1x:.1} {c1y:.1}, {c2x:.1} {c2y:.1}, {ex:.1} {ey:.1}"),
        label_x: label.0,
        label_y: label.1,
        anchor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_bfs_depths_from_the_initial_state() {
        // 0 → 1 → 2, 0 → 2, 2 → 0 (a return): 2 is one step from 0, not two.
        let edges = [(0, 1), (1, 2), (0, 2), (2, 0)];
        assert_eq!(depths(3, &edges, &[]), vec![0, 1, 1]);
        // 0 → 1 → 3 and 0 → 2: 3 is two steps away.
        assert_eq!(depths(4, &[(0, 1), (1, 3), (0, 2)], &[]), vec![0, 1, 1, 2]);
    }

    #[test]
    fn an_outcome_sits_below_every_state_leading_to_it() {
        // 0 → 1 (a ladder's next step), 0 → 2 and 1 → 2 (an outcome): 2 goes below 1.
        assert_eq!(depths(3, &[(0, 1), (0, 2), (1, 2)], &[]), vec![0, 1, 2]);
        // A state that leads somewhere keeps its BFS depth.
        assert_eq!(
            depths(3, &[(0, 1), (0, 2), (1, 2), (2, 0)], &[]),
            vec![0, 1, 1]
        );
    }

    #[test]
    fn an_entry_starts_its_own_count_and_unreached_states_go_last() {
        // 0 → 1; entry 2 → 3; 4 is reached from nothing.
        let edges = [(0, 1), (2, 3)];
        assert_eq!(depths(5, &edges, &[2]), vec![0, 1, 0, 1, 2]);
        // An entry already reached from the initial state keeps its depth.
        assert_eq!(depths(3, &[(0, 1), (1, 2)], &[2]), vec![0, 1, 2]);
    }

    #[test]
    fn boxes_of_a_row_share_its_height_and_do_not_overlap() {
        let widths = [40.0, 200.0, 30.0, 60.0];
        let d = [0, 1, 1, 1];
        let l = layout(&widths, &d, &[(0, 1), (0, 2), (0, 3)], &[0.0; 3]);
        assert!(l.boxes[1..].iter().all(|b| b.y == l.boxes[1].y));
        assert!(l.boxes[0].y + BOX_HEIGHT < l.boxes[1].y);
        for pair in l.boxes[1..].windows(2) {
            assert!(pair[0].right() < pair[1].x, "{pair:?}");
        }
        // A label is never narrower than the text it holds.
        assert!(l.boxes[1].width >= 200.0);
        assert_eq!(l.boxes[2].width, MIN_BOX_WIDTH);
        for b in &l.boxes {
            assert!(
                b.x >= MARGIN && b.right() <= l.width - MARGIN,
                "{b:?} in {}",
                l.width
            );
            assert!(b.bottom() <= l.height - MARGIN);
        }
        // The single box of row 0 is centred over row 1.
        let row = l.boxes[3].right() - l.boxes[1].x;
        assert!((l.boxes[0].center_x() - (l.boxes[1].x + row / 2.0)).abs() < 1e-9);
    }

    #[test]
    fn a_forward_edge_runs_from_the_bottom_of_one_box_to_the_top_of_the_next() {
        let l = layout(&[50.0, 50.0], &[0, 1], &[(0, 1)], &[10.0]);
        let (a, b) = (l.boxes[0], l.boxes[1]);
        let r = &l.routes[0];
        assert!(r
            .path
            .starts_with(&format!("M {:.1} {:.1} ", a.center_x(), a.bottom())));
        assert!(r.path.ends_with(&format!("{:.1} {:.1}", b.center_x(), b.y)));
        assert!(r.label_y > a.bottom() && r.label_y < b.y);
        assert_eq!(
            l.width,
            2.0 * MARGIN + MIN_BOX_WIDTH,
            "no room kept for loops"
        );
    }

    #[test]
    fn a_returning_edge_loops_round_the_right_and_parallel_edges_fan_out() {
        let edges = [(0, 1), (1, 0), (1, 0)];
        let l = layout(&[50.0, 50.0], &[0, 1], &edges, &[10.0; 3]);
        let right = l.boxes[0].right().max(l.boxes[1].right());
        let (first, second) = (&l.routes[1], &l.routes[2]);
        assert!(first
            .path
            .starts_with(&format!("M {:.1} ", l.boxes[1].right())));
        assert!(first.label_x > right && second.label_x > first.label_x);
        assert_ne!(first.path, second.path);
        assert!(
            l.width >= second.label_x + 10.0 + MARGIN,
            "room for the label"
        );
    }

    #[test]
    fn the_labels_of_edges_fanning_out_of_a_box_do_not_overlap() {
        // One box with two edges down, labelled 150 wide, into boxes narrower than that.
        let labels = [150.0, 150.0];
        let l = layout(&[20.0, 20.0, 20.0], &[0, 1, 1], &[(0, 1), (0, 2)], &labels);
        let (left, right) = (&l.routes[0], &l.routes[1]);
        assert_eq!(left.label_y, right.label_y);
        assert!(right.label_x - left.label_x >= 150.0, "{left:?} {right:?}");
        // Two edges down into one box: the second label sits above the first.
        let l = layout(&[20.0, 20.0, 20.0], &[0, 0, 1], &[(0, 2), (1, 2)], &labels);
        assert!(l.routes[1].label_y + 14.0 < l.routes[0].label_y);
    }

    #[test]
    fn a_returning_edge_passes_right_of_every_box_in_the_rows_it_spans() {
        // 0 → 1, 0 → 2 (a wide box right of 1), 1 → 0: the return passes right of 2.
        let l = layout(
            &[20.0, 20.0, 300.0],
            &[0, 1, 1],
            &[(0, 1), (0, 2), (1, 0)],
            &[0.0; 3],
        );
        assert!(
            l.routes[2].label_x > l.boxes[2].right(),
            "{:?}",
            l.routes[2]
        );
    }

    #[test]
    fn an_edge_within_a_row_arcs_under_it_and_the_next_one_arcs_lower() {
        let edges = [(0, 1), (0, 2), (1, 2), (2, 1)];
        let l = layout(&[20.0; 3], &[0, 1, 1], &edges, &[10.0; 4]);
        let (b1, b2) = (l.boxes[1], l.boxes[2]);
        let (first, second) = (&l.routes[2], &l.routes[3]);
        assert!(first
            .path
            .starts_with(&format!("M {:.1} {:.1} ", b1.center_x(), b1.bottom())));
        assert!(first
            .path
            .ends_with(&format!("{:.1} {:.1}", b2.center_x(), b2.bottom())));
        assert!(first.label_y > b1.bottom() && second.label_y > first.label_y + 10.0);
        assert!(
            l.height >= second.label_y + FONT_SIZE,
            "room below the last row"
        );
    }

    #[test]
    fn a_self_loop_bulges_out_of_its_box() {
        let l = layout(&[50.0], &[0], &[(0, 0)], &[10.0]);
        let b = l.boxes[0];
        let r = &l.routes[0];
        assert!(r.label_x > b.right());
        assert!(r
            .path
            .contains(&format!("{:.1}", b.center_y() - 6.0 - 26.0)));
    }

    #[test]
    fn chinese_text_is_about_twice_as_wide_as_latin() {
        assert_eq!(text_width("校核中"), 3.0 * FONT_SIZE);
        assert!((text_width("reply") - 3.0 * FONT_SIZE).abs() < 1e-9);
    }
}
