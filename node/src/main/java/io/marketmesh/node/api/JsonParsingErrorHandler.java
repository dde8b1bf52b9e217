package io.marketmesh.node.api;

import io.marketmesh.node.security.ClientText;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * pekko-http's answer to a request it cannot even parse (URI too long: 414, too many or too large headers: 431 (too many: pekko-http's 400, made 431 here), a
 * body over {@code max-content-length}: 413, malformed: 400, an unknown method: 501, a request line that is not
 * HTTP/1.x: 400 rather than pekko-http's 505), in the API's JSON error shape, logged with the
 * client's text escaped ({@link ClientText}) so a malformed request cannot forge a log line. Named by
 * {@code pekko.http.server.parsing.error-handler} (marketmesh-node.conf); pekko-http creates it by reflection.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        String summary = ClientText.forLog(info.summary());
        int code = tooManyHeaders(status.intValue(), info.summary()) ? 431 : status.intValue();
        if (log.isWarningEnabled()) {
            log.warning("HTTP request refused before routing ({}): {}", code, summary);
        }
        String error = switch (code) {
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            case 505 -> "http_version_not_supported";
            default -> "bad_request";
        };
        // 505 is pekko-http's answer to any request line that does not end in HTTP/1.0 or HTTP/1.1: HTTP/0.9, HTTP/2
        // without an upgrade, but also a garbled line ("GET / HTTP/1.1 x"). Each is the client's mistake: a 4xx.
        return ApiRoutes.errorBody(code == 505 ? 400 : code, error, summary);
    }

    /**
     * pekko-http answers more headers than {@code max-header-count} with 400 ("HTTP message contains more than the
     * configured limit of 64 headers"); RFC 6585's 431 is for too many header fields as much as for too large ones,
     * and tells a client which limit it hit.
     */
    static boolean tooManyHeaders(int status, String summary) {
        return status == 400 && summary != null && summary.startsWith("HTTP message contains more than the configured "
                + "limit of ") && summary.endsWith(" headers");
    }
}
