package io.marketmesh.node.serialization;

/**
 * Marker for every message that may cross nodes: bound to Jackson CBOR in marketmesh-node.conf, so Java
 * serialization stays off.
 */
public interface CborSerializable {
}
