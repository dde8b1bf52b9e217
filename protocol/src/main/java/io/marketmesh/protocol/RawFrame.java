package io.marketmesh.protocol;

/**
 * One venue frame exactly as it arrived, for the raw topic: replaying these through a venue parser reproduces
 * everything the node derived from them.
 *
 * @param venue  where it came from
 * @param socket the node's socket number for that venue (frames of one socket keep their order)
 * @param frame  the text as received
 */
public record RawFrame(Venue venue, int socket, String frame) {
}
