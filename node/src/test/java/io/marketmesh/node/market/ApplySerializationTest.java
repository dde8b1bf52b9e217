package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;

/** The receipt stamp of an Apply is for this JVM's clock only: it never crosses to another node. */
class ApplySerializationTest {

    @Test
    void receivedNanosIsNotSerializedButTheSocketAndItsNumberingAre() {
        ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
                "pekko.actor.serialization-bindings { \"io.marketmesh.node.serialization.CborSerializable\" = jackson-cbor }"));
        try {
            Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
            // No event: only the stamp is under test here (how events cross nodes is the cluster's concern).
            MarketActor.Apply apply = new MarketActor.Apply(null, 123_456_789L, 2, 7, 31, 5_000_000_000L, 12);
            Serializer serializer = serialization.findSerializerFor(apply);
            byte[] bytes = serializer.toBinary(apply);
            Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, apply)).get();
            assertEquals(new MarketActor.Apply(null, 0, 2, 7, 31, 5_000_000_000L, 12), back,
                    "the writer's worker, socket, generation and numbering cross; the stamp does not");
        } finally {
            testKit.shutdownTestKit();
        }
    }
}
