//! The end-to-end benchmark runs pgbench with a copy of the statements the server sends
//! for one JSON gig (bench/gig_statements.pgbench), to tell the database's share of a
//! gig's cost from the HTTP and application's. A copy that drifted from the server's
//! statements would measure something else, so this keeps the two equal.

use app::gigs::server::{reserve, submit};

const SCRIPT: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/gig_statements.pgbench"));

/// `$n` renamed to pgbench's `:name`, as the script binds each parameter.
fn with_names(sql: &str, names: &[(u32, &str)]) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            let mut digits = String::new();
            while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                digits.push(d);
                chars.next();
            }
            let n: u32 = digits.parse().unwrap();
            let name = names.iter().find(|(k, _)| *k == n).unwrap_or_else(|| panic!("no name for ${n}")).1;
            out.push(':');
            out.push_str(name);
        } else {
            out.push(c);
        }
    }
    out
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_benchmarks_copy_of_a_gigs_statements_is_the_servers() {
    let script = words(SCRIPT);
    let take = with_names(
        &reserve::gate_and_take_sql(),
        &[
            (1, "gigger"),
            (2, "day_start"),
            (3, "today"),
            (4, "job"),
            (5, "now"),
            (6, "max_held"),
            (7, "metres_per_degree"),
            (8, "unit_id"),
        ],
    );
    let [read, write] = submit::usual_statements();
    let read = with_names(&read, &[(1, "job"), (2, "taken_id"), (3, "gigger"), (4, "key")]);
    let mut write_names = vec![
        (1, "job"),
        (2, "unit_id"),
        (3, "taken_id"),
        (4, "gigger"),
        (5, "form_version"),
        (6, "answers"),
        (7, "key"),
        (8, "digest"),
        (9, "now"),
        (10, "now"),
        (11, "now"),
        (12, "late"),
        (13, "pay_paise"),
        (14, "detail"),
        (15, "stage"),
    ];
    write_names.extend((16..=25).map(|n| (n, "empty")));
    let write = with_names(&write, &write_names);
    // In the order the server sends them: each result feeds the next statement.
    let expected = [
        format!("{} \\gset", words(&take)),
        format!("{} \\gset", words(&read)),
        format!("{};", words(&write)),
    ];
    let mut rest = script.as_str();
    for statement in &expected {
        let at = rest.find(statement.as_str()).unwrap_or_else(|| {
            panic!("bench/gig_statements.pgbench lacks, after the statements before it:\n{statement}")
        });
        rest = &rest[at + statement.len()..];
    }
}

#[test]
fn parameters_are_renamed_whole() {
    assert_eq!(with_names("$1, $12 and $2::uuid", &[(1, "a"), (2, "b"), (12, "c")]), ":a, :c and :b::uuid");
}
