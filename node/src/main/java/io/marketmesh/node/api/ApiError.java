package io.marketmesh.node.api;

/** An error the API answers with: {@code {"error": code, "message": message}} and an HTTP status. */
final class ApiError extends RuntimeException {

    final int status;
    final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    static ApiError notFound(String code, String message) {
        return new ApiError(404, code, message);
    }

    static ApiError notReady(String message) {
        return new ApiError(503, "not_ready", message);
    }

    static ApiError timeout(String message) {
        return new ApiError(504, "timeout", message);
    }
}
