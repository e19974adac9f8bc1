//! Manager pages for trainings: the list (with "new training") and the editor.

mod blocks;
mod draft;
mod editor;
mod item_list;
mod list;
mod parts;
mod questions;

pub use editor::TrainingEditor;
pub use list::TrainingList;
