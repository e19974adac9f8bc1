//! Training modules: ordered content blocks and a quiz. Passing the quiz certifies a
//! gigger for every job that requires this training. This area holds the authoring side
//! and the data; the gigger side (reading, attempts, cooldown) builds on it.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use crate::forms::Text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    Text {
        text: Text,
    },
    Image {
        url: String,
        caption: Text,
    },
    /// A link to a video (opened in the phone's player; nothing is embedded).
    Video {
        url: String,
        title: Text,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub prompt: Text,
    pub options: Vec<Text>,
    /// Indexes into `options`. One for a single-choice question, one or more otherwise.
    pub correct: Vec<usize>,
    pub multiple: bool,
}

/// What a training teaches and asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TrainingContent {
    pub blocks: Vec<ContentBlock>,
    pub questions: Vec<Question>,
}

/// A training module with its quiz rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    pub id: i64,
    pub organisation_id: i64,
    pub title: String,
    pub content: TrainingContent,
    pub pass_mark_percent: i16,
    pub max_attempts: i16,
    pub cooldown_minutes: i32,
    pub version: i32,
}

/// A training as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub id: i64,
    pub organisation: String,
    pub title: String,
    pub questions: usize,
    pub jobs_requiring: i64,
}

pub const MAX_BLOCKS: usize = 50;
pub const MAX_QUESTIONS: usize = 50;
/// How many answers a question offers to choose from.
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 10;

fn link_is_safe(url: &str) -> bool {
    url.starts_with("https://") || (url.starts_with('/') && !url.starts_with("//"))
}

impl TrainingContent {
    /// Every problem, numbered as the author sees the blocks and questions (from 1).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.blocks.len() > MAX_BLOCKS || self.questions.len() > MAX_QUESTIONS {
            problems.push(format!("At most {MAX_BLOCKS} blocks and {MAX_QUESTIONS} questions."));
        }
        for (n, block) in self.blocks.iter().enumerate().map(|(i, b)| (i + 1, b)) {
            match block {
                ContentBlock::Text { text } if text.en.trim().is_empty() => {
                    problems.push(format!("Block {n}: the English text is empty."))
                }
                ContentBlock::Image { url, .. } | ContentBlock::Video { url, .. } if !link_is_safe(url) => {
                    problems.push(format!(
                        "Block {n}: the link must start with https:// (or be a path on this site)."
                    ))
                }
                _ => {}
            }
        }
        for (n, question) in self.questions.iter().enumerate().map(|(i, q)| (i + 1, q)) {
            if question.prompt.en.trim().is_empty() {
                problems.push(format!("Question {n}: the English question is empty."));
            }
            if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&question.options.len()) {
                problems.push(format!(
                    "Question {n}: give {MIN_OPTIONS} to {MAX_OPTIONS} answers to choose from."
                ));
            }
            if question.options.iter().any(|option| option.en.trim().is_empty()) {
                problems.push(format!("Question {n}: an answer has no English text."));
            }
            let mut correct = question.correct.clone();
            correct.sort();
            correct.dedup();
            if correct.is_empty() {
                problems.push(format!("Question {n}: mark the correct answer."));
            } else if correct.len() != question.correct.len()
                || correct.iter().any(|&i| i >= question.options.len())
            {
                problems.push(format!("Question {n}: the correct answers do not match the choices."));
            } else if !question.multiple && correct.len() > 1 {
                problems
                    .push(format!("Question {n}: a single-choice question has exactly one correct answer."));
            }
        }
        problems
    }

    /// The score in percent for `answers` (selected option indexes per question, in
    /// order) and which questions were wrong. A question is right only when exactly its
    /// correct options are selected.
    pub fn score(&self, answers: &[Vec<usize>]) -> (u8, Vec<usize>) {
        if self.questions.is_empty() {
            return (0, vec![]);
        }
        let wrong: Vec<usize> = self
            .questions
            .iter()
            .enumerate()
            .filter(|(i, question)| {
                let mut given = answers.get(*i).cloned().unwrap_or_default();
                given.sort();
                given.dedup();
                let mut correct = question.correct.clone();
                correct.sort();
                given != correct
            })
            .map(|(i, _)| i)
            .collect();
        let right = self.questions.len() - wrong.len();
        ((right * 100 / self.questions.len()) as u8, wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(correct: Vec<usize>, multiple: bool) -> Question {
        Question {
            prompt: Text::en("Which?"),
            options: vec![Text::en("a"), Text::en("b"), Text::en("c")],
            correct,
            multiple,
        }
    }

    #[test]
    fn problems_name_the_block_or_question() {
        let content = TrainingContent {
            blocks: vec![
                ContentBlock::Text { text: Text::en("Read this") },
                ContentBlock::Video { url: "javascript:alert(1)".into(), title: Text::en("v") },
            ],
            questions: vec![
                question(vec![0], false),
                question(vec![], false),
                question(vec![0, 1], false),
                question(vec![5], true),
            ],
        };
        assert_eq!(
            content.problems(),
            vec![
                "Block 2: the link must start with https:// (or be a path on this site).",
                "Question 2: mark the correct answer.",
                "Question 3: a single-choice question has exactly one correct answer.",
                "Question 4: the correct answers do not match the choices.",
            ]
        );
    }

    #[test]
    fn score_counts_exact_answers_only() {
        let content = TrainingContent {
            blocks: vec![],
            questions: vec![question(vec![1], false), question(vec![0, 2], true), question(vec![2], false)],
        };
        assert_eq!(content.score(&[vec![1], vec![2, 0], vec![2]]), (100, vec![]));
        assert_eq!(content.score(&[vec![1], vec![0], vec![]]), (33, vec![1, 2]));
    }
}
