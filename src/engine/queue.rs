//! The event queue: events come off in (day, sequence) order.
//!
//! Two lanes share one sequence counter, so the order of same-day events is
//! fixed across both: first pushed, first out.
//! - Most events are never cancelled once scheduled (task starts, deliveries,
//!   installs): they go on a bare `BinaryHeap`, the cheapest ordered queue.
//! - A cohort's burn-in is cancelled when its racks lose power, so it goes on
//!   `priority-queue`'s hash-indexed heap, which removes an event by its key.
//!   Keeping every event there cost 2.6x a bare heap on every push and pop
//!   (BENCHMARKS.md, the hold model), for the few that are ever cancelled.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::hash::{BuildHasherDefault, Hash};

use priority_queue::PriorityQueue;
use rustc_hash::FxHasher;

use crate::scenario::Day;

/// When an event is due: by day, then by the order it was pushed in.
type Due = (Day, u64);

pub struct EventQueue<E: Hash + Eq> {
    fixed: BinaryHeap<Reverse<Fixed<E>>>,
    // FxHash: keys are small and not attacker-chosen; SipHash cost ~15% of a run.
    cancellable: PriorityQueue<E, Reverse<Due>, BuildHasherDefault<FxHasher>>,
    next_seq: u64,
}

/// An event on the fixed lane, ordered by when it is due alone.
struct Fixed<E> {
    due: Due,
    event: E,
}

impl<E> PartialEq for Fixed<E> {
    fn eq(&self, other: &Self) -> bool {
        self.due == other.due
    }
}

impl<E> Eq for Fixed<E> {}

impl<E> PartialOrd for Fixed<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Fixed<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.due.cmp(&other.due)
    }
}

/// Which lane holds the next event.
enum Lane {
    Fixed,
    Cancellable,
}

impl<E: Hash + Eq> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            fixed: BinaryHeap::new(),
            cancellable: PriorityQueue::with_default_hasher(),
            next_seq: 0,
        }
    }
}

impl<E: Hash + Eq> EventQueue<E> {
    /// Schedules `event` on `day`, for good: it cannot be cancelled.
    pub fn push(&mut self, day: Day, event: E) {
        let due = self.due(day);
        self.fixed.push(Reverse(Fixed { due, event }));
    }

    /// Schedules `event` on `day` so that [`cancel`](Self::cancel) can take
    /// it back. Each such event value is pending at most once; pushing it
    /// again moves it.
    pub fn push_cancellable(&mut self, day: Day, event: E) {
        let due = self.due(day);
        self.cancellable.push(event, Reverse(due));
    }

    /// Cancels an event pushed with [`push_cancellable`](Self::push_cancellable);
    /// true if it was pending.
    pub fn cancel(&mut self, event: &E) -> bool {
        self.cancellable.remove(event).is_some()
    }

    /// The day of the next event, if any.
    pub fn next_day(&self) -> Option<Day> {
        self.next().map(|(_, (day, _))| day)
    }

    /// Takes the next event if it falls on `day`.
    pub fn pop_on(&mut self, day: Day) -> Option<E> {
        match self.next()? {
            (_, (d, _)) if d != day => None,
            (Lane::Fixed, _) => self.fixed.pop().map(|Reverse(f)| f.event),
            (Lane::Cancellable, _) => self.cancellable.pop().map(|(e, _)| e),
        }
    }

    pub fn len(&self) -> usize {
        self.fixed.len() + self.cancellable.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fixed.is_empty() && self.cancellable.is_empty()
    }

    fn due(&mut self, day: Day) -> Due {
        let seq = self.next_seq;
        self.next_seq += 1;
        (day, seq)
    }

    /// The lane whose head is due first, and when.
    fn next(&self) -> Option<(Lane, Due)> {
        let fixed = self.fixed.peek().map(|Reverse(f)| f.due);
        let cancellable = self.cancellable.peek().map(|(_, Reverse(due))| *due);
        match (fixed, cancellable) {
            (Some(f), Some(c)) if c < f => Some((Lane::Cancellable, c)),
            (Some(f), _) => Some((Lane::Fixed, f)),
            (None, Some(c)) => Some((Lane::Cancellable, c)),
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_day_events_keep_push_order_across_lanes() {
        let mut q = EventQueue::default();
        q.push(5, 'b');
        q.push(3, 'a');
        q.push_cancellable(5, 'c');
        q.push(5, 'd');
        q.push_cancellable(5, 'e');
        q.push(5, 'f');
        assert!(q.cancel(&'c'));
        assert!(!q.cancel(&'c'));
        assert_eq!(q.len(), 5);
        assert_eq!(q.next_day(), Some(3));
        assert_eq!(q.pop_on(5), None);
        assert_eq!(q.pop_on(3), Some('a'));
        assert_eq!(q.pop_on(5), Some('b'));
        assert_eq!(q.pop_on(5), Some('d'));
        assert_eq!(q.pop_on(5), Some('e'));
        assert_eq!(q.pop_on(5), Some('f'));
        assert_eq!(q.pop_on(5), None);
        assert!(q.is_empty());
    }

    #[test]
    fn pushing_a_cancellable_event_again_moves_it() {
        let mut q = EventQueue::default();
        q.push_cancellable(9, 'x');
        q.push(4, 'y');
        q.push_cancellable(2, 'x');
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop_on(2), Some('x'));
        assert_eq!(q.pop_on(4), Some('y'));
        assert!(q.is_empty());
    }
}
