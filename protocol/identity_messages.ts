/**
 * The two handshake messages of the identity exchange (see "Identity" in
 * `protocol/README.md`): the server's `challenge` and the client's `prove`.
 * Both carry base64 only; the bytes and the payload signed are defined in
 * `identity.ts`.
 *
 * @module
 */

/**
 * Sent by the server after a `hello` that offers a key: a fresh nonce the
 * client must sign (see `proofPayload` in `identity.ts`).
 */
export interface ChallengeMessage {
  type: "challenge";
  /** 32 random bytes, standard padded base64 (44 characters). */
  nonce: string;
}

/** The client's answer to `challenge`: its signature of the proof payload. */
export interface ProveMessage {
  type: "prove";
  /** Ed25519 signature (64 bytes), standard padded base64 (88 characters). */
  signature: string;
}
