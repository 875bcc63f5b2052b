//! Site and incident profiles (`halfopen.toml`) and how they layer with the flags.
//!
//! A profile holds the facts that would otherwise be typed as flags on every run: host names
//! and addresses, the alarm provider and its clients (by address or by host name), the
//! half-open limit, the give-up time, the alarm-gap threshold, the zone of local times, clock
//! offsets and the netstat snapshot time. Layers, lowest first ([`Layers::config`]):
//!
//! 1. the defaults of [`Config::new`];
//! 2. the site profile, `--config FILE`;
//! 3. the incident's profile, `halfopen.toml` at the top of the bundle folder (so each incident
//!    of a `batch` archive carries its own);
//! 4. the flags.
//!
//! A later layer's value replaces an earlier one's; host entries and clock offsets add up (a
//! later offset for the same source replaces the earlier one). Alarm endpoints given by name
//! are resolved once every layer is in, through the host entries of all of them.
//!
//! Unknown keys are an error that names the file, the line and the column (serde's
//! `deny_unknown_fields`, located by the `toml` crate), so a typo never silently does nothing.

use super::Config;
use crate::model::{AlarmEndpoint, NamedTz, SettingError, UtcTime};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The file name of an incident profile inside a bundle folder.
pub const PROFILE_FILE: &str = "halfopen.toml";

/// Why a profile or an endpoint name could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The profile file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML, an unknown key or a value of the wrong type; the message gives the line
    /// and column.
    #[error("{}: {message}", path.display())]
    Parse {
        /// The profile file.
        path: PathBuf,
        /// The `toml` crate's message, with line, column and the offending text.
        message: String,
    },
    /// A key's value is of the right type but not usable (a zone, time or address).
    #[error("{}: {key}: {reason}", path.display())]
    Value {
        /// The profile file.
        path: PathBuf,
        /// The key, e.g. `event_tz` or `alarm.clients`.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An alarm endpoint names a host that neither a layer nor the evidence gives an address.
    #[error(
        "alarm endpoint {name:?}: no --host or profile [hosts] entry, and no name in the evidence \
         (DNS, NetBIOS, DHCP in captures; netstat), gives its address"
    )]
    UnknownHost {
        /// The name as given.
        name: String,
    },
    /// An alarm endpoint names a host with several addresses.
    #[error("alarm endpoint {name:?} is ambiguous: it has the addresses {}; give one", candidates.join(", "))]
    Ambiguous {
        /// The name as given.
        name: String,
        /// Every address the layers give for it.
        candidates: Vec<String>,
    },
}

/// An alarm endpoint as given: an address, or a host name resolved through the host entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSpec {
    /// `ADDR` or `ADDR:PORT`.
    Addr(AlarmEndpoint),
    /// `NAME` or `NAME:PORT`, resolved by [`Layers::config`].
    Name {
        /// The host name (matched case-insensitively on its first DNS label).
        name: String,
        /// The TCP port; `None` = every port.
        port: Option<u16>,
    },
}

impl EndpointSpec {
    /// Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT`, `NAME` or `NAME:PORT`.
    ///
    /// Errors: [`SettingError::EndpointOrName`] naming the value when it is none of these.
    pub fn parse(s: &str) -> Result<EndpointSpec, SettingError> {
        if let Ok(e) = AlarmEndpoint::parse(s) {
            return Ok(EndpointSpec::Addr(e));
        }
        let t = s.trim();
        let (name, port) = match t.rsplit_once(':') {
            Some((n, p)) => (n, Some(p.parse::<u16>().map_err(|_| bad(s))?)),
            None => (t, None),
        };
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            return Err(bad(s));
        }
        Ok(EndpointSpec::Name {
            name: name.to_string(),
            port,
        })
    }

    fn resolve(&self, hosts: &[(String, IpAddr)]) -> Result<AlarmEndpoint, ProfileError> {
        let (name, port) = match self {
            EndpointSpec::Addr(e) => return Ok(*e),
            EndpointSpec::Name { name, port } => (name, *port),
        };
        let label = |n: &str| n.split('.').next().unwrap_or(n).to_ascii_lowercase();
        let mut addrs: Vec<IpAddr> = hosts
            .iter()
            .filter(|(n, _)| label(n) == label(name))
            .map(|(_, a)| *a)
            .collect();
        addrs.sort();
        addrs.dedup();
        match addrs.as_slice() {
            [] => Err(ProfileError::UnknownHost { name: name.clone() }),
            [addr] => Ok(AlarmEndpoint { addr: *addr, port }),
            many => Err(ProfileError::Ambiguous {
                name: name.clone(),
                candidates: many.iter().map(|a| a.to_string()).collect(),
            }),
        }
    }
}

fn bad(s: &str) -> SettingError {
    SettingError::EndpointOrName(s.to_string())
}

/// Whether an alarm endpoint is the provider or a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmRole {
    /// `--alarm-provider` / `[alarm] providers`.
    Provider,
    /// `--alarm-client` / `[alarm] clients`.
    Client,
}

/// An alarm endpoint given by a host name that no `--host` or profile entry resolves: the
/// evidence may (names seen in captures — DNS, NetBIOS, DHCP — and a netstat file's own
/// names and addresses). `pipeline` resolves it once the files are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingName {
    /// Provider or client.
    pub role: AlarmRole,
    /// The host name as given.
    pub name: String,
    /// The TCP port; `None` = every port.
    pub port: Option<u16>,
}

/// One layer of settings: every field optional (`None`/empty = this layer says nothing).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Concurrent half-open connections at which the limit bites.
    pub half_open_limit: Option<u32>,
    /// Seconds after the first SYN at which a sender gives up.
    pub give_up_s: Option<f64>,
    /// Seconds of client–provider silence that count as an alarm gap.
    pub gap_s: Option<f64>,
    /// Zone of local times in Event Viewer exports and netstat stamps.
    pub event_tz: Option<NamedTz>,
    /// Time of netstat snapshots whose file gives none (UTC).
    pub netstat_time: Option<UtcTime>,
    /// Host identities (name, address), added to the earlier layers'.
    pub hosts: Vec<(String, IpAddr)>,
    /// Alarm providers; replaces the earlier layers' when non-empty.
    pub alarm_providers: Vec<EndpointSpec>,
    /// Alarm clients; replaces the earlier layers' when non-empty.
    pub alarm_clients: Vec<EndpointSpec>,
    /// Seconds added per source (file name or path suffix); replaces the same source's.
    pub clock_offsets: Vec<(String, f64)>,
}

/// A profile as read, with where it came from.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The file.
    pub path: PathBuf,
    /// What it sets.
    pub values: Overrides,
}

/// The settings layers of a run, without the incident's own profile (found per bundle).
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// `--config FILE`.
    pub site: Option<Profile>,
    /// The flags.
    pub flags: Overrides,
}

impl Layers {
    /// The [`Config`] for `paths`: defaults, then the site profile, then every incident profile
    /// found at the top of a folder in `paths` ([`PROFILE_FILE`]), then the flags; alarm
    /// endpoint names resolved last. `Config::profiles` lists the profile files used.
    ///
    /// Errors: an incident profile that cannot be read or parsed, or an endpoint name that no
    /// layer resolves ([`ProfileError`]).
    pub fn config(&self, paths: Vec<PathBuf>) -> Result<Config, ProfileError> {
        let mut bundle = Vec::new();
        for p in &paths {
            let candidate = p.join(PROFILE_FILE);
            if p.is_dir() && candidate.is_file() {
                bundle.push(Profile::load(&candidate)?);
            }
        }
        let mut c = Config::new(paths);
        let mut providers = Vec::new();
        let mut clients = Vec::new();
        let layers = self
            .site
            .iter()
            .chain(&bundle)
            .map(|p| (Some(p), &p.values));
        for (profile, o) in layers.chain(std::iter::once((None, &self.flags))) {
            if let Some(p) = profile {
                c.profiles.push(p.path.clone());
            }
            o.apply(&mut c, &mut providers, &mut clients);
        }
        let mut pending = Vec::new();
        c.alarm_providers = resolve_all(&providers, &c.hosts, AlarmRole::Provider, &mut pending)?;
        c.alarm_clients = resolve_all(&clients, &c.hosts, AlarmRole::Client, &mut pending)?;
        c.alarm_names = pending;
        Ok(c)
    }
}

/// Resolves what the host entries can; names they do not know at all are left to the evidence
/// (`pending`); a name they give several addresses is an error.
fn resolve_all(
    specs: &[EndpointSpec],
    hosts: &[(String, IpAddr)],
    role: AlarmRole,
    pending: &mut Vec<PendingName>,
) -> Result<Vec<AlarmEndpoint>, ProfileError> {
    let mut out = Vec::new();
    for s in specs {
        match s.resolve(hosts) {
            Ok(e) => out.push(e),
            Err(ProfileError::UnknownHost { name }) => {
                let port = match s {
                    EndpointSpec::Name { port, .. } => *port,
                    EndpointSpec::Addr(a) => a.port,
                };
                pending.push(PendingName { role, name, port });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Resolves `name` among `(name, address, where seen)` candidates from the evidence, matching
/// on the first DNS label, case-insensitively.
///
/// Errors: [`ProfileError::UnknownHost`] when no candidate has the name,
/// [`ProfileError::Ambiguous`] (listing each address with where it was seen) when several
/// addresses do.
pub fn resolve_from_evidence(
    pending: &PendingName,
    candidates: &[(String, IpAddr, String)],
) -> Result<AlarmEndpoint, ProfileError> {
    let label = |n: &str| n.split('.').next().unwrap_or(n).to_ascii_lowercase();
    let want = label(&pending.name);
    let mut found: BTreeMap<IpAddr, Vec<&str>> = BTreeMap::new();
    for (n, a, seen) in candidates {
        if label(n) == want {
            let list = found.entry(*a).or_default();
            if !list.contains(&seen.as_str()) {
                list.push(seen.as_str());
            }
        }
    }
    let mut addrs = found.keys();
    match (addrs.next(), addrs.next()) {
        (None, _) => Err(ProfileError::UnknownHost {
            name: pending.name.clone(),
        }),
        (Some(addr), None) => Ok(AlarmEndpoint {
            addr: *addr,
            port: pending.port,
        }),
        _ => Err(ProfileError::Ambiguous {
            name: pending.name.clone(),
            candidates: found
                .iter()
                .map(|(a, seen)| format!("{a} ({})", seen.join(", ")))
                .collect(),
        }),
    }
}

impl Overrides {
    fn apply(
        &self,
        c: &mut Config,
        providers: &mut Vec<EndpointSpec>,
        clients: &mut Vec<EndpointSpec>,
    ) {
        if let Some(v) = self.half_open_limit {
            c.half_open_limit = v;
        }
        if let Some(v) = self.give_up_s {
            c.give_up_s = v;
        }
        if let Some(v) = self.gap_s {
            c.gap_s = v;
        }
        if let Some(v) = &self.event_tz {
            c.event_tz = Some(v.clone());
        }
        if let Some(v) = self.netstat_time {
            c.netstat_time = Some(v);
        }
        c.hosts.extend(self.hosts.iter().cloned());
        if !self.alarm_providers.is_empty() {
            *providers = self.alarm_providers.clone();
        }
        if !self.alarm_clients.is_empty() {
            *clients = self.alarm_clients.clone();
        }
        for (src, secs) in &self.clock_offsets {
            c.clock_offsets.retain(|(s, _)| s != src);
            c.clock_offsets.push((src.clone(), *secs));
        }
    }
}

/// The file layout (every key optional; unknown keys refused).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    half_open_limit: Option<u32>,
    give_up_s: Option<f64>,
    gap_s: Option<f64>,
    event_tz: Option<String>,
    netstat_time: Option<String>,
    #[serde(default)]
    hosts: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    alarm: AlarmSection,
    #[serde(default)]
    clock_offsets: BTreeMap<String, f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlarmSection {
    #[serde(default)]
    providers: Vec<String>,
    #[serde(default)]
    clients: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Profile {
    /// Reads and checks a profile file.
    ///
    /// Errors: [`ProfileError::Io`], [`ProfileError::Parse`] (with line and column, also for
    /// unknown keys), [`ProfileError::Value`] naming the key.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Profile::parse(path, &text)
    }

    /// Checks the text of a profile; `path` is only used in messages.
    ///
    /// Errors: as [`Profile::load`], without `Io`.
    pub fn parse(path: &Path, text: &str) -> Result<Profile, ProfileError> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| ProfileError::Parse {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let value_err = |key: &str, reason: String| ProfileError::Value {
            path: path.to_path_buf(),
            key: key.to_string(),
            reason,
        };
        let event_tz = match &file.event_tz {
            Some(z) => Some(NamedTz::parse(z).map_err(|r| value_err("event_tz", r.to_string()))?),
            None => None,
        };
        let netstat_time = match &file.netstat_time {
            Some(t) => Some(UtcTime::parse_rfc3339(t).ok_or_else(|| {
                value_err("netstat_time", format!("not an RFC 3339 time: {t:?}"))
            })?),
            None => None,
        };
        let mut hosts = Vec::new();
        for (name, addrs) in &file.hosts {
            let list = match addrs {
                OneOrMany::One(a) => std::slice::from_ref(a),
                OneOrMany::Many(v) => v.as_slice(),
            };
            for a in list {
                let ip = a.trim().parse::<IpAddr>().map_err(|_| {
                    value_err(
                        &format!("hosts.{name}"),
                        format!("not an IP address: {a:?}"),
                    )
                })?;
                hosts.push((name.clone(), ip));
            }
        }
        let specs = |key: &str, v: &[String]| -> Result<Vec<EndpointSpec>, ProfileError> {
            v.iter()
                .map(|s| EndpointSpec::parse(s).map_err(|r| value_err(key, r.to_string())))
                .collect()
        };
        let values = Overrides {
            half_open_limit: file.half_open_limit,
            give_up_s: file.give_up_s,
            gap_s: file.gap_s,
            event_tz,
            netstat_time,
            hosts,
            alarm_providers: specs("alarm.providers", &file.alarm.providers)?,
            alarm_clients: specs("alarm.clients", &file.alarm.clients)?,
            clock_offsets: file.clock_offsets.into_iter().collect(),
        };
        Ok(Profile {
            path: path.to_path_buf(),
            values,
        })
    }
}

/// The commented example `halfopen init` writes; it parses as a profile that sets nothing but
/// the documented defaults.
pub const EXAMPLE: &str = r#"# halfopen.toml: the facts of one incident (put it at the top of the bundle folder) or of
# a site (pass it with --config FILE). Flags given on the command line override it; an incident's
# halfopen.toml overrides the site profile. Every key is optional; unknown keys are an error.

# Concurrent half-open outgoing connections at which the limit bites (XP SP2/SP3, Vista RTM/SP1:
# 10; KB969710).
half_open_limit = 10

# Seconds after its first SYN at which a sender gives up an unanswered connect (Windows XP-7:
# SYNs at t, t+3 s, t+9 s, gives up at t+21 s).
give_up_s = 21.0

# Seconds without client-provider traffic that count as an alarm gap.
gap_s = 30.0

# Zone of the local times in Event Viewer text exports and netstat time stamps (IANA name or
# UTC offset). Without it they are read as UTC and the report warns.
# event_tz = "Europe/Berlin"

# Time of netstat snapshots whose file holds no time stamp (RFC 3339). Without it: file mtime.
# netstat_time = "2026-03-14T10:02:40Z"

# Host names and their addresses (one address or a list).
[hosts]
# WS-ALARM01 = "10.1.1.10"
# WS-OPERATOR = ["10.1.1.21", "fe80::21"]

# The alarm provider and its clients, by address (ADDR or ADDR:PORT) or by a name of [hosts].
[alarm]
# providers = ["WS-ALARM01"]
# clients = ["10.1.1.21", "10.1.1.22"]

# Seconds added to one source's times (file name or path suffix = seconds).
[clock_offsets]
# "WS-ALARM01-capture.pcap" = -3.5
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Profile, ProfileError> {
        Profile::parse(Path::new("halfopen.toml"), text)
    }

    #[test]
    fn the_example_parses_and_sets_the_defaults() {
        let p = parse(EXAMPLE).unwrap();
        assert_eq!(p.values.half_open_limit, Some(10));
        assert_eq!(p.values.give_up_s, Some(21.0));
        assert_eq!(p.values.gap_s, Some(30.0));
        assert!(p.values.hosts.is_empty());
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let e = parse("half_open_limit = 10\n\n[alarm]\nprovider = [\"x\"]\n").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 4"), "{msg}");
        assert!(msg.contains("provider"), "{msg}");
        let e = parse("half_open_limt = 10\n").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("half_open_limt"), "{e}");
    }

    #[test]
    fn layers_override_in_order_and_names_resolve_through_hosts() {
        let site = parse(
            "half_open_limit = 12\ngap_s = 40\n[hosts]\nWS-ALARM01 = \"10.1.1.10\"\n\
             [alarm]\nproviders = [\"ws-alarm01:5413\"]\nclients = [\"10.1.1.21\"]\n",
        )
        .unwrap();
        let layers = Layers {
            site: Some(site),
            flags: Overrides {
                gap_s: Some(50.0),
                ..Overrides::default()
            },
        };
        let c = layers.config(Vec::new()).unwrap();
        assert_eq!((c.half_open_limit, c.gap_s), (12, 50.0));
        assert_eq!(
            c.alarm_providers,
            vec![AlarmEndpoint {
                addr: "10.1.1.10".parse().unwrap(),
                port: Some(5413)
            }]
        );
        assert_eq!(c.profiles, vec![PathBuf::from("halfopen.toml")]);
    }

    #[test]
    fn an_unknown_or_ambiguous_name_is_an_error_listing_the_candidates() {
        let hosts = vec![
            ("PLC".to_string(), "10.0.0.1".parse().unwrap()),
            ("plc.plant.local".to_string(), "10.0.0.2".parse().unwrap()),
        ];
        let spec = EndpointSpec::parse("PLC").unwrap();
        let e = spec.resolve(&hosts).unwrap_err().to_string();
        assert!(e.contains("10.0.0.1, 10.0.0.2"), "{e}");
        let e = EndpointSpec::parse("HMI")
            .unwrap()
            .resolve(&hosts)
            .unwrap_err();
        assert!(matches!(e, ProfileError::UnknownHost { .. }));
        assert!(EndpointSpec::parse("a b").is_err());
        // Unknown to every layer: left to the evidence, not an error yet.
        let layers = Layers {
            site: None,
            flags: Overrides {
                alarm_clients: vec![EndpointSpec::parse("HMI:5413").unwrap()],
                ..Overrides::default()
            },
        };
        let c = layers.config(Vec::new()).unwrap();
        assert_eq!(
            c.alarm_names,
            vec![PendingName {
                role: AlarmRole::Client,
                name: "HMI".into(),
                port: Some(5413)
            }]
        );
        let seen = |n: &str, a: &str, w: &str| (n.to_string(), a.parse().unwrap(), w.to_string());
        let one =
            resolve_from_evidence(&c.alarm_names[0], &[seen("hmi.plant", "10.1.1.21", "dns")]);
        assert_eq!(one.unwrap().addr.to_string(), "10.1.1.21");
        let two = resolve_from_evidence(
            &c.alarm_names[0],
            &[
                seen("HMI", "10.1.1.21", "a.pcap"),
                seen("hmi", "10.1.1.22", "b.pcap"),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(
            two.contains("10.1.1.21 (a.pcap), 10.1.1.22 (b.pcap)"),
            "{two}"
        );
    }
}
