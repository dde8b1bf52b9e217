package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.marketmesh.node.testkit.RawHttp;
import io.marketmesh.node.testkit.TestNode;
import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by HttpApiFuzzTest with tokens configured: a mutation refused before its endpoint (401, 403, 429) was
 * answered with its large body unread, so pekko-http closed the connection and a client still sending the body could
 * lose the answer to the reset. The body is read first now: the answer comes, and the connection goes on.
 */
class RefusedBodyTest {

    @Test
    void aRefusedRequestsBodyIsReadAndTheConnectionGoesOn(@TempDir Path tmp) throws Exception {
        try (TestNode node = TestNode.start(Map.of(
                "marketmesh.http.auth.tokens-file", ApiTokensNodeTest.tokensFile(tmp).toString()))) {
            String body = "[".repeat(200_000);
            String requests = "POST /api/v1/instruments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /health/alive HTTP/1.1\r\nHost: x\r\n\r\n";
            try (Socket socket = RawHttp.open(node.httpPort(), Duration.ofSeconds(20))) {
                OutputStream out = socket.getOutputStream();
                out.write(requests.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
                RawHttp.Answer refused = RawHttp.read(in);
                assertEquals(401, refused.status(), refused.toString());
                assertNotEquals("close", refused.headers().get("connection"), refused.toString());
                RawHttp.Answer next = RawHttp.read(in);
                assertEquals(200, next.status(), "the next request on the connection: " + next);
            }
        }
    }
}
