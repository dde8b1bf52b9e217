package io.marketmesh.node.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.protocol.ProtocolJson;
import java.util.ArrayList;
import java.util.List;

/**
 * One message from a client: {@code {"op":"subscribe"|"unsubscribe"|"ping","id":<any JSON>,"channels":[...],
 * "depth":n}}.
 *
 * @param id       echoed in the answer (null when absent)
 * @param channels empty for a ping
 * @param depth    0 when absent; -1 when present but not a positive integer
 */
record ClientRequest(String op, JsonNode id, List<String> channels, int depth) {

    /** A message that cannot be taken; its text is for the client. */
    static final class Refused extends Exception {
        final JsonNode id;
        final String code;

        Refused(JsonNode id, String code, String message) {
            super(message, null, false, false);
            this.id = id;
            this.code = code;
        }
    }

    static ClientRequest parse(String text) throws Refused {
        JsonNode root;
        try {
            root = ProtocolJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new Refused(null, "bad_json", "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Refused(null, "bad_json", "a message must be a JSON object with an \"op\"");
        }
        JsonNode id = root.get("id");
        JsonNode op = root.get("op");
        if (op == null || !op.isTextual()) {
            throw new Refused(id, "bad_request", "\"op\" must be \"subscribe\", \"unsubscribe\" or \"ping\"");
        }
        List<String> channels = new ArrayList<>();
        if (op.asText().equals("subscribe") || op.asText().equals("unsubscribe")) {
            JsonNode list = root.get("channels");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw new Refused(id, "bad_request", "\"channels\" must be a non-empty array of channel strings");
            }
            for (JsonNode channel : list) {
                if (!channel.isTextual()) {
                    throw new Refused(id, "bad_channel", "every channel must be a string, not "
                            + io.marketmesh.node.security.ClientText.quote(channel.toString()));
                }
                channels.add(channel.asText());
            }
        }
        JsonNode depthNode = root.get("depth");
        int depth = 0;
        if (depthNode != null && !depthNode.isNull()) {
            depth = depthNode.canConvertToInt() && depthNode.isIntegralNumber() && depthNode.asInt() > 0
                    ? depthNode.asInt() : -1;
        }
        return new ClientRequest(op.asText(), id, List.copyOf(channels), depth);
    }
}
