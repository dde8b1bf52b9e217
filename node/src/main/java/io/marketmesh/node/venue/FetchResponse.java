package io.marketmesh.node.venue;

/**
 * The answer to a {@link FetchRequest}: the HTTP status and body, or, when there was no answer at all (timeout,
 * refused connection), {@code status} 0 and {@code error} saying why.
 */
public record FetchResponse(int status, String body, String error) {

    public static FetchResponse failed(String error) {
        return new FetchResponse(0, "", error);
    }

    /** A 2xx answer. */
    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
