//! What the figures depend on besides the code: the machine, the CPU time the benchmark
//! and PostgreSQL spent, and compilers running alongside (Linux `/proc`; elsewhere these
//! read as unknown or zero).

use std::collections::BTreeSet;
use std::fs;

/// `/proc` counts CPU time in USER_HZ ticks, 100 a second on Linux.
const TICKS_PER_SECOND: f64 = 100.0;

/// e.g. "2 cores, Intel(R) Xeon(R) CPU @ 2.20GHz".
pub fn describe() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "CPU model unknown".into());
    format!("{cores} cores, {model}")
}

/// CPU seconds so far of this process and of every `postgres` process.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSeconds {
    pub bench: f64,
    pub postgres: f64,
}

impl std::ops::Sub for CpuSeconds {
    type Output = CpuSeconds;
    fn sub(self, earlier: CpuSeconds) -> CpuSeconds {
        CpuSeconds { bench: self.bench - earlier.bench, postgres: self.postgres - earlier.postgres }
    }
}

/// Backends that ended meanwhile are not counted; the benchmark's pool keeps its
/// connections, so that is little.
pub fn cpu_seconds() -> CpuSeconds {
    let mut cpu = CpuSeconds { bench: process_cpu("self").unwrap_or(0.0), postgres: 0.0 };
    for (pid, name) in processes() {
        if name == "postgres" {
            cpu.postgres += process_cpu(&pid).unwrap_or(0.0);
        }
    }
    cpu
}

/// Compilers running now that are not this benchmark's own `cargo bench`.
pub fn compilers() -> BTreeSet<String> {
    let ancestors = ancestors();
    processes()
        .filter(|(pid, name)| {
            matches!(name.as_str(), "rustc" | "cargo" | "clippy-driver") && !ancestors.contains(pid)
        })
        .map(|(pid, name)| format!("{name} ({pid})"))
        .collect()
}

fn processes() -> impl Iterator<Item = (String, String)> {
    fs::read_dir("/proc").into_iter().flatten().flatten().filter_map(|entry| {
        let pid = entry.file_name().into_string().ok()?;
        pid.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
        let name = fs::read_to_string(entry.path().join("comm")).ok()?;
        Some((pid, name.trim().to_string()))
    })
}

/// `/proc/<pid>/stat` after the command name (which may hold spaces): state, ppid, ...
fn stat_fields(pid: &str) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(stat.rsplit_once(')')?.1.split_whitespace().map(str::to_string).collect())
}

/// User plus system time; fields 14 and 15 of `stat`, i.e. 11 and 12 after the name.
fn process_cpu(pid: &str) -> Option<f64> {
    let fields = stat_fields(pid)?;
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / TICKS_PER_SECOND)
}

fn ancestors() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pid = std::process::id().to_string();
    while let Some(parent) = stat_fields(&pid).and_then(|f| f.get(1).cloned()) {
        if parent == "0" || !found.insert(parent.clone()) {
            break;
        }
        pid = parent;
    }
    found
}
