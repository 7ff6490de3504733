//! The side panels and the topic table (issue 5): the producer panel with its send form, the topic and
//! broker settings, the consumer group panel with a card per member, and the topic table.
//!
//! Every panel draws view data it is given and reports what the user does as a
//! [`kafka_sim::session::Command`] through `on_command`. Option changes are checked first with the core's
//! Kafka config parsing ([`edit`]): a value Kafka refuses shows Kafka's message beside the control
//! (`role="alert"`) and no command goes out. Option controls are named by their Kafka property names, and
//! each has a (?) help disclosure in the page's language.

pub mod edit;
mod group;
mod option;
mod producer;
mod settings;
mod topic_table;

pub use edit::SendOutcome;
pub use group::{
    CONSUMER_OPTIONS, ConsumerGroupPanel, ConsumerGroupPanelProps, MemberCardView, MemberCardViewProps,
    POLL_BAR_SPAN, PollBarView, PollBarViewProps, SessionArcView, SessionArcViewProps, consumer_value,
};
pub use option::{
    ControlKind, HelpToggle, HelpToggleProps, OptionControl, OptionControlProps, OptionRow, OptionRowProps,
    emit_or_refuse,
};
pub use producer::{
    PRODUCER_OPTIONS, ProducerPanel, ProducerPanelProps, SendRecordForm, SendRecordFormProps, SendRecordView,
    SendRecordViewProps, producer_value,
};
pub use settings::{TopicSettingsPanel, TopicSettingsPanelProps};
pub use topic_table::{PartitionRow, PartitionRowProps, TopicTable, TopicTableProps};
