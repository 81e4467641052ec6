/**
 * Node's Buffer has had latin1Slice/latin1Write (the fast paths behind
 * toString('latin1') and write(s, 'latin1')) since v0.x; @types/node does not declare them.
 * The engine's byte representation (one char per byte) relies on them on every request.
 */

declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}

export {};
