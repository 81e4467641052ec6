/**
 * Server-assisted client-side caching (Redis's tracking.c): which keys each tracking client
 * has read, and the invalidation messages sent when those keys change.
 * The hooks below are called from dispatch (after every command) and from the keyspace
 * listener; while no client has tracking on they return at once.
 */

import type { Client } from './client.js';
import type { Command } from './spec.js';

export class Tracking {
  /** Clients with CLIENT TRACKING on. */
  readonly clients = new Set<Client>();

  /** After a command ran for `c` (remembers the keys a read command fetched). */
  afterCommand(_c: Client, _cmd: Command, _argv: string[]): void {}

  /** A key changed; `by` is the client whose command changed it (null for expiry/eviction). */
  keyModified(_db: number, _key: string, _by: Client | null): void {}

  /** A database is about to be flushed (-1: all). */
  dbFlushed(_db: number): void {}

  clientClosed(c: Client): void {
    this.clients.delete(c);
  }
}
