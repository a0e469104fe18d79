//! The event queue: events come off in (day, sequence) order.
//!
//! A binary heap of (day, sequence, event). The sequence number makes the
//! order of same-day events fixed: first pushed, first out. The engine
//! cancels an event only when racks lose power (a cohort's burn-in), which
//! is rare, so cancelling scans the heap rather than every push and pop
//! paying to index it, as the hash-indexed `priority-queue` crate did
//! (benches/engine.rs, `hold`, compares this queue with a bare heap).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::scenario::Day;

/// One pending event; ordered by (day, sequence) only.
struct Entry<E> {
    day: Day,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.day, self.seq) == (other.day, other.seq)
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.day, self.seq).cmp(&(other.day, other.seq))
    }
}

pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<E: PartialEq> EventQueue<E> {
    /// Schedules `event` on `day`. The engine pushes each event value at
    /// most once while it is pending (cohort ids are never reused), which
    /// is what makes [`cancel`](Self::cancel) by value exact.
    pub fn push(&mut self, day: Day, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { day, seq, event }));
    }

    /// The day of the next event, if any.
    pub fn next_day(&self) -> Option<Day> {
        self.heap.peek().map(|Reverse(e)| e.day)
    }

    /// Takes the next event if it falls on `day`.
    pub fn pop_on(&mut self, day: Day) -> Option<E> {
        match self.heap.peek() {
            Some(Reverse(e)) if e.day == day => self.heap.pop().map(|Reverse(e)| e.event),
            _ => None,
        }
    }

    /// Cancels a pending event; true if it was pending. Linear in the
    /// queue's length (rare: see the module comment).
    pub fn cancel(&mut self, event: &E) -> bool {
        let before = self.heap.len();
        self.heap.retain(|Reverse(e)| e.event != *event);
        self.heap.len() < before
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_day_events_keep_push_order() {
        let mut q = EventQueue::default();
        q.push(5, 'b');
        q.push(3, 'a');
        q.push(5, 'c');
        q.push(5, 'd');
        assert!(q.cancel(&'c'));
        assert_eq!(q.next_day(), Some(3));
        assert_eq!(q.pop_on(5), None);
        assert_eq!(q.pop_on(3), Some('a'));
        assert_eq!(q.pop_on(5), Some('b'));
        assert_eq!(q.pop_on(5), Some('d'));
        assert!(q.is_empty());
    }
}
