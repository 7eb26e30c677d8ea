/** Wire limits shared by every side. The Worker enforces them; clients use them to fail early. */
export const PROTOCOL_VERSION = 1 as const;

/** Longest message text a shopper or agent may send, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 4000;

/** Largest inbound WebSocket frame, in bytes (UTF-8). Checked before JSON.parse. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** How many missed messages a resume may replay before the server sends a full resync instead. */
export const MAX_REPLAY_MESSAGES = 500;

/** Typed close codes (4xxx, as the WebSocket spec reserves for applications). Everything a
 * client can recover from is an error frame instead; these end a socket for good. */
export const CloseCode = {
  /** The agent signed out (or their session was revoked): sign in again, do not reconnect. */
  signedOut: 4401,
} as const;
