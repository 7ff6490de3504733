//! Property tables (`[cluster.config]`, `[topics.config]`, `[producers.config]`): any Kafka name, with
//! a TOML string, integer, float or boolean value, turned into the string a `.properties` file would hold.
//!
//! `true` becomes `"true"`, `5` becomes `"5"`, `0.5` becomes `"0.5"` (a whole float keeps its `.0`, as
//! Java prints doubles), and an array of such values becomes a comma-separated list
//! (`["compact", "delete"]` is `"compact,delete"`, as Kafka's list configs are written). The order of
//! the file is kept.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// `(name, value)` pairs in file order, values in `.properties` string form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Props(pub(crate) Vec<(String, String)>);

/// One property value as its `.properties` string.
struct PropValue(String);

const EXPECTING: &str = "a string, integer, float or boolean (or an array of them), as a .properties value";

fn float_text(v: f64) -> String {
    // Rust's Debug keeps the `.0` of whole floats, as Java's Double.toString does.
    format!("{v:?}")
}

impl<'de> Deserialize<'de> for PropValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTING)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PropValue, E> {
                Ok(PropValue(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<PropValue, E> {
                Ok(PropValue(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PropValue, E> {
                Ok(PropValue(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PropValue, E> {
                Ok(PropValue(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PropValue, E> {
                Ok(PropValue(float_text(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PropValue, A::Error> {
                let mut items: Vec<String> = Vec::new();
                while let Some(item) = seq.next_element::<Scalar>()? {
                    items.push(item.0);
                }
                Ok(PropValue(items.join(",")))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A list element: a scalar only.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, integer, float or boolean as a list element")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(float_text(v)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Props {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Props;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of Kafka properties, e.g. \"linger.ms\" = 5")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Props, A::Error> {
                let mut pairs: Vec<(String, String)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, PropValue>()? {
                    pairs.push((key, value.0));
                }
                Ok(Props(pairs))
            }
        }
        deserializer.deserialize_map(V)
    }
}
