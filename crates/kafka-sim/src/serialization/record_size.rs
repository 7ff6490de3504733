//! Record sizes as Kafka's producer computes them for message format v2 (uncompressed): the exact
//! `DefaultRecord.sizeInBytes` the accumulator adds to a batch, and the upper bound
//! `AbstractRecords.estimateSizeInBytesUpperBound` that `max.request.size` is checked against.

/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`: the v2 batch header, 61 bytes.
pub const RECORD_BATCH_OVERHEAD: usize = 61;

/// `DefaultRecord.MAX_RECORD_OVERHEAD`: the largest length, attributes, timestamp-delta and
/// offset-delta fields can be (5 + 1 + 10 + 5 bytes).
pub const MAX_RECORD_OVERHEAD: usize = 21;

/// The default `max.request.size` (1 MiB).
pub const DEFAULT_MAX_REQUEST_SIZE: usize = 1_048_576;

/// A record header: its key (UTF-8) and value. Kafka allows a null header value; Spring's type headers
/// and the simulator's headers always have one.
pub type Header = (String, Vec<u8>);

/// `ByteUtils.sizeOfVarint`: bytes of the zigzag varint encoding of an `int`.
pub const fn size_of_varint(value: i32) -> usize {
    let zigzag = ((value << 1) ^ (value >> 31)) as u32;
    size_of_unsigned(zigzag as u64)
}

/// `ByteUtils.sizeOfVarlong`: bytes of the zigzag varint encoding of a `long`.
pub const fn size_of_varlong(value: i64) -> usize {
    let zigzag = ((value << 1) ^ (value >> 63)) as u64;
    size_of_unsigned(zigzag)
}

const fn size_of_unsigned(mut v: u64) -> usize {
    let mut bytes = 1;
    while v >= 0x80 {
        v >>= 7;
        bytes += 1;
    }
    bytes
}

/// A length field as Kafka writes it: `-1` (one byte) for null, else the varint of the length.
fn size_of_length(len: usize) -> usize {
    size_of_varint(i32::try_from(len).unwrap_or(i32::MAX))
}

/// `DefaultRecord.sizeOf(keySize, valueSize, headers)`: the key, value and headers fields.
fn size_of_key_value_headers(key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header]) -> usize {
    let field = |b: Option<&[u8]>| match b {
        None => 1,
        Some(b) => size_of_length(b.len()) + b.len(),
    };
    let mut size = field(key) + field(value);
    size += size_of_length(headers.len());
    for (k, v) in headers {
        size += size_of_length(k.len()) + k.len();
        size += size_of_length(v.len()) + v.len();
    }
    size
}

/// `DefaultRecord.sizeInBytes(offsetDelta, timestampDelta, key, value, headers)`: the exact bytes one
/// record takes in a v2 batch (its length prefix included). This is what a batch grows by, and what
/// `batch.size` is compared with (plus [`RECORD_BATCH_OVERHEAD`] once per batch).
pub fn record_size_in_bytes(
    offset_delta: i32,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
) -> usize {
    let body = 1 // attributes
        + size_of_varint(offset_delta)
        + size_of_varlong(timestamp_delta)
        + size_of_key_value_headers(key, value, headers);
    body + size_of_length(body)
}

/// `AbstractRecords.estimateSizeInBytesUpperBound` for magic v2, uncompressed:
/// `RECORD_BATCH_OVERHEAD + DefaultRecord.recordSizeUpperBound(key, value, headers)`. The producer
/// compares this with `max.request.size` and `buffer.memory` before the record reaches the accumulator.
pub fn estimate_size_in_bytes_upper_bound(
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
) -> usize {
    RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD + size_of_key_value_headers(key, value, headers)
}

/// `KafkaProducer.ensureValidRecordSize`'s `RecordTooLargeException` message when the record exceeds
/// `max.request.size`.
pub fn record_too_large_message(size: usize, max_request_size: usize) -> String {
    format!(
        "The message is {size} bytes when serialized which is larger than {max_request_size}, which is the \
         value of the max.request.size configuration."
    )
}

/// `KafkaProducer.ensureValidRecordSize`'s `RecordTooLargeException` message when the record exceeds
/// `buffer.memory`.
pub fn record_too_large_for_buffer_message(size: usize) -> String {
    format!(
        "The message is {size} bytes when serialized which is larger than the total memory buffer you have \
         configured with the buffer.memory configuration."
    )
}

/// `KafkaProducer.ensureValidRecordSize`: the `RecordTooLargeException` message, if any. `max.request.size`
/// is checked first, then `buffer.memory`.
pub fn check_record_size(size: usize, max_request_size: usize, buffer_memory: usize) -> Option<String> {
    if size > max_request_size {
        Some(record_too_large_message(size, max_request_size))
    } else if size > buffer_memory {
        Some(record_too_large_for_buffer_message(size))
    } else {
        None
    }
}
