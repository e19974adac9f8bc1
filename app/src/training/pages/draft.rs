//! The editor's changes to blocks and questions as plain functions (no signals), so the
//! rules they keep are unit tested: a single-choice question keeps one correct answer,
//! and the correct marks stay on the same answers when one is removed.

use crate::error::AppError;
use crate::forms::{Lang, Text};
use crate::training::{ContentBlock, Question, MAX_OPTIONS, MIN_OPTIONS};

/// The three kinds of content block. A block keeps its kind: the editor adds a block of a
/// kind, and deletes it to change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Text,
    Image,
    Video,
}

impl BlockKind {
    pub fn of(block: &ContentBlock) -> BlockKind {
        match block {
            ContentBlock::Text { .. } => BlockKind::Text,
            ContentBlock::Image { .. } => BlockKind::Image,
            ContentBlock::Video { .. } => BlockKind::Video,
        }
    }

    pub fn empty_block(self) -> ContentBlock {
        match self {
            BlockKind::Text => ContentBlock::Text { text: Text::default() },
            BlockKind::Image => ContentBlock::Image { url: String::new(), caption: Text::default() },
            BlockKind::Video => ContentBlock::Video { url: String::new(), title: Text::default() },
        }
    }

    /// Also the block's `data-kind` and the middle of its test ids.
    pub fn code(self) -> &'static str {
        match self {
            BlockKind::Text => "text",
            BlockKind::Image => "image",
            BlockKind::Video => "video",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BlockKind::Text => "Text",
            BlockKind::Image => "Image",
            BlockKind::Video => "Video link",
        }
    }

    /// What the block's link is called (text blocks have none).
    pub fn url_label(self) -> &'static str {
        match self {
            BlockKind::Image => "Image link",
            _ => "Video link",
        }
    }

    /// What the block's words are called: the text itself, or a caption or title.
    pub fn words_label(self) -> &'static str {
        match self {
            BlockKind::Text => "Text",
            BlockKind::Image => "Caption",
            BlockKind::Video => "Title",
        }
    }

    /// The test id (before `-en`/`-hi`) of the block's words.
    pub fn words_testid(self) -> &'static str {
        match self {
            BlockKind::Text => "block-text",
            BlockKind::Image => "block-caption",
            BlockKind::Video => "block-title",
        }
    }
}

/// A block's words: a text block's text, an image's caption, a video's title.
pub fn block_words(block: &ContentBlock) -> &Text {
    match block {
        ContentBlock::Text { text } => text,
        ContentBlock::Image { caption, .. } => caption,
        ContentBlock::Video { title, .. } => title,
    }
}

pub fn block_words_mut(block: &mut ContentBlock) -> &mut Text {
    match block {
        ContentBlock::Text { text } => text,
        ContentBlock::Image { caption, .. } => caption,
        ContentBlock::Video { title, .. } => title,
    }
}

/// The link of an image or video block (a text block has none).
pub fn block_url(block: &ContentBlock) -> &str {
    match block {
        ContentBlock::Text { .. } => "",
        ContentBlock::Image { url, .. } | ContentBlock::Video { url, .. } => url,
    }
}

pub fn set_block_url(block: &mut ContentBlock, link: String) {
    if let ContentBlock::Image { url, .. } | ContentBlock::Video { url, .. } = block {
        *url = link;
    }
}

pub fn in_lang(text: &Text, lang: Lang) -> &str {
    match lang {
        Lang::En => &text.en,
        Lang::Hi => &text.hi,
    }
}

pub fn set_in_lang(text: &mut Text, lang: Lang, value: String) {
    match lang {
        Lang::En => text.en = value,
        Lang::Hi => text.hi = value,
    }
}

/// A new question: single choice, with the fewest answers a question may have.
pub fn empty_question() -> Question {
    Question {
        prompt: Text::default(),
        options: vec![Text::default(); MIN_OPTIONS],
        correct: Vec::new(),
        multiple: false,
    }
}

/// Moves the item at `index` one place up or down; false when it is already at that end.
pub fn shift<T>(items: &mut [T], index: usize, up: bool) -> bool {
    let other = if up { index.checked_sub(1) } else { Some(index + 1) };
    match other {
        Some(other) if index < items.len() && other < items.len() => {
            items.swap(index, other);
            true
        }
        _ => false,
    }
}

/// Marks or unmarks answer `index` as correct. Marking an answer of a single-choice
/// question replaces its correct answer, as a radio button would.
pub fn mark_correct(question: &mut Question, index: usize, correct: bool) {
    if !correct {
        question.correct.retain(|&i| i != index);
    } else if !question.multiple {
        question.correct = vec![index];
    } else if !question.correct.contains(&index) {
        question.correct.push(index);
        question.correct.sort_unstable();
    }
}

/// Switching to single choice keeps only the first correct answer.
pub fn set_multiple(question: &mut Question, multiple: bool) {
    question.multiple = multiple;
    if !multiple {
        question.correct.sort_unstable();
        question.correct.truncate(1);
    }
}

/// Adds an empty answer; false when the question already has the most it may have.
pub fn add_option(question: &mut Question) -> bool {
    if question.options.len() >= MAX_OPTIONS {
        return false;
    }
    question.options.push(Text::default());
    true
}

/// Removes answer `index`; the correct marks stay on the same answers (the ones after
/// it move up by one). Keeps at least the fewest answers a question may have.
pub fn remove_option(question: &mut Question, index: usize) -> bool {
    if index >= question.options.len() || question.options.len() <= MIN_OPTIONS {
        return false;
    }
    question.options.remove(index);
    question.correct.retain(|&i| i != index);
    for i in &mut question.correct {
        if *i > index {
            *i -= 1;
        }
    }
    true
}

/// The problems `TrainingContent::problems` reports for one item, e.g. `("Question", 3)`,
/// without the "Question 3: " in front (the item's card already says which it is).
pub fn problems_of(problems: &[String], noun: &str, number: usize) -> Vec<String> {
    let prefix = format!("{noun} {number}: ");
    problems.iter().filter_map(|p| p.strip_prefix(&prefix)).map(str::to_string).collect()
}

/// The quiz rules as the server takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuizRules {
    pub pass_mark_percent: i16,
    pub max_attempts: i16,
    pub cooldown_minutes: i32,
}

/// Reads the three number inputs. Only "is it a whole number" is checked here: out of
/// range numbers go to the server, whose range rules and messages are the only ones (a
/// number too big for the type is sent as its largest value, which the server refuses).
pub fn parse_rules(pass_mark: &str, max_attempts: &str, cooldown: &str) -> Result<QuizRules, AppError> {
    fn whole(field: &str, value: &str, what: &str) -> Result<i64, AppError> {
        value
            .trim()
            .parse()
            .map_err(|_| AppError::invalid(field, format!("Enter the {what} as a whole number.")))
    }
    let pass_mark = whole("pass_mark_percent", pass_mark, "pass mark")?;
    let max_attempts = whole("max_attempts", max_attempts, "number of attempts")?;
    let cooldown = whole("cooldown_minutes", cooldown, "cooldown")?;
    Ok(QuizRules {
        pass_mark_percent: pass_mark.clamp(i16::MIN.into(), i16::MAX.into()) as i16,
        max_attempts: max_attempts.clamp(i16::MIN.into(), i16::MAX.into()) as i16,
        cooldown_minutes: cooldown.clamp(i32::MIN.into(), i32::MAX.into()) as i32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(options: usize, correct: Vec<usize>, multiple: bool) -> Question {
        Question {
            prompt: Text::en("Which?"),
            options: (0..options).map(|i| Text::en(i.to_string())).collect(),
            correct,
            multiple,
        }
    }

    #[test]
    fn shift_moves_one_place_and_stops_at_the_ends() {
        let mut items = vec!['a', 'b', 'c'];
        assert!(shift(&mut items, 1, true));
        assert_eq!(items, ['b', 'a', 'c']);
        assert!(shift(&mut items, 1, false));
        assert_eq!(items, ['b', 'c', 'a']);
        assert!(!shift(&mut items, 0, true));
        assert!(!shift(&mut items, 2, false));
        assert!(!shift(&mut items, 7, true));
        assert_eq!(items, ['b', 'c', 'a']);
    }

    #[test]
    fn single_choice_keeps_one_correct_answer() {
        let mut q = question(3, vec![0], false);
        mark_correct(&mut q, 2, true);
        assert_eq!(q.correct, [2]);
        mark_correct(&mut q, 2, false);
        assert!(q.correct.is_empty());
    }

    #[test]
    fn multiple_choice_collects_correct_answers_in_order() {
        let mut q = question(4, vec![], true);
        mark_correct(&mut q, 3, true);
        mark_correct(&mut q, 1, true);
        mark_correct(&mut q, 3, true);
        assert_eq!(q.correct, [1, 3]);
        set_multiple(&mut q, false);
        assert_eq!((q.multiple, q.correct.clone()), (false, vec![1]));
    }

    #[test]
    fn removing_an_answer_keeps_the_marks_on_the_same_answers() {
        let mut q = question(4, vec![0, 2, 3], true);
        assert!(remove_option(&mut q, 2));
        assert_eq!(q.options, [Text::en("0"), Text::en("1"), Text::en("3")]);
        assert_eq!(q.correct, [0, 2]);
        let mut two = question(MIN_OPTIONS, vec![0], false);
        assert!(!remove_option(&mut two, 0));
        assert_eq!(two.options.len(), MIN_OPTIONS);
    }

    #[test]
    fn answers_stop_at_the_maximum() {
        let mut q = question(MAX_OPTIONS - 1, vec![0], false);
        assert!(add_option(&mut q));
        assert!(!add_option(&mut q));
        assert_eq!(q.options.len(), MAX_OPTIONS);
    }

    #[test]
    fn problems_of_picks_one_item_exactly() {
        let problems = vec![
            "Question 1: the English question is empty.".to_string(),
            "Question 10: mark the correct answer.".to_string(),
            "Block 1: the English text is empty.".to_string(),
        ];
        assert_eq!(problems_of(&problems, "Question", 1), ["the English question is empty."]);
        assert_eq!(problems_of(&problems, "Question", 10), ["mark the correct answer."]);
        assert!(problems_of(&problems, "Block", 2).is_empty());
    }

    #[test]
    fn rules_must_be_whole_numbers_and_saturate_when_huge() {
        assert_eq!(
            parse_rules(" 80", "3", "60 ").unwrap(),
            QuizRules { pass_mark_percent: 80, max_attempts: 3, cooldown_minutes: 60 }
        );
        assert_eq!(parse_rules("99999", "-99999", "0").unwrap().pass_mark_percent, i16::MAX);
        assert_eq!(parse_rules("99999", "-99999", "0").unwrap().max_attempts, i16::MIN);
        let error = parse_rules("80", "", "60").unwrap_err();
        assert_eq!(
            error.for_field("max_attempts").as_deref(),
            Some("Enter the number of attempts as a whole number.")
        );
        assert!(parse_rules("8.5", "3", "60").unwrap_err().for_field("pass_mark_percent").is_some());
    }
}
