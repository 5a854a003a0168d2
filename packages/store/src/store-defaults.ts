/** Default cap on one entry for memory and Redis (the Upstash store has a lower one). */
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/**
 * How long a purge is remembered, so that a render which began before it cannot store its now
 * outdated image afterwards: longer than any render that could have started before it.
 */
export const PURGE_MARKER_SECONDS = 600;
