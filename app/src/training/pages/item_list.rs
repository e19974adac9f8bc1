//! A list the author edits item by item.
//!
//! Each item has its own signal, so typing in one item re-renders only the inputs that
//! read it, and a uid that `<For>` keys on, so moving or deleting an item moves or drops
//! its DOM nodes instead of rebuilding the list. Rendering the whole list from one
//! signal would recreate every input on each keystroke, and the cursor would lose focus.

use super::draft::shift;
use leptos::prelude::*;

pub struct ItemList<T: Send + Sync + 'static> {
    items: RwSignal<Vec<(u64, RwSignal<T>)>>,
    next_uid: StoredValue<u64>,
}

// By hand: derived, they would ask `T: Copy` although only handles are copied.
impl<T: Send + Sync + 'static> Clone for ItemList<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for ItemList<T> {}

impl<T: Clone + Send + Sync + 'static> ItemList<T> {
    /// Uids count from 0 in the given order, so the server and the browser give the
    /// loaded items the same ones.
    pub fn new(values: Vec<T>) -> Self {
        let items: Vec<_> =
            values.into_iter().enumerate().map(|(i, v)| (i as u64, RwSignal::new(v))).collect();
        let next_uid = StoredValue::new(items.len() as u64);
        ItemList { items: RwSignal::new(items), next_uid }
    }

    /// The items with their uids, for `<For each=...>` (tracks the order only).
    pub fn entries(&self) -> Vec<(u64, RwSignal<T>)> {
        self.items.get()
    }

    /// The current values in order (tracks the order and every item).
    pub fn values(&self) -> Vec<T> {
        self.items.with(|items| items.iter().map(|(_, item)| item.get()).collect())
    }

    pub fn len(&self) -> usize {
        self.items.with(Vec::len)
    }

    pub fn push(&self, value: T) {
        let uid = self.next_uid.get_value();
        self.next_uid.set_value(uid + 1);
        self.items.update(|items| items.push((uid, RwSignal::new(value))));
    }

    pub fn remove(&self, uid: u64) {
        self.items.update(|items| items.retain(|(u, _)| *u != uid));
    }

    /// Moves the item one place up or down (nothing at the ends).
    pub fn shift(&self, uid: u64, up: bool) {
        self.items.update(|items| {
            if let Some(index) = items.iter().position(|(u, _)| *u == uid) {
                shift(items, index, up);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_uid_and_signal_when_moved_or_removed() {
        let owner = Owner::new();
        owner.set();
        let list = ItemList::new(vec!["a", "b"]);
        list.push("c");
        let uids = || list.entries().into_iter().map(|(uid, _)| uid).collect::<Vec<_>>();
        assert_eq!(uids(), [0, 1, 2]);
        list.shift(2, true);
        list.remove(0);
        assert_eq!(uids(), [2, 1]);
        assert_eq!(list.values(), ["c", "b"]);
        list.entries()[1].1.set("B");
        list.push("d");
        assert_eq!(uids(), [2, 1, 3], "a removed item's uid is not reused");
        assert_eq!(list.values(), ["c", "B", "d"]);
    }
}
