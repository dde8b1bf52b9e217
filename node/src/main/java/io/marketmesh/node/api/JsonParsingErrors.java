package io.marketmesh.node.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.DefaultParsingErrorHandler$;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request pekko-http cannot parse (an unknown method, a bad request line, an URL or header over the
 * limits, broken framing), which never reaches the routes: the API's JSON error body instead of pekko-http's plain
 * text, so every error of the API has one shape. Named by {@code pekko.http.server.parsing.error-handler}
 * (marketmesh-node.conf); pekko-http makes it with its no-argument constructor.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {

    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        // pekko-http's own handler logs the error as configured (error-logging-verbosity); its plain body is replaced.
        DefaultParsingErrorHandler$.MODULE$.handle(status, info, log, settings);
        int code = status.intValue();
        // 505 is pekko-http's answer to any request line that does not end in HTTP/1.0 or HTTP/1.1: HTTP/0.9, HTTP/2
        // without an upgrade, but also a garbled line ("GET / HTTP/1.1 x"). Each is the client's mistake: a 4xx.
        int answered = code == 505 ? 400 : code;
        return ApiRoutes.errorBody(answered, code(code), info.summary());
    }

    static String code(int status) {
        return switch (status) {
            case 408 -> "request_timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            case 505 -> "http_version_not_supported";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }
}
