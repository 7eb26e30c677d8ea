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
  /** The agent's sessions were revoked elsewhere (new password, admin reset, removal): check the
   * session; the device that changed the password carries on with its fresh cookie. */
  sessionRevoked: 4403,
  /** The shopper's token opened too many sockets: this, the oldest, made room for a new one. */
  tooManySockets: 4429,
  /** The shopper ended the chat (`kefu('shutdown')`): the token no longer opens it. */
  shutdown: 4410,
} as const;

/** Sockets one shopper token (one conversation) may hold at once; a new one closes the oldest. */
export const MAX_SHOPPER_SOCKETS = 5;

/** Typing indicators relayed per side of a chat: at most one every this many ms. */
export const TYPING_RELAY_INTERVAL_MS = 500;
