/**
 * Who may connect and how much a connection may cost, as Redis 7.0's networking.c decides it:
 * the protected-mode rule (no password for the default user: only loopback peers), the texts
 * sent to a refused socket (protected mode, maxclients) and how it is closed, whether a client
 * still counts as unauthenticated for the parser's small request limits (authRequired), and the
 * log line of a client closed for client-query-buffer-limit. Decisions are pure functions of
 * their arguments so they can be tested with made-up peer addresses.
 */

import type { Socket } from 'node:net';
import type { Client } from '../commands/client.js';
import type { Config } from '../config/config.js';
import { quoteRepr } from '../config/parse.js';
import { clientInfoLine } from '../families/connection.js';

/** Redis 7.0's reply to a non-loopback client in protected mode (networking.c), verbatim. */
export const PROTECTED_MODE_DENIED =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
  'In this mode connections are only accepted from the loopback interface. ' +
  'If you want to connect from external computers to Redis you may adopt one of the following solutions: ' +
  "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface " +
  'by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible ' +
  'from internet if you do so. Use CONFIG REWRITE to make this change permanent. ' +
  "2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
  "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
  '4) Setup a an authentication password for the default user. ' +
  'NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n';

/** What a connection over maxclients gets before it is closed (plain TCP only, as in Redis). */
export const MAXCLIENTS_REACHED = '-ERR max number of clients reached\r\n';

/**
 * Redis's islocalClient(): exactly 127.0.0.1 or ::1 — not the rest of 127.0.0.0/8. Node reports
 * IPv4 peers of a dual-stack listener as IPv4-mapped IPv6 addresses, which Redis never sees
 * (its IPv6 sockets are v6-only), so ::ffff:127.0.0.1 counts as 127.0.0.1.
 */
export function isLoopbackPeer(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * Whether the default user can log in without a password (Redis's USER_FLAG_NOPASS on the
 * default user). Until ACL users exist this is "requirepass is empty", the rule AUTH and
 * dispatch() use; an ACL module should answer this from the default user instead.
 */
export function defaultUserNoPass(config: Config): boolean {
  return config.string('requirepass') === '';
}

/**
 * Redis 7.0's clientAcceptHandler rule: with protected-mode on and no password for the default
 * user, only loopback peers are accepted. Unlike Redis 6, `bind` plays no part: an explicit bind
 * to a public address still refuses non-loopback peers.
 */
export function protectedModeDenies(
  config: Config,
  remoteAddress: string | undefined,
  noPass: boolean = defaultUserNoPass(config),
): boolean {
  return config.bool('protected-mode') && noPass && !isLoopbackPeer(remoteAddress);
}

/** Redis's authRequired(): the client must still AUTH before it may run ordinary commands. */
export function authRequired(c: Client): boolean {
  return c.inst.acl.authRequired(c);
}

/**
 * Sends a refusal and closes the socket for good. Redis writes the text and closes the fd at
 * once; waiting for the peer to close its side would let a client that never does hold a file
 * descriptor, so the socket is destroyed as soon as the text is handed to the kernel (or after
 * a second, should even that not happen).
 */
export function refuseSocket(socket: Socket, text: string): void {
  socket.on('error', () => {});
  // Accepted paused (pauseOnConnect): what the client sent is read and dropped, so that closing
  // with unread input does not reset the connection before it reads the error.
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.end(text, () => {
    clearTimeout(timer);
    socket.destroy();
  });
}

/** The warning Redis logs when it closes a client over client-query-buffer-limit. */
export function queryBufferLimitLog(c: Client, now: number, head: Buffer): string {
  return `Closing client that reached max query buffer length: ${clientInfoLine(c, now)} (qbuf initial bytes: ${quoteRepr(head.latin1Slice(0, head.length))})`;
}
