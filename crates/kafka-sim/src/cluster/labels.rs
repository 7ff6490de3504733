//! The trace labels of the cluster's messages (Kafka's API names where there is one).

use super::ClusterMsg;
use crate::kernel::Label;

impl Label for ClusterMsg {
    fn label(&self) -> &'static str {
        match self {
            ClusterMsg::ZkConnect { .. } => "ZkConnect",
            ClusterMsg::ZkConnected { .. } => "ZkConnected",
            ClusterMsg::ZkPing { .. } => "ZkPing",
            ClusterMsg::ZkPong { .. } => "ZkPong",
            ClusterMsg::ZkSessionExpired { .. } => "ZkSessionExpired",
            ClusterMsg::ZkRegisterBroker { .. } => "ZkRegisterBroker",
            ClusterMsg::ZkRegistered { .. } => "ZkRegistered",
            ClusterMsg::ControllerChanged { .. } => "ControllerChanged",
            ClusterMsg::ZkCloseSession { .. } => "ZkCloseSession",
            ClusterMsg::ZkControllerContext { .. } => "ZkControllerContext",
            ClusterMsg::ZkBrokersChanged { .. } => "ZkBrokersChanged",
            ClusterMsg::ZkWritePartitions { .. } => "ZkWritePartitions",
            ClusterMsg::LeaderAndIsr { .. } => "LeaderAndIsr",
            ClusterMsg::LeaderAndIsrResponse { .. } => "LeaderAndIsrResponse",
            ClusterMsg::ZkWriteResult { .. } => "ZkWriteResult",
            ClusterMsg::UpdateMetadata { .. } => "UpdateMetadata",
            ClusterMsg::Fetch { .. } => "Fetch",
            ClusterMsg::FetchResponse { .. } => "FetchResponse",
            ClusterMsg::AlterPartition { .. } => "AlterPartition",
            ClusterMsg::AlterPartitionResponse { .. } => "AlterPartitionResponse",
            ClusterMsg::ControlledShutdown { .. } => "ControlledShutdown",
            ClusterMsg::Produce { .. } => "Produce",
            ClusterMsg::ProduceResponse { .. } => "ProduceResponse",
            ClusterMsg::InitProducerId => "InitProducerId",
            ClusterMsg::InitProducerIdResponse { .. } => "InitProducerIdResponse",
            ClusterMsg::MetadataRequest => "Metadata",
            ClusterMsg::MetadataResponse { .. } => "MetadataResponse",
            ClusterMsg::ClientRequest { request, .. } => request.api_name(),
            ClusterMsg::ClientResponse { response, .. } => response.api_name(),
            ClusterMsg::ZkCreateTopic { .. } => "ZkCreateTopic",
            ClusterMsg::ZkTopicsChanged { .. } => "ZkTopicsChanged",
            ClusterMsg::OffsetsTopicMetadata { .. } => "OffsetsTopicMetadata",
            ClusterMsg::ZkDeleteTopic { .. } => "ZkDeleteTopic",
            ClusterMsg::ZkTopicDeletions { .. } => "ZkTopicDeletions",
            ClusterMsg::StopReplica { .. } => "StopReplica",
            ClusterMsg::StopReplicaResponse { .. } => "StopReplicaResponse",
            ClusterMsg::ZkTopicDeleted { .. } => "ZkTopicDeleted",
            ClusterMsg::ZkAddPartitions { .. } => "ZkAddPartitions",
            ClusterMsg::ZkPartitionsChanged { .. } => "ZkPartitionsChanged",
        }
    }
}
