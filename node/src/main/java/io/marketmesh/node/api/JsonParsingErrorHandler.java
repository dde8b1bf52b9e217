package io.marketmesh.node.api;

import io.marketmesh.node.security.ClientText;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * pekko-http's answer to a request it cannot even parse (URI too long: 414, too many or too large headers: 431, a
 * body over {@code max-content-length}: 413, malformed: 400), in the API's JSON error shape, logged with the
 * client's text escaped ({@link ClientText}) so a malformed request cannot forge a log line. Named by
 * {@code pekko.http.server.parsing.error-handler} (marketmesh-node.conf); pekko-http creates it by reflection.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        int code = status.intValue();
        String summary = ClientText.forLog(info.summary());
        if (log.isWarningEnabled()) {
            log.warning("HTTP request refused before routing ({}): {}", code, summary);
        }
        String error = switch (code) {
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> "bad_request";
        };
        return ApiRoutes.errorBody(code, error, summary);
    }
}
