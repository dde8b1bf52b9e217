package io.marketmesh.node.cluster;

import io.marketmesh.node.serialization.CborSerializable;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One per node, registered with the receptionist: tells whoever asks (another node's {@code /api/v1/cluster}) this
 * node's dependency health, today its Kafka state.
 */
public final class NodeStatusReporter {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "marketmesh-node-status");

    public sealed interface Command extends CborSerializable permits GetStatus {
    }

    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /** @param node the node's cluster address as {@code host:port}, as {@code /api/v1/cluster} names members */
    public record Status(String node, KafkaState kafka) implements CborSerializable {
    }

    private NodeStatusReporter() {
    }

    public static Behavior<Command> create() {
        return Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
            NodeReadiness readiness = NodeReadiness.get(context.getSystem());
            String node = hostPort(Cluster.get(context.getSystem()).selfMember().address());
            return Behaviors.receive(Command.class)
                    .onMessage(GetStatus.class, get -> {
                        get.replyTo().tell(new Status(node, readiness.kafka()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    static String hostPort(Address address) {
        return address.getHost().orElse("?") + ":" + address.getPort().map(String::valueOf).orElse("?");
    }
}
