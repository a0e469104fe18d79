//! The event queue: events come off in (day, sequence) order.
//!
//! Built on `priority-queue` because the engine must cancel a pending event by
//! its key (a rack cohort's burn-in, when the rack loses power). The sequence
//! number makes the order of same-day events fixed: first pushed, first out.

use std::cmp::Reverse;
use std::hash::{BuildHasherDefault, Hash};

use priority_queue::PriorityQueue;
use rustc_hash::FxHasher;

use crate::scenario::Day;

pub struct EventQueue<E: Hash + Eq> {
    // FxHash: keys are small and not attacker-chosen; SipHash cost ~15% of a run.
    queue: PriorityQueue<E, Reverse<(Day, u64)>, BuildHasherDefault<FxHasher>>,
    next_seq: u64,
}

impl<E: Hash + Eq> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            queue: PriorityQueue::with_default_hasher(),
            next_seq: 0,
        }
    }
}

impl<E: Hash + Eq> EventQueue<E> {
    /// Schedules `event` on `day`. Each event value is pending at most once;
    /// pushing it again moves it.
    pub fn push(&mut self, day: Day, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.queue.push(event, Reverse((day, seq)));
    }

    /// The day of the next event, if any.
    pub fn next_day(&self) -> Option<Day> {
        self.queue.peek().map(|(_, Reverse((day, _)))| *day)
    }

    /// Takes the next event if it falls on `day`.
    pub fn pop_on(&mut self, day: Day) -> Option<E> {
        match self.queue.peek() {
            Some((_, Reverse((d, _)))) if *d == day => self.queue.pop().map(|(e, _)| e),
            _ => None,
        }
    }

    /// Cancels a pending event; true if it was pending.
    pub fn cancel(&mut self, event: &E) -> bool {
        self.queue.remove(event).is_some()
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
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
