/**
 * The log that persistence writes to: only the two levels it uses. The server passes its
 * Logger (server/log.ts), which has this shape; the library (src/index.ts, which must not reach
 * server/) passes `silentLog`, so an in-process store never prints to the host's stdout.
 */

export interface PersistenceLogger {
  notice(message: string): void;
  warning(message: string): void;
}

/** Discards everything: the in-process store reports failures by throwing instead. */
export const silentLog: PersistenceLogger = {
  notice() {},
  warning() {},
};
