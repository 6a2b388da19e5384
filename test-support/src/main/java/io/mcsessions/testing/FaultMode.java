package io.mcsessions.testing;

/** What a {@link FaultProxy} does with the bytes it relays. */
enum FaultMode {
    /** Relay both ways unchanged. */
    PASS_THROUGH,
    /** Delay every chunk from server to client. */
    LATENCY,
    /** Delay every chunk from client to server: requests reach the node late. */
    REQUEST_LATENCY,
    /** Relay half of the next server chunk, then reset that client connection; then pass through. */
    RESET_MID_RESPONSE,
    /** Replace every server chunk by random bytes of the same length. */
    GARBAGE,
    /** Read and drop client bytes, never forward them, never answer. */
    BLACKHOLE
}
