//! `--shard K/N`: splitting the name-sorted incident list between N processes without overlap
//! (Kubernetes Indexed Job, Slurm job array, GNU parallel, or by hand). Shards count from 1, as
//! nextest (`--partition count:1/2`), Playwright and Jest (`--shard=1/2`) and CI matrices do:
//! `1/2` and `2/2` are the two halves.

use super::Incident;

/// Why a `--shard` value or its environment index is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// Not of the form `K/N` or `auto/N`.
    #[error("expected K/N or auto/N, got {0:?}")]
    Shape(String),
    /// N is not a positive number.
    #[error("N must be a positive number in {0:?}")]
    Count(String),
    /// K is neither a number nor `auto`.
    #[error("K must be a number or auto in {0:?}")]
    Index(String),
    /// K is 0 or over N.
    #[error(
        "K must be between 1 and N in {0:?}: shards count from 1 (1/2 and 2/2 are the two halves)"
    )]
    IndexRange(String),
    /// The environment variable holds no index of a shard.
    #[error("{var}={value:?} is not a shard index for {count} shards ({var} counts from {base})")]
    BadEnvironment {
        /// `JOB_COMPLETION_INDEX` or `SLURM_ARRAY_TASK_ID`.
        var: &'static str,
        /// What it held.
        value: String,
        /// N of `auto/N`.
        count: u64,
        /// What the variable counts from: 0 for `JOB_COMPLETION_INDEX`, 1 for
        /// `SLURM_ARRAY_TASK_ID` (`sbatch --array=1-N`).
        base: u64,
    },
    /// `auto/N` and neither variable is set.
    #[error("--shard auto/N needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID")]
    NoEnvironment,
}

/// `--shard K/N`: this process takes the incidents at 1-based positions K, K+N, K+2N… of the
/// name-sorted list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, 1 ≤ K ≤ N; `None` for `auto`: read from the environment at run time.
    pub index: Option<u64>,
    /// N, the number of shards (≥ 1).
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` (1 ≤ K ≤ N) or `auto/N`.
    ///
    /// Errors: [`ShardError::Shape`], [`ShardError::Count`], [`ShardError::Index`],
    /// [`ShardError::IndexRange`] (which states that shards count from 1), each naming the value.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| ShardError::Shape(s.to_string()))?;
        let count: u64 = n
            .trim()
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| ShardError::Count(s.to_string()))?;
        let index = if i.trim() == "auto" {
            None
        } else {
            let i: u64 = i
                .trim()
                .parse()
                .map_err(|_| ShardError::Index(s.to_string()))?;
            if i == 0 || i > count {
                return Err(ShardError::IndexRange(s.to_string()));
            }
            Some(i)
        };
        Ok(Shard { index, count })
    }

    /// K, 1-based: the given one, or `JOB_COMPLETION_INDEX` + 1 (Kubernetes counts its pods
    /// from 0), or `SLURM_ARRAY_TASK_ID` (from 1 with `sbatch --array=1-N`). Looked up through
    /// `env`, so tests need not touch the process environment.
    ///
    /// Errors: [`ShardError::BadEnvironment`], [`ShardError::NoEnvironment`].
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<u64, ShardError> {
        if let Some(i) = self.index {
            return Ok(i);
        }
        for (var, base) in [("JOB_COMPLETION_INDEX", 0), ("SLURM_ARRAY_TASK_ID", 1)] {
            if let Some(v) = env(var) {
                let k = v.trim().parse::<u64>().ok().map(|i| i + 1 - base);
                return match k {
                    Some(k) if (1..=self.count).contains(&k) => Ok(k),
                    _ => Err(ShardError::BadEnvironment {
                        var,
                        value: v,
                        count: self.count,
                        base,
                    }),
                };
            }
        }
        Err(ShardError::NoEnvironment)
    }
}

/// The incidents of shard `k` (1-based) of `count`: those at 1-based positions k, k+count, …
pub fn shard_of(incidents: Vec<Incident>, k: u64, count: u64) -> Vec<Incident> {
    incidents
        .into_iter()
        .enumerate()
        .filter(|(pos, _)| (*pos as u64) % count + 1 == k)
        .map(|(_, i)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn shard_parses_and_resolves_from_the_environment() {
        assert_eq!(
            Shard::parse("1/3").unwrap(),
            Shard {
                index: Some(1),
                count: 3
            }
        );
        assert_eq!(
            Shard::parse("3/3"),
            Ok(Shard {
                index: Some(3),
                count: 3
            })
        );
        assert_eq!(
            Shard::parse("0/3"),
            Err(ShardError::IndexRange("0/3".into()))
        );
        assert_eq!(
            Shard::parse("4/3"),
            Err(ShardError::IndexRange("4/3".into()))
        );
        assert!(
            ShardError::IndexRange("0/3".into())
                .to_string()
                .contains("shards count from 1")
        );
        assert_eq!(Shard::parse("0/0"), Err(ShardError::Count("0/0".into())));
        assert_eq!(Shard::parse("x"), Err(ShardError::Shape("x".into())));
        let auto = Shard::parse("auto/4").unwrap();
        assert_eq!(auto.index, None);
        let env = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        // Kubernetes counts from 0: index 2 is the third shard.
        assert_eq!(auto.resolve(&env), Ok(3));
        let slurm = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "3".to_string());
        assert_eq!(auto.resolve(&slurm), Ok(3));
        let slurm0 = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "0".to_string());
        assert!(auto.resolve(&slurm0).is_err());
        let bad = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "4".to_string());
        assert_eq!(
            auto.resolve(&bad),
            Err(ShardError::BadEnvironment {
                var: "JOB_COMPLETION_INDEX",
                value: "4".into(),
                count: 4,
                base: 0
            })
        );
        assert_eq!(auto.resolve(&|_| None), Err(ShardError::NoEnvironment));
    }

    #[test]
    fn shards_partition_the_sorted_list() {
        let incs: Vec<Incident> = (0..7)
            .map(|k| Incident {
                name: format!("c{k}"),
                path: PathBuf::from(format!("/a/c{k}")),
            })
            .collect();
        let names = |v: Vec<Incident>| v.into_iter().map(|i| i.name).collect::<Vec<_>>();
        assert_eq!(names(shard_of(incs.clone(), 1, 3)), ["c0", "c3", "c6"]);
        assert_eq!(names(shard_of(incs.clone(), 2, 3)), ["c1", "c4"]);
        assert_eq!(names(shard_of(incs, 3, 3)), ["c2", "c5"]);
    }
}
