/**
 * commands/args.ts isWord: the case-insensitive keyword match every option parser and the
 * connection's RESET check use. It compares char by char (as Redis's strcasecmp, ASCII only)
 * instead of lowercasing the argument, so it is checked here against what toLowerCase() gives
 * for every binary char (0-255) in every position of a few words.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWord } from '../src/commands/args.js';

describe('isWord', () => {
  it('matches every case mix of a word and nothing else, for every binary char', () => {
    for (const word of ['reset', 'ex', 'withscores', 'by-key_2', '']) {
      for (let pos = 0; pos < word.length; pos++) {
        for (let c = 0; c < 256; c++) {
          const arg = word.slice(0, pos) + String.fromCharCode(c) + word.slice(pos + 1);
          // Binary chars past 127 never lowercase to ASCII, so toLowerCase agrees with strcasecmp.
          assert.equal(isWord(arg, word), arg.toLowerCase() === word, JSON.stringify(arg));
        }
      }
      assert.equal(isWord(word.toUpperCase(), word), true);
      assert.equal(isWord(`${word}x`, word), false);
      assert.equal(isWord(word.slice(1), word), word === '');
    }
  });
});
