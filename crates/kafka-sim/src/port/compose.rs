//! docker-compose import: broker services (cp-kafka with ZooKeeper, apache/kafka with KRaft) and ZooKeeper.

use super::import::{Draft, ImportedBroker};
use super::yaml::{Entry, Yaml, parse_yaml};
use super::{Ignored, ImportError};
use crate::config::{BrokerConfig, ConfigScope, definition, env_to_property};

/// Broker properties that wire the cluster together rather than configure its behaviour: kept per broker.
const WIRING: &[&str] = &[
    "broker.id",
    "node.id",
    "listeners",
    "advertised.listeners",
    "listener.security.protocol.map",
    "inter.broker.listener.name",
    "zookeeper.connect",
];

/// KRaft-only properties (not in the simulated ZooKeeper-mode `KafkaConfig`).
const KRAFT: &[&str] = &[
    "node.id",
    "process.roles",
    "controller.quorum.voters",
    "controller.listener.names",
    "controller.quorum.bootstrap.servers",
];

/// Image variables that are JVM or logging settings, not properties.
const JVM_ENV: &[&str] = &[
    "KAFKA_HEAP_OPTS",
    "KAFKA_LOG4J_OPTS",
    "KAFKA_OPTS",
    "KAFKA_JMX_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS",
    "KAFKA_GC_LOG_OPTS",
    "KAFKA_LOG4J_ROOT_LOGLEVEL",
    "KAFKA_LOG4J_LOGGERS",
    "KAFKA_TOOLS_LOG4J_LOGLEVEL",
    "KAFKA_JMX_PORT",
    "KAFKA_JMX_HOSTNAME",
    "KAFKA_VERSION",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum ServiceKind {
    Broker,
    ZooKeeper,
    Other,
}

fn scalar_text(v: &Yaml) -> String {
    v.as_str().unwrap_or("").to_owned()
}

/// A service's environment as `(name, value, path)`; list entries without `=` and non-scalar values are
/// ignored with the reason.
fn environment(file: &str, path: &str, env: &Yaml, draft: &mut Draft) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match env {
        Yaml::Map(entries) => {
            for e in entries {
                match &e.value {
                    Yaml::Scalar(s) => out.push((e.key.clone(), s.text.clone())),
                    Yaml::Null => draft.ignore(
                        file,
                        format!("{path}.{}", e.key),
                        "no value: Compose takes it from the host's environment, which an import cannot see",
                    ),
                    other => draft.ignore(
                        file,
                        format!("{path}.{}", e.key),
                        format!("an environment value must be a value, found {}", other.kind()),
                    ),
                }
            }
        }
        Yaml::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                match item.as_str().and_then(|s| s.split_once('=')) {
                    Some((k, v)) => out.push((k.trim().to_owned(), v.to_owned())),
                    None => draft.ignore(
                        file,
                        format!("{path}[{i}]"),
                        "not KEY=VALUE: Compose would take the value from the host's environment",
                    ),
                }
            }
        }
        Yaml::Null => {}
        Yaml::Scalar(_) => draft.ignore(file, path, "environment must be a mapping or a list of KEY=VALUE"),
    }
    out
}

fn classify(service: &Yaml) -> ServiceKind {
    let image = service
        .get("image")
        .and_then(Yaml::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let env_has = |name: &str| match service.get("environment") {
        Some(Yaml::Map(m)) => m.iter().any(|e| e.key == name),
        Some(Yaml::Seq(s)) => s
            .iter()
            .any(|i| i.as_str().is_some_and(|t| t.starts_with(&format!("{name}=")))),
        _ => false,
    };
    if image.contains("cp-kafka")
        || image.contains("cp-server")
        || image.starts_with("apache/kafka")
        || image.contains("bitnami/kafka")
        || env_has("KAFKA_BROKER_ID")
        || env_has("KAFKA_NODE_ID")
    {
        ServiceKind::Broker
    } else if image.contains("zookeeper") || env_has("ZOOKEEPER_CLIENT_PORT") {
        ServiceKind::ZooKeeper
    } else {
        ServiceKind::Other
    }
}

/// `host:port` pairs of a listener list (`INTERNAL://kafka1:29092,EXTERNAL://host.docker.internal:9092`).
fn listener_addresses(list: &str) -> Vec<(String, String)> {
    list.split(',')
        .filter_map(|l| {
            let (_, rest) = l.trim().split_once("://")?;
            let (host, port) = rest.rsplit_once(':')?;
            Some((host.to_owned(), port.to_owned()))
        })
        .collect()
}

/// A published port `H:C`, `IP:H:C`, `H:C/tcp` or `C` as (host port, container port).
fn port_pair(text: &str) -> Option<(String, String)> {
    let text = text.split('/').next().unwrap_or(text);
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        [c] => Some(((*c).to_owned(), (*c).to_owned())),
        [h, c] | [_, h, c] => Some(((*h).to_owned(), (*c).to_owned())),
        _ => None,
    }
}

struct BrokerService {
    service: String,
    names: Vec<String>,
    ports: Vec<String>,
    props: Vec<(String, String)>,
    path: String,
}

fn read_broker(file: &str, entry: &Entry, draft: &mut Draft) -> Result<BrokerService, ImportError> {
    let path = format!("services.{}", entry.key);
    let mut names = vec![entry.key.clone()];
    let mut ports = Vec::new();
    let mut props = Vec::new();
    for e in entry.value.as_map().unwrap_or(&[]) {
        let at = format!("{path}.{}", e.key);
        match e.key.as_str() {
            "image" => {
                let image = scalar_text(&e.value);
                let ok = image.ends_with("cp-kafka:7.7.1")
                    || image.starts_with("apache/kafka:3.7")
                    || image.starts_with("apache/kafka-native:3.7");
                if !ok {
                    draft.notes.push(format!(
                        "{file}: {at}: {image}: the simulation is Kafka 3.7 (cp-kafka 7.7.1, apache/kafka 3.7)"
                    ));
                }
            }
            "container_name" | "hostname" => names.push(scalar_text(&e.value)),
            "ports" => match &e.value {
                Yaml::Seq(items) => {
                    for (n, item) in items.iter().enumerate() {
                        match item.as_str() {
                            Some(p) => ports.push(p.to_owned()),
                            None => draft.ignore(
                                file,
                                format!("{at}[{n}]"),
                                "only the short port syntax (\"HOST:CONTAINER\") is read",
                            ),
                        }
                    }
                }
                other => draft.ignore(file, at, format!("ports must be a list, found {}", other.kind())),
            },
            "environment" => {
                for (name, value) in environment(file, &at, &e.value, draft) {
                    let key_path = format!("{at}.{name}");
                    if value.contains("${") || value.starts_with('$') {
                        draft.ignore(
                            file,
                            key_path,
                            "uses variable interpolation (${...}), which needs the host's environment",
                        );
                    } else if name == "CLUSTER_ID" {
                        draft.ignore(
                            file,
                            key_path,
                            "KRaft cluster id: the simulation runs the cluster in ZooKeeper mode",
                        );
                    } else if JVM_ENV.contains(&name.as_str()) {
                        draft.ignore(
                            file,
                            key_path,
                            "a JVM or logging setting of the image, not modelled",
                        );
                    } else if let Some(prop) = env_to_property(&name) {
                        props.push((prop, value));
                    } else {
                        draft.ignore(
                            file,
                            key_path,
                            "not a broker property: only KAFKA_* variables become server.properties",
                        );
                    }
                }
            }
            "depends_on" => {}
            "networks" => draft.ignore(
                file,
                at,
                "networks are not modelled: every broker reaches every other",
            ),
            other => draft.ignore(file, at, format!("container setting `{other}` is not modelled")),
        }
    }
    Ok(BrokerService {
        service: entry.key.clone(),
        names,
        ports,
        props,
        path: format!("{path}.environment"),
    })
}

fn broker_id(file: &str, b: &BrokerService, key: &str) -> Result<Option<i32>, ImportError> {
    let Some((_, v)) = b.props.iter().find(|(k, _)| k == key) else {
        return Ok(None);
    };
    v.trim()
        .parse::<i32>()
        .map(Some)
        .map_err(|_| ImportError::Config {
            file: file.to_owned(),
            path: b.path.clone(),
            error: crate::config::ConfigError::invalid(key, v.trim(), "Not a number of type INT"),
        })
}

/// Imports a compose file's brokers into `draft`.
pub(crate) fn import_compose(file: &str, text: &str, draft: &mut Draft) -> Result<(), ImportError> {
    let doc = parse_yaml(text).map_err(|error| ImportError::Yaml {
        file: file.to_owned(),
        error,
    })?;
    draft.ignored.extend(doc.ignored.into_iter().map(|i| Ignored {
        file: file.to_owned(),
        ..i
    }));
    if draft.compose_file.is_some() {
        return Err(ImportError::Invalid {
            file: file.to_owned(),
            path: "(file)".to_owned(),
            message: "only one docker-compose file can be imported at a time".to_owned(),
        });
    }
    draft.compose_file = Some(file.to_owned());
    let invalid = |path: &str, message: &str| ImportError::Invalid {
        file: file.to_owned(),
        path: path.to_owned(),
        message: message.to_owned(),
    };
    let Some(root) = doc.root.as_map() else {
        return Err(invalid("(file)", "a compose file is a mapping with `services`"));
    };
    let mut services: &[Entry] = &[];
    for e in root {
        match e.key.as_str() {
            "services" => match e.value.as_map() {
                Some(m) => services = m,
                None => return Err(invalid("services", "must be a mapping of service names")),
            },
            "version" => draft.ignore(file, "version", "obsolete in Compose v2 (it only warns)"),
            other => draft.ignore(file, other, "not modelled: only services are imported"),
        }
    }
    let mut brokers = Vec::new();
    for entry in services {
        match classify(&entry.value) {
            ServiceKind::Broker => brokers.push(read_broker(file, entry, draft)?),
            ServiceKind::ZooKeeper => {
                for e in entry.value.as_map().unwrap_or(&[]) {
                    if !matches!(
                        e.key.as_str(),
                        "environment" | "image" | "container_name" | "hostname" | "ports" | "depends_on"
                    ) {
                        draft.ignore(
                            file,
                            format!("services.{}.{}", entry.key, e.key),
                            format!("container setting `{}` is not modelled", e.key),
                        );
                    }
                    if e.key == "environment" {
                        let at = format!("services.{}.environment", entry.key);
                        for (name, _) in environment(file, &at, &e.value, draft) {
                            draft.ignore(
                                file,
                                format!("{at}.{name}"),
                                "ZooKeeper's own setting: the simulation's controller stands in for ZooKeeper",
                            );
                        }
                    }
                }
                draft.notes.push(format!(
                    "{file}: services.{}: ZooKeeper is modelled by the simulation's controller",
                    entry.key
                ));
            }
            ServiceKind::Other => draft.ignore(
                file,
                format!("services.{}", entry.key),
                "not a Kafka broker or ZooKeeper service (image cp-kafka or apache/kafka, or KAFKA_BROKER_ID)",
            ),
        }
    }
    if brokers.is_empty() {
        return Err(invalid(
            "services",
            "no Kafka broker service (an image confluentinc/cp-kafka or apache/kafka, or KAFKA_BROKER_ID)",
        ));
    }
    build_brokers(file, brokers, draft)
}

fn build_brokers(file: &str, brokers: Vec<BrokerService>, draft: &mut Draft) -> Result<(), ImportError> {
    let mut ids = Vec::new();
    let mut shared: Vec<Vec<(String, String)>> = Vec::new();
    for b in &brokers {
        let id = match broker_id(file, b, "broker.id")? {
            Some(id) => Some(id),
            None => broker_id(file, b, "node.id")?,
        };
        ids.push(id);
        // Kafka's own checks of everything the simulated KafkaConfig defines (KRaft keys aside).
        let checked: Vec<(String, String)> = b
            .props
            .iter()
            .filter(|(k, _)| !KRAFT.contains(&k.as_str()))
            .cloned()
            .collect();
        BrokerConfig::parse(checked).map_err(|error| ImportError::Config {
            file: file.to_owned(),
            path: b.path.clone(),
            error,
        })?;
        let mut rest = Vec::new();
        for (k, v) in &b.props {
            let at = format!("{}.{}", b.path, super::export::env_name(k));
            if KRAFT.contains(&k.as_str()) && k != "node.id" {
                draft.ignore(
                    file,
                    at,
                    format!("KRaft setting `{k}`: the simulation runs the cluster in ZooKeeper mode"),
                );
            } else if WIRING.contains(&k.as_str()) {
            } else if definition(ConfigScope::Broker, k).is_none() {
                draft.ignore(
                    file,
                    at,
                    format!("`{k}` is a broker setting the simulation does not model"),
                );
            } else {
                rest.push((k.clone(), v.clone()));
            }
        }
        shared.push(rest);
    }
    // Order by configured id when every broker has a distinct one; else file order.
    let mut order: Vec<usize> = (0..brokers.len()).collect();
    let all_ids: Vec<i32> = ids.iter().flatten().copied().collect();
    let distinct = all_ids.len() == ids.len() && {
        let mut s = all_ids.clone();
        s.sort_unstable();
        s.dedup();
        s.len() == all_ids.len()
    };
    if distinct {
        order.sort_by_key(|&i| ids[i]);
    }
    let numbered: Vec<i32> = (1..=brokers.len())
        .map(|n| i32::try_from(n).unwrap_or(i32::MAX))
        .collect();
    let in_order: Vec<i32> = order.iter().filter_map(|&i| ids[i]).collect();
    if in_order != numbered {
        draft.notes.push(format!(
            "{file}: the simulation numbers the brokers 1 to {} (configured ids: {})",
            brokers.len(),
            ids.iter()
                .map(|i| i.map_or("unset".to_owned(), |v| v.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // Settings every broker shares go to [cluster.config]; the others cannot be modelled.
    let mut keys: Vec<String> = Vec::new();
    for props in &shared {
        for (k, _) in props {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    for k in keys {
        let values: Vec<Option<&String>> = shared
            .iter()
            .map(|p| p.iter().find(|(key, _)| *key == k).map(|(_, v)| v))
            .collect();
        match values.first().copied().flatten() {
            Some(first) if values.iter().all(|v| *v == Some(first)) => {
                draft.cluster_config.push((k.clone(), first.clone()));
            }
            _ => {
                let shown: Vec<String> = (brokers.iter().zip(&values))
                    .map(|(b, v)| format!("{}: {}", b.service, v.map_or("unset", |s| s.as_str())))
                    .collect();
                draft.ignore(
                    file,
                    format!("services.*.environment.{}", super::export::env_name(&k)),
                    format!(
                        "differs between brokers ({}); the simulation gives every broker one configuration, \
                         so Kafka's default is used",
                        shown.join(", ")
                    ),
                );
            }
        }
    }
    for (n, &i) in order.iter().enumerate() {
        let b = &brokers[i];
        let get = |key: &str| b.props.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let listeners = get("listeners");
        let advertised = get("advertised.listeners");
        let bound = listener_addresses(advertised.as_deref().or(listeners.as_deref()).unwrap_or(""));
        let mut addresses: Vec<String> = Vec::new();
        let mut add = |a: String| {
            if !addresses.contains(&a) {
                addresses.push(a);
            }
        };
        for (host, port) in &bound {
            if !host.is_empty() && host != "0.0.0.0" {
                add(format!("{host}:{port}"));
            }
        }
        let listener_ports: Vec<&String> = bound.iter().map(|(_, p)| p).collect();
        for name in &b.names {
            for port in &listener_ports {
                add(format!("{name}:{port}"));
            }
        }
        for p in &b.ports {
            if let Some((host, container)) = port_pair(p)
                && listener_ports.contains(&&container)
            {
                add(format!("localhost:{host}"));
                add(format!("127.0.0.1:{host}"));
            }
        }
        draft.brokers.push(ImportedBroker {
            service: b.service.clone(),
            id: u32::try_from(n + 1).unwrap_or(u32::MAX),
            configured_id: ids[i],
            listeners,
            advertised_listeners: advertised,
            ports: b.ports.clone(),
            addresses,
        });
    }
    Ok(())
}
