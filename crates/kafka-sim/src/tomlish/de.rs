//! A `serde` deserializer over the parsed tree. An error takes the span of the innermost value (or key)
//! being deserialized when it happened: an unknown key's own span, a wrong value's span, a missing key's
//! table (its header).

use super::{Entry, Error, Item, Span, Value};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

/// Parses `text` and deserializes its root table into `T`.
///
/// Any `&str` is accepted without panicking (see [`super::parse`]); an error has the span of what is
/// wrong, except one about the root table itself (say, a missing top-level key), which has none.
pub fn from_str<T: de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    let root = Value::Table(super::parse(text)?);
    T::deserialize(ValueDe {
        value: &root,
        span: None,
    })
}

/// Deserializes one value.
struct ValueDe<'a> {
    value: &'a Value,
    span: Option<Span>,
}

impl<'a> ValueDe<'a> {
    fn of(item: &'a Item) -> ValueDe<'a> {
        ValueDe {
            value: &item.value,
            span: Some(item.span),
        }
    }
}

impl<'de> de::Deserializer<'de> for ValueDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Integer(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Boolean(b) => visitor.visit_bool(*b),
            Value::Array(a) => visitor.visit_seq(SeqDe {
                items: a.items.iter(),
            }),
            Value::Table(t) => visitor.visit_map(MapDe {
                entries: t.entries().iter(),
                value: None,
            }),
        };
        result.map_err(|e| e.or_at(self.span))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let span = self.span;
        visitor.visit_some(self).map_err(|e| e.or_at(span))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let span = self.span;
        visitor.visit_newtype_struct(self).map_err(|e| e.or_at(span))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Table(t) => match t.entries() {
                [entry] => visitor.visit_enum(EnumDe { entry }),
                _ => Err(de::Error::invalid_length(
                    t.len(),
                    &"a table with exactly one key, the variant",
                )),
            },
            other => Err(de::Error::invalid_type(
                unexpected(other),
                &"a string or a table of one key",
            )),
        };
        result.map_err(|e| e.or_at(self.span))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        seq tuple tuple_struct map struct identifier
    }
}

/// How serde names a value in "invalid type" messages.
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::String(s) => de::Unexpected::Str(s),
        Value::Integer(i) => de::Unexpected::Signed(*i),
        Value::Float(f) => de::Unexpected::Float(*f),
        Value::Boolean(b) => de::Unexpected::Bool(*b),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Table(_) => de::Unexpected::Map,
    }
}

/// The elements of an array.
struct SeqDe<'a> {
    items: std::slice::Iter<'a, Item>,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            Some(item) => seed
                .deserialize(ValueDe::of(item))
                .map(Some)
                .map_err(|e| e.or_at(Some(item.span))),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a table.
struct MapDe<'a> {
    entries: std::slice::Iter<'a, Entry>,
    value: Option<&'a Item>,
}

impl<'de> de::MapAccess<'de> for MapDe<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(&entry.item);
        seed.deserialize(KeyDe { entry })
            .map(Some)
            .map_err(|e| e.or_at(Some(entry.key_span)))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(item) => seed
                .deserialize(ValueDe::of(item))
                .map_err(|e| e.or_at(Some(item.span))),
            None => Err(de::Error::custom("a table value was asked for before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A table's key, as a string.
struct KeyDe<'a> {
    entry: &'a Entry,
}

impl<'de> de::Deserializer<'de> for KeyDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(&self.entry.key)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// An enum written as a table of one key: `{ Variant = value }`.
struct EnumDe<'a> {
    entry: &'a Entry,
}

impl<'de> de::EnumAccess<'de> for EnumDe<'de> {
    type Error = Error;
    type Variant = VariantDe<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, VariantDe<'de>), Error> {
        let entry = self.entry;
        let variant = seed
            .deserialize(KeyDe { entry })
            .map_err(|e| e.or_at(Some(entry.key_span)))?;
        Ok((variant, VariantDe { item: &entry.item }))
    }
}

/// The value of an enum's variant.
struct VariantDe<'a> {
    item: &'a Item,
}

impl<'de> de::VariantAccess<'de> for VariantDe<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match &self.item.value {
            Value::Table(t) if t.is_empty() => Ok(()),
            other => Err(<Error as de::Error>::invalid_type(
                unexpected(other),
                &"an empty table for a unit variant",
            )
            .or_at(Some(self.item.span))),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(ValueDe::of(self.item))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(ValueDe::of(self.item), visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(ValueDe::of(self.item), visitor)
    }
}
