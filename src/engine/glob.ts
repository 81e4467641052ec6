/**
 * Glob-style pattern matching with the exact rules of Redis's stringmatchlen (util.c):
 * `*`, `?`, `[abc]`, `[^a]`, `[a-z]` (reversed ranges accepted), `\x` escapes, optional nocase.
 * Patterns and subjects are binary strings (one char per byte). Like Redis, bytes compare as
 * signed chars inside ranges, and nesting of `*` is capped so hostile patterns stay bounded.
 */

const MAX_NESTING = 1000;

export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  // Fast path for the commonest pattern. stringmatchlen never matches an empty subject, not
  // even with '*' (PUBLISH to "" reaches no pattern subscriber); KEYS and SCAN treat a lone '*'
  // as "everything" before they get here, as Redis does.
  if (pattern === '*') return subject.length !== 0;
  const state = { skipLonger: false };
  return match(pattern, 0, subject, 0, nocase, state, 0);
}

function signed(c: number): number {
  return c > 127 ? c - 256 : c;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function match(
  p: string,
  pi: number,
  s: string,
  si: number,
  nocase: boolean,
  state: { skipLonger: boolean },
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42: {
        // '*'
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return true;
        while (si < slen) {
          if (match(p, pi + 1, s, si, nocase, state, nesting + 1)) return true;
          if (state.skipLonger) return false;
          si++;
        }
        state.skipLonger = true;
        return false;
      }
      case 63: // '?'
        si++;
        break;
      case 91: {
        // '['
        pi++;
        const not = pi < plen && p.charCodeAt(pi) === 94;
        if (not) pi++;
        let matched = false;
        const sc = s.charCodeAt(si);
        for (;;) {
          if (pi < plen && p.charCodeAt(pi) === 92 && plen - pi >= 2) {
            pi++;
            if (p.charCodeAt(pi) === sc) matched = true;
          } else if (pi < plen && p.charCodeAt(pi) === 93) {
            break;
          } else if (pi >= plen) {
            pi--;
            break;
          } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === 45) {
            let start = signed(p.charCodeAt(pi));
            let end = signed(p.charCodeAt(pi + 2));
            let c = signed(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              c = lower(c);
            }
            pi += 2;
            if (c >= start && c <= end) matched = true;
          } else if (nocase) {
            if (lower(p.charCodeAt(pi)) === lower(sc)) matched = true;
          } else if (p.charCodeAt(pi) === sc) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      default: {
        // '\\' escapes the next pattern byte, which then matches literally.
        if (pc === 92 && plen - pi >= 2) pi++;
        const c = p.charCodeAt(pi);
        const sc = s.charCodeAt(si);
        if (nocase ? lower(c) !== lower(sc) : c !== sc) return false;
        si++;
        break;
      }
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}
