//! How a tool reaches the simulated cluster: the seed's addresses (`localhost:9092`..,
//! `host.docker.internal:9092`.., `kafka1:29092`..) name brokers; a known host on another port
//! refuses the connection; other hosts do not resolve. Also the tools' log line format and the
//! bounded waits on the simulation.

use crate::ids::BrokerId;
use crate::sim::Simulation;
use crate::time::SimTime;

/// Where one `host:port` of `bootstrap.servers` leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A broker's listener.
    Broker {
        /// The broker.
        id: BrokerId,
        /// `localhost/127.0.0.1:9092`, as Kafka prints a resolved address.
        shown: String,
    },
    /// A resolvable host where nothing listens.
    Refused {
        /// `localhost/127.0.0.1:9999`.
        shown: String,
    },
    /// A host name that does not resolve.
    Unresolvable(String),
    /// Not `host:port`.
    Invalid(String),
}

fn ip_of(host: &str) -> Option<String> {
    match host {
        "localhost" | "127.0.0.1" => Some("127.0.0.1".into()),
        "host.docker.internal" => Some("192.168.65.254".into()),
        _ => {
            let n: u32 = host.strip_prefix("kafka")?.parse().ok()?;
            Some(format!("172.18.0.{}", 2 + n))
        }
    }
}

/// Resolves one address against a cluster of `brokers` brokers.
pub fn resolve(addr: &str, brokers: u32) -> Endpoint {
    let Some((host, port)) = addr.rsplit_once(':') else {
        return Endpoint::Invalid(addr.to_string());
    };
    let Ok(port) = port.parse::<u32>() else {
        return Endpoint::Invalid(addr.to_string());
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Endpoint::Invalid(addr.to_string());
    }
    let Some(ip) = ip_of(host) else {
        return Endpoint::Unresolvable(host.to_string());
    };
    let shown = format!("{host}/{ip}:{port}");
    let broker = match host.strip_prefix("kafka").and_then(|n| n.parse::<u32>().ok()) {
        // A container listens on its INTERNAL (29092 + n - 1) and EXTERNAL (9092 + n - 1) ports.
        Some(n) => (port == 29091 + n || port == 9091 + n).then_some(n),
        None => port.checked_sub(9091),
    };
    match broker.filter(|b| (1..=brokers).contains(b)) {
        Some(b) => Endpoint::Broker {
            id: BrokerId(b as i32),
            shown,
        },
        None => Endpoint::Refused { shown },
    }
}

/// The seed's address of broker `b` as a client on the host sees it.
pub fn host_address(b: BrokerId) -> String {
    format!("localhost:{}", 9091 + b.0)
}

/// `2024-...`-style date and time of simulated time `t` (counted from the Unix epoch), as log4j's
/// `%d` prints it: `1970-01-01 00:00:05,250`.
pub fn log_time(t: SimTime) -> String {
    let ms = t.as_millis();
    let (days, rem) = (ms / 86_400_000, ms % 86_400_000);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02},{:03}",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// One log4j line of the tools (`[%d] %p %m (%c)%n`).
pub fn log_line(t: SimTime, level: &str, message: &str, logger: &str) -> String {
    format!("[{}] {level} {message} ({logger})\n", log_time(t))
}

/// How a client reached the cluster.
#[derive(Clone, Debug)]
pub enum Connected {
    /// The broker it bootstrapped from.
    Broker(BrokerId),
    /// No broker answered within the time limit; the warnings it logged are in the output.
    TimedOut,
    /// The bootstrap list is unusable: the exception message to print.
    Invalid(String),
}

/// Connects as a client named `client` (`[AdminClient clientId=adminclient-1]`) would, trying
/// each bootstrap address in turn; with none reachable it logs Kafka's warning at every reconnect
/// (`reconnect.backoff.ms` 50 doubling to `reconnect.backoff.max.ms` 1000) for `limit` of simulated
/// time, appending to `stderr`.
pub fn connect(
    sim: &mut Simulation,
    servers: &str,
    client: &str,
    limit: SimTime,
    stderr: &mut String,
) -> Connected {
    let mut endpoints = Vec::new();
    for addr in servers.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        match resolve(addr, sim.spec().brokers) {
            Endpoint::Invalid(a) => {
                return Connected::Invalid(format!("Invalid url in bootstrap.servers: {a}"));
            }
            Endpoint::Unresolvable(h) => {
                let line = format!(
                    "Couldn't resolve server {addr} from bootstrap.servers as DNS resolution failed for {h}"
                );
                stderr.push_str(&log_line(
                    sim.now(),
                    "WARN",
                    &line,
                    "org.apache.kafka.clients.ClientUtils",
                ));
            }
            e => endpoints.push(e),
        }
    }
    if endpoints.is_empty() {
        return Connected::Invalid("No resolvable bootstrap urls given in bootstrap.servers".into());
    }
    let start = sim.now();
    let mut backoff = SimTime::from_millis(50);
    loop {
        for (i, e) in endpoints.iter().enumerate() {
            let node = -1 - i as i64;
            match e {
                Endpoint::Broker { id, .. } if sim.broker_is_up(*id) => return Connected::Broker(*id),
                Endpoint::Broker { shown, .. } | Endpoint::Refused { shown } => {
                    let line = format!(
                        "[{client}] Connection to node {node} ({shown}) could not be established. Node may not be available."
                    );
                    stderr.push_str(&log_line(
                        sim.now(),
                        "WARN",
                        &line,
                        "org.apache.kafka.clients.NetworkClient",
                    ));
                }
                _ => {}
            }
        }
        let next = sim.now() + backoff;
        if next > start + limit {
            sim.run_until(start + limit);
            return Connected::TimedOut;
        }
        sim.run_until(next);
        backoff = (backoff + backoff).min(SimTime::from_millis(1000));
    }
}

/// Runs the simulation in small steps until `done` holds or `limit` of simulated time passed;
/// returns whether `done` held.
pub fn wait_for(sim: &mut Simulation, limit: SimTime, mut done: impl FnMut(&Simulation) -> bool) -> bool {
    let end = sim.now() + limit;
    let step = SimTime::from_millis(1);
    while !done(sim) {
        if sim.now() >= end {
            return false;
        }
        let next = (sim.now() + step).min(end);
        sim.run_until(next);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_addresses_reach_their_brokers() {
        let b = |a: &str| match resolve(a, 3) {
            Endpoint::Broker { id, .. } => Some(id.0),
            _ => None,
        };
        assert_eq!(b("localhost:9092"), Some(1));
        assert_eq!(b("localhost:9094"), Some(3));
        assert_eq!(b("host.docker.internal:9093"), Some(2));
        assert_eq!(b("kafka1:29092"), Some(1));
        assert_eq!(b("kafka3:29094"), Some(3));
        assert_eq!(b("kafka2:29092"), None);
        assert_eq!(b("localhost:9095"), None);
        assert!(matches!(resolve("nowhere:9092", 3), Endpoint::Unresolvable(_)));
        assert!(matches!(resolve("{broker", 3), Endpoint::Invalid(_)));
    }

    #[test]
    fn log_times_count_from_the_epoch() {
        assert_eq!(log_time(SimTime::from_millis(5_250)), "1970-01-01 00:00:05,250");
        assert_eq!(
            log_time(SimTime::from_secs(86_400 * 31 + 3600)),
            "1970-02-01 01:00:00,000"
        );
    }
}
