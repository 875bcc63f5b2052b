//! `--shard I/N`: splitting the name-sorted incident list between N processes without overlap
//! (Kubernetes Indexed Job, Slurm job array, or by hand).

use super::Incident;

/// Why a `--shard` value or its environment index is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// Not of the form `I/N` or `auto/N`.
    #[error("expected I/N or auto/N, got {0:?}")]
    Shape(String),
    /// N is not a positive number.
    #[error("N must be a positive number in {0:?}")]
    Count(String),
    /// I is neither a number nor `auto`.
    #[error("I must be a number or auto in {0:?}")]
    Index(String),
    /// I is not below N.
    #[error("I must be below N in {0:?}")]
    IndexTooLarge(String),
    /// The environment variable holds no index below the shard count.
    #[error("{var}={value:?} is not an index below the shard count {count}")]
    BadEnvironment {
        /// `JOB_COMPLETION_INDEX` or `SLURM_ARRAY_TASK_ID`.
        var: &'static str,
        /// What it held.
        value: String,
        /// N of `auto/N`.
        count: u64,
    },
    /// `auto/N` and neither variable is set.
    #[error("--shard auto/N needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID")]
    NoEnvironment,
}

/// `--shard I/N`: this process takes incident k (name-sorted, 0-based) when k mod N = I.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// `None` for `auto`: read from the environment at run time.
    pub index: Option<u64>,
    /// N, the number of shards (≥ 1).
    pub count: u64,
}

impl Shard {
    /// Parses `I/N` (0 ≤ I < N) or `auto/N`.
    ///
    /// Errors: [`ShardError::Shape`], [`ShardError::Count`], [`ShardError::Index`],
    /// [`ShardError::IndexTooLarge`], each naming the value.
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
            if i >= count {
                return Err(ShardError::IndexTooLarge(s.to_string()));
            }
            Some(i)
        };
        Ok(Shard { index, count })
    }

    /// The shard index: the given one, or `JOB_COMPLETION_INDEX`, or `SLURM_ARRAY_TASK_ID`
    /// (looked up through `env`, so tests need not touch the process environment).
    ///
    /// Errors: [`ShardError::BadEnvironment`], [`ShardError::NoEnvironment`].
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<u64, ShardError> {
        if let Some(i) = self.index {
            return Ok(i);
        }
        for var in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
            if let Some(v) = env(var) {
                return match v.trim().parse::<u64>() {
                    Ok(i) if i < self.count => Ok(i),
                    _ => Err(ShardError::BadEnvironment {
                        var,
                        value: v,
                        count: self.count,
                    }),
                };
            }
        }
        Err(ShardError::NoEnvironment)
    }
}

/// The incidents of shard `index` of `count`: those at positions ≡ index (mod count).
pub fn shard_of(incidents: Vec<Incident>, index: u64, count: u64) -> Vec<Incident> {
    incidents
        .into_iter()
        .enumerate()
        .filter(|(k, _)| (*k as u64) % count == index)
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
            Err(ShardError::IndexTooLarge("3/3".into()))
        );
        assert_eq!(Shard::parse("0/0"), Err(ShardError::Count("0/0".into())));
        assert_eq!(Shard::parse("x"), Err(ShardError::Shape("x".into())));
        let auto = Shard::parse("auto/4").unwrap();
        assert_eq!(auto.index, None);
        let env = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        assert_eq!(auto.resolve(&env), Ok(2));
        let slurm = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "3".to_string());
        assert_eq!(auto.resolve(&slurm), Ok(3));
        let bad = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "4".to_string());
        assert_eq!(
            auto.resolve(&bad),
            Err(ShardError::BadEnvironment {
                var: "JOB_COMPLETION_INDEX",
                value: "4".into(),
                count: 4
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
        assert_eq!(names(shard_of(incs.clone(), 0, 3)), ["c0", "c3", "c6"]);
        assert_eq!(names(shard_of(incs.clone(), 1, 3)), ["c1", "c4"]);
        assert_eq!(names(shard_of(incs, 2, 3)), ["c2", "c5"]);
    }
}
