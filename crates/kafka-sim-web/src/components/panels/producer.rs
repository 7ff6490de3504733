//! The producer panel: the producer's options (each a control named by its Kafka property), its load, its
//! counters and latency, and the "send one record" form.

use kafka_sim::config::SerdeKind;
use kafka_sim::session::Command;
use kafka_sim::view::ProducerView;
use yew::prelude::*;

use super::edit::{SendOutcome, key_partition, load_change, producer_change};
use super::option::{ControlKind, OptionControl, emit_or_refuse};
use crate::i18n::{Key, Lang, msg, t};

/// Properties of [`ProducerPanel`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct ProducerPanelProps {
    /// The producer, from the view.
    pub producer: ProducerView,
    /// How many partitions its topic has (for the key → partition preview).
    pub partitions: u32,
    /// What became of the last record sent from the form, if any.
    #[prop_or_default]
    pub sent: Option<SendOutcome>,
    /// The page's language.
    pub lang: Lang,
    /// Where changes go ([`Command::SetProducerConfig`], [`Command::SendRecord`]).
    pub on_command: Callback<Command>,
}

/// The producer options the panel shows, in the order of the issue: the seed's, then those that change
/// their effect.
pub const PRODUCER_OPTIONS: [&str; 10] = [
    "acks",
    "linger.ms",
    "retries",
    "key.serializer",
    "value.serializer",
    "batch.size",
    "enable.idempotence",
    "max.in.flight.requests.per.connection",
    "request.timeout.ms",
    "delivery.timeout.ms",
];

/// The current value of producer option `name` as the panel shows it.
pub fn producer_value(p: &ProducerView, name: &str) -> String {
    let c = &p.config;
    match name {
        "acks" => c.acks.clone(),
        "linger.ms" => c.linger_ms.to_string(),
        "retries" => c.retries.to_string(),
        "key.serializer" => c.key_serializer.clone(),
        "value.serializer" => c.value_serializer.clone(),
        "batch.size" => c.batch_size.to_string(),
        "enable.idempotence" => c.enable_idempotence.to_string(),
        "max.in.flight.requests.per.connection" => c.max_in_flight_requests_per_connection.to_string(),
        "request.timeout.ms" => c.request_timeout_ms.to_string(),
        "delivery.timeout.ms" => c.delivery_timeout_ms.to_string(),
        _ => String::new(),
    }
}

fn producer_kind(name: &str) -> ControlKind {
    match name {
        "acks" => ControlKind::Choice(
            ["0", "1", "all"]
                .into_iter()
                .map(|v| (AttrValue::Static(v), AttrValue::Static(v)))
                .collect(),
        ),
        "enable.idempotence" => ControlKind::Bool,
        "key.serializer" | "value.serializer" => ControlKind::Text(
            SerdeKind::ALL
                .iter()
                .map(|k| AttrValue::from(k.serializer_class()))
                .collect(),
        ),
        _ => ControlKind::Number,
    }
}

/// One producer: options, load, statistics and the send form. A region named "Producer <name> → <topic>".
#[component]
pub fn ProducerPanel(props: &ProducerPanelProps) -> Html {
    let p = &props.producer;
    let lang = props.lang;
    let title = msg::producer_title(lang, &p.name, &p.topic);
    let submit = {
        let producer = p.clone();
        let on_command = props.on_command.clone();
        use_callback(
            (producer.name.clone(), producer.config.originals.clone()),
            move |(name, value): (String, String), _| {
                emit_or_refuse(producer_change(&producer, &name, &value), &on_command)
            },
        )
    };
    let load_submit = {
        let producer = p.name.clone();
        let on_command = props.on_command.clone();
        use_callback(producer, move |(name, value): (String, String), producer| {
            emit_or_refuse(load_change(producer, &name, &value), &on_command)
        })
    };
    let options = PRODUCER_OPTIONS.iter().map(|&name| {
        html! {
            <OptionControl key={name} dom_id={format!("producer-{}-{name}", p.index)} name={name}
                           value={producer_value(p, name)} kind={producer_kind(name)} {lang}
                           submit={submit.clone()} />
        }
    });
    let s = &p.stats;
    let ms = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.1} ms"));
    let errors = (!s.errors.is_empty()).then(|| {
        html! {
            <p class="producer-errors">
                <strong>{ t(lang, Key::Errors) }</strong>{ " " }
                { s.errors.iter().map(|(e, n)| format!("{e} × {n}")).collect::<Vec<_>>().join(", ") }
            </p>
        }
    });
    html! {
        <section class={classes!("panel", "producer-panel", (!p.up).then_some("panel-down"))}
                 role="region" aria-label={title.clone()}>
            <h3>{ title }</h3>
            if !p.up {
                <p class="panel-warning" role="status">{ "⚠ " }{ t(lang, Key::ProducerDown) }</p>
            }
            <fieldset class="opts">
                <legend>{ t(lang, Key::Options) }</legend>
                { for options }
            </fieldset>
            <fieldset class="opts load">
                <legend>{ t(lang, Key::Load) }</legend>
                <p class="opt-note">{ t(lang, Key::LoadRestarts) }</p>
                <OptionControl dom_id={format!("producer-{}-send-rate", p.index)} name="send-rate"
                               value={format!("{}", p.rate)} kind={ControlKind::Number} {lang}
                               submit={load_submit.clone()} />
                <OptionControl dom_id={format!("producer-{}-key-pattern", p.index)} name="key-pattern"
                               value={p.keys.clone()} kind={ControlKind::Text(vec![
                                   AttrValue::Static("reserve-{n}"), AttrValue::Static("none"),
                               ])} {lang} submit={load_submit} />
            </fieldset>
            <section class="stats" aria-label={t(lang, Key::Statistics)}>
                <h4>{ t(lang, Key::Statistics) }</h4>
                <dl class="kv stats-grid">
                    <dt>{ t(lang, Key::SentByApp) }</dt><dd data-stat="sent">{ msg::count(s.sent) }</dd>
                    <dt>{ t(lang, Key::AckedByClient) }</dt><dd data-stat="acked">{ msg::count(s.acked) }</dd>
                    <dt>{ t(lang, Key::StatFailed) }</dt><dd data-stat="failed">{ msg::count(s.failed) }</dd>
                    <dt>{ t(lang, Key::StatRetries) }</dt><dd data-stat="retries">{ msg::count(s.retries) }</dd>
                    <dt>{ t(lang, Key::P50Latency) }</dt><dd data-stat="p50">{ ms(p.latency_p50_ms) }</dd>
                    <dt>{ t(lang, Key::P99Latency) }</dt><dd data-stat="p99">{ ms(p.latency_p99_ms) }</dd>
                </dl>
                { for errors }
                <p class="opt-note stats-note">{ t(lang, Key::ProducerStatsNote) }</p>
            </section>
            <SendRecordForm producer={p.clone()} partitions={props.partitions} sent={props.sent.clone()}
                            {lang} on_command={props.on_command.clone()} />
        </section>
    }
}

/// Properties of [`SendRecordForm`] and [`SendRecordView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct SendRecordFormProps {
    /// The producer.
    pub producer: ProducerView,
    /// Its topic's partition count.
    pub partitions: u32,
    /// What became of the last record sent.
    #[prop_or_default]
    pub sent: Option<SendOutcome>,
    /// The page's language.
    pub lang: Lang,
    /// Where [`Command::SendRecord`] goes.
    pub on_command: Callback<Command>,
}

/// The "send one record" form: key and value; the partition the key hashes to, live as you type; the
/// result once it arrives.
#[component]
pub fn SendRecordForm(props: &SendRecordFormProps) -> Html {
    let key = use_state(|| "reserve-1".to_string());
    let value = use_state(|| r#"{"reservationId":1}"#.to_string());
    let on_key = {
        let key = key.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = input_value(&e) {
                key.set(v);
            }
        })
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = input_value(&e) {
                value.set(v);
            }
        })
    };
    let onsubmit = {
        let (key, value) = (key.clone(), value.clone());
        let producer = props.producer.name.clone();
        let on_command = props.on_command.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_command.emit(Command::SendRecord {
                producer: producer.clone(),
                key: (!key.is_empty()).then(|| (*key).clone()),
                value: (*value).clone(),
            });
        })
    };
    html! {
        <SendRecordView producer={props.producer.clone()} partitions={props.partitions}
                        sent={props.sent.clone()} lang={props.lang}
                        key_text={(*key).clone()} value_text={(*value).clone()} {on_key} {on_value} {onsubmit} />
    }
}

#[cfg(target_arch = "wasm32")]
fn input_value(e: &InputEvent) -> Option<String> {
    let target: wasm_bindgen::JsValue = e.target()?.into();
    js_sys::Reflect::get(&target, &"value".into()).ok()?.as_string()
}

#[cfg(not(target_arch = "wasm32"))]
fn input_value(_e: &InputEvent) -> Option<String> {
    None
}

/// Properties of [`SendRecordView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct SendRecordViewProps {
    /// The producer.
    pub producer: ProducerView,
    /// Its topic's partition count.
    pub partitions: u32,
    /// What became of the last record sent.
    #[prop_or_default]
    pub sent: Option<SendOutcome>,
    /// The page's language.
    pub lang: Lang,
    /// The key typed.
    pub key_text: AttrValue,
    /// The value typed.
    pub value_text: AttrValue,
    /// The key field changed.
    #[prop_or_default]
    pub on_key: Callback<InputEvent>,
    /// The value field changed.
    #[prop_or_default]
    pub on_value: Callback<InputEvent>,
    /// The form was submitted.
    #[prop_or_default]
    pub onsubmit: Callback<SubmitEvent>,
}

/// The send form as drawn (no state): fields, the key's partition, the last result.
#[component]
pub fn SendRecordView(props: &SendRecordViewProps) -> Html {
    let lang = props.lang;
    let p = &props.producer;
    let id = format!("producer-{}-send", p.index);
    let preview = match key_partition(p, &props.key_text, props.partitions) {
        Ok(Some(partition)) => html! {
            <span class="key-partition" data-partition={partition.to_string()}>
                { msg::key_goes_to(lang, &p.topic, u32::try_from(partition).unwrap_or(0)) }
            </span>
        },
        Ok(None) if props.key_text.is_empty() => {
            html! { <span class="key-partition">{ t(lang, Key::NullKeyHint) }</span> }
        }
        Ok(None) => html! { <span class="key-partition">{ t(lang, Key::KeysIgnored) }</span> },
        Err(e) => html! { <span class="key-partition key-error" role="alert">{ format!("⚠ {e}") }</span> },
    };
    let result = props.sent.as_ref().map(|o| {
        let (class, text) = match o {
            SendOutcome::Refused(m) => ("sent-refused", msg::send_refused(lang, m)),
            SendOutcome::Pending { partition } => {
                ("sent-pending", msg::sent_pending(lang, &p.topic, *partition))
            }
            SendOutcome::Acked { partition, offset } => {
                ("sent-acked", msg::sent_acked(lang, &p.topic, *partition, *offset))
            }
            SendOutcome::Failed { partition, error } => {
                ("sent-failed", msg::sent_failed(lang, &p.topic, *partition, error))
            }
        };
        html! { <p class={classes!("sent-result", class)} role="status">{ text }</p> }
    });
    html! {
        <form class="send-record" aria-label={t(lang, Key::SendOneRecord)} onsubmit={props.onsubmit.clone()}>
            <h4>{ t(lang, Key::SendOneRecord) }</h4>
            <label for={format!("{id}-key")}>{ t(lang, Key::RecordKey) }</label>
            <input id={format!("{id}-key")} type="text" value={props.key_text.clone()}
                   oninput={props.on_key.clone()} />
            <label for={format!("{id}-value")}>{ t(lang, Key::RecordValue) }</label>
            <input id={format!("{id}-value")} type="text" value={props.value_text.clone()}
                   oninput={props.on_value.clone()} />
            <p class="key-preview" aria-live="polite">{ preview }</p>
            <button type="submit">{ t(lang, Key::Send) }</button>
            <div class="sent" aria-label={t(lang, Key::Result)}>{ for result }</div>
        </form>
    }
}
