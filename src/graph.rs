//! Per-site task graphs: cycle check, topological order, critical path.
//!
//! Tasks do not compete for resources, so their schedule is a pure function
//! of durations, lags and not-before dates: the classic critical-path method.
//! The forward pass gives each task's earliest start and finish (which the
//! engine turns into events); the backward pass gives total float against
//! the end of the site's task network, and tasks with no float form the
//! critical path.

use petgraph::algo::{kosaraju_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::scenario::{Day, Task};

/// Edges run from predecessor to successor, weighted by the lag in days.
#[derive(Debug, Clone)]
pub struct TaskGraph {
    graph: DiGraph<(), Day>,
    order: Vec<usize>,
}

/// The tasks of one dependency cycle, each one a predecessor of the next and
/// the last a predecessor of the first.
pub type Cycle = Vec<usize>;

/// When every task runs, and how much it may slip without delaying the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub start: Vec<Day>,
    pub finish: Vec<Day>,
    pub total_float: Vec<Day>,
}

impl Schedule {
    /// Tasks with no float: delaying any of them delays the whole network.
    pub fn is_critical(&self, task: usize) -> bool {
        self.total_float[task] == 0
    }
}

impl TaskGraph {
    /// Builds the graph, or returns every dependency cycle found.
    pub fn new(tasks: &[Task]) -> Result<Self, Vec<Cycle>> {
        let mut graph = DiGraph::with_capacity(tasks.len(), tasks.len());
        let nodes: Vec<NodeIndex> = tasks.iter().map(|_| graph.add_node(())).collect();
        for (i, task) in tasks.iter().enumerate() {
            for dep in &task.after {
                graph.add_edge(nodes[dep.task], nodes[i], dep.lag);
            }
        }
        match toposort(&graph, None) {
            Ok(order) => Ok(TaskGraph {
                order: order.into_iter().map(NodeIndex::index).collect(),
                graph,
            }),
            Err(_) => Err(find_cycles(&graph)),
        }
    }

    /// Task indices with every predecessor before its successors.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The critical-path method over the given whole-day durations.
    pub fn schedule(&self, tasks: &[Task], durations: &[Day]) -> Schedule {
        let n = tasks.len();
        let mut start = vec![0 as Day; n];
        let mut finish = vec![0 as Day; n];
        for &t in &self.order {
            let mut s = tasks[t].not_before.unwrap_or(0);
            for e in self
                .graph
                .edges_directed(NodeIndex::new(t), petgraph::Direction::Incoming)
            {
                s = s.max(finish[e.source().index()].saturating_add(*e.weight()));
            }
            start[t] = s;
            finish[t] = s.saturating_add(durations[t]);
        }
        // Backward pass: latest finish that does not delay the network's end.
        let end = finish.iter().copied().max().unwrap_or(0);
        let mut latest_finish = vec![end; n];
        for &t in self.order.iter().rev() {
            let latest_start = latest_finish[t].saturating_sub(durations[t]);
            for e in self
                .graph
                .edges_directed(NodeIndex::new(t), petgraph::Direction::Incoming)
            {
                let p = e.source().index();
                latest_finish[p] = latest_finish[p].min(latest_start.saturating_sub(*e.weight()));
            }
        }
        let total_float = (0..n)
            .map(|t| latest_finish[t].saturating_sub(finish[t]))
            .collect();
        Schedule {
            start,
            finish,
            total_float,
        }
    }
}

impl TaskGraph {
    /// `target` and every task that drove its date: walking back, each
    /// predecessor whose finish plus lag equals the task's start. A task
    /// started by its not-before date or on day 0 has no drivers.
    pub fn driving_chain(&self, schedule: &Schedule, target: usize) -> Vec<usize> {
        let mut seen = vec![false; schedule.start.len()];
        let mut stack = vec![target];
        let mut chain = Vec::new();
        while let Some(t) = stack.pop() {
            if std::mem::replace(&mut seen[t], true) {
                continue;
            }
            chain.push(t);
            for e in self
                .graph
                .edges_directed(NodeIndex::new(t), petgraph::Direction::Incoming)
            {
                let p = e.source().index();
                if schedule.finish[p].saturating_add(*e.weight()) == schedule.start[t] {
                    stack.push(p);
                }
            }
        }
        chain.sort_unstable();
        chain
    }
}

/// One cycle per strongly connected component that has one.
fn find_cycles(graph: &DiGraph<(), Day>) -> Vec<Cycle> {
    let mut cycles = Vec::new();
    // Kosaraju is iterative in petgraph; Tarjan recurses and overflows the stack on long cycles.
    for mut scc in kosaraju_scc(graph) {
        scc.sort();
        let first = scc[0];
        let self_loop = graph.contains_edge(first, first);
        if scc.len() == 1 && !self_loop {
            continue;
        }
        if self_loop {
            cycles.push(vec![first.index()]);
            continue;
        }
        // Breadth-first search inside the component for the shortest way back to `first`.
        let in_scc = |n: NodeIndex| scc.binary_search(&n).is_ok();
        let mut parent: std::collections::HashMap<NodeIndex, NodeIndex> =
            std::collections::HashMap::new();
        let mut queue = std::collections::VecDeque::from([first]);
        'search: while let Some(n) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = graph.neighbors(n).filter(|&m| in_scc(m)).collect();
            next.sort();
            for m in next {
                if m == first {
                    let mut path = vec![n.index()];
                    let mut cur = n;
                    while let Some(&p) = parent.get(&cur) {
                        path.push(p.index());
                        cur = p;
                    }
                    path.reverse();
                    cycles.push(path);
                    break 'search;
                }
                if m != first && !parent.contains_key(&m) {
                    parent.insert(m, n);
                    queue.push_back(m);
                }
            }
        }
    }
    cycles.sort();
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Dependency, Distribution, TaskKind, yaml::Pos};

    fn task(id: &str, days: f64, after: &[(usize, Day)]) -> Task {
        Task {
            id: id.into(),
            name: id.into(),
            kind: TaskKind::Other,
            duration: Distribution::Fixed(days),
            after: after
                .iter()
                .map(|&(task, lag)| Dependency {
                    task,
                    lag,
                    pos: Pos::default(),
                })
                .collect(),
            not_before: None,
            risks: vec![],
            group: None,
            pos: Pos::default(),
        }
    }

    #[test]
    fn critical_path_and_float() {
        // a(10) -> b(5) -> d(0); a -> c(2, lag 1) -> d
        let tasks = vec![
            task("a", 10.0, &[]),
            task("b", 5.0, &[(0, 0)]),
            task("c", 2.0, &[(0, 1)]),
            task("d", 0.0, &[(1, 0), (2, 0)]),
        ];
        let g = TaskGraph::new(&tasks).unwrap();
        let s = g.schedule(&tasks, &[10, 5, 2, 0]);
        assert_eq!(s.start, vec![0, 10, 11, 15]);
        assert_eq!(s.finish, vec![10, 15, 13, 15]);
        assert_eq!(s.total_float, vec![0, 0, 2, 0]);
        assert!(!s.is_critical(2));
    }

    #[test]
    fn driving_chain_follows_zero_slack_links() {
        let tasks = vec![
            task("a", 10.0, &[]),
            task("b", 5.0, &[(0, 0)]),
            task("c", 2.0, &[(0, 1)]),
            task("d", 0.0, &[(1, 0), (2, 0)]),
        ];
        let g = TaskGraph::new(&tasks).unwrap();
        let s = g.schedule(&tasks, &[10, 5, 2, 0]);
        assert_eq!(g.driving_chain(&s, 3), vec![0, 1, 3]);
        assert_eq!(g.driving_chain(&s, 2), vec![0, 2]);
    }

    #[test]
    fn cycles_are_listed_hop_by_hop() {
        let tasks = vec![
            task("a", 1.0, &[(2, 0)]),
            task("b", 1.0, &[(0, 0)]),
            task("c", 1.0, &[(1, 0)]),
            task("d", 1.0, &[(3, 0)]),
        ];
        let cycles = TaskGraph::new(&tasks).unwrap_err();
        assert_eq!(cycles, vec![vec![0, 1, 2], vec![3]]);
    }
}
