/**
 * WebSocket close codes of `/sync` and `/yjs`. Expected refusals of a write are results of the
 * authority path (`ClientRefusal`), sent as `error` frames whose codes are protocol codes.
 */
/** WebSocket close codes of `/sync` and `/yjs` (4000-4999 are free for applications). */
export const CLOSE_CODES = {
  /** Missing, bad or expired access token, or the session ended. */
  unauthorized: 4401,
  /** `/yjs`: the doc belongs to another workspace or is not visible to the user. */
  forbidden: 4403,
  /** `/sync`: unsupported protocol version in `hello`. */
  protocol: 4400,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;
