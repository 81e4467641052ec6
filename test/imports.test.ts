/**
 * The layering rules of docs/architecture.md, enforced by scanning every import in src/
 * (static, type-only, re-exports and dynamic import(), found with TypeScript's own
 * preProcessFile): protocol/ and engine/ are self-contained and free of Node modules;
 * commands/ and families/ build only on commands, engine, protocol, config and families, with
 * the few Node modules listed below; index.ts (the library) never reaches server/; and only
 * server/, bin/ and persistence/ touch the network or the file system. A violation fails the
 * test with the full list, so nothing is hidden.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root: this file runs from dist/test/. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

/** Node modules that commands/ and families/ may use, each with the one file that needs it. */
const ALLOWED_NODE_IN_COMMANDS_FAMILIES: Record<string, readonly string[]> = {
  // The instance's run id (INFO server run_id) is 20 random bytes, as in Redis.
  'src/commands/instance.ts': ['node:crypto'],
  // ACL passwords are stored as SHA-256 digests; ACL GENPASS draws random bytes.
  'src/commands/acl.ts': ['node:crypto'],
  // INFO server reports the OS, architecture and total memory.
  'src/families/info.ts': ['node:os'],
  // used_memory is anchored to V8's heap statistics; the heap guard reads V8's heap limit; the
  // server's event-loop delay (INFO mnemo_eventloop_max_delay_ms) comes from perf_hooks.
  'src/commands/memory.ts': ['node:v8', 'node:perf_hooks'],
};

/** Modules that do I/O: only the server, the executables and persistence may import them. */
const IO_MODULES = new Set([
  'node:net',
  'node:tls',
  'node:fs',
  'node:fs/promises',
  'node:dgram',
  'node:http',
  'node:https',
  'node:http2',
  'node:child_process',
  'node:cluster',
  'node:worker_threads',
]);
const IO_LAYERS = new Set(['server', 'bin', 'persistence']);

const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

interface SourceFile {
  /** Path relative to the repository root, with forward slashes (e.g. "src/engine/db.ts"). */
  path: string;
  /** "protocol", "engine", ..., or "index" for src/index.ts. */
  layer: string;
  imports: Array<{ spec: string; target: string | null }>;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listTs(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function layerOf(path: string): string {
  // The RDB codec is pure (bytes in, values out): a layer of its own that commands may use.
  if (path.startsWith('src/persistence/rdb/')) return 'rdb';
  const parts = path.split('/');
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, '') : parts[1]!;
}

/** Resolves a relative specifier ("../engine/db.js") to a repository path ("src/engine/db.ts"). */
function resolveRelative(from: string, spec: string): string {
  const abs = resolve(ROOT, dirname(from), spec);
  return relative(ROOT, abs).split('\\').join('/').replace(/\.js$/, '.ts');
}

function scan(): SourceFile[] {
  return listTs(SRC).map((full) => {
    const path = relative(ROOT, full).split('\\').join('/');
    const info = ts.preProcessFile(readFileSync(full, 'utf8'), true, true);
    const imports = info.importedFiles.map((f) => ({
      spec: f.fileName,
      target: f.fileName.startsWith('.') ? resolveRelative(path, f.fileName) : null,
    }));
    return { path, layer: layerOf(path), imports };
  });
}

const FILES = scan();
const BY_PATH = new Map(FILES.map((f) => [f.path, f]));

function check(rule: (f: SourceFile, imp: SourceFile['imports'][number]) => string | null): string[] {
  const violations: string[] = [];
  for (const f of FILES) {
    for (const imp of f.imports) {
      const problem = rule(f, imp);
      if (problem !== null) violations.push(`${f.path} imports '${imp.spec}': ${problem}`);
    }
  }
  return violations;
}

function report(violations: string[]): void {
  assert.equal(violations.length, 0, `\n  ${violations.join('\n  ')}`);
}

describe('import layering', () => {
  it('the scanner sees the imports it must judge', () => {
    assert.ok(FILES.length > 30, `only ${FILES.length} files under src/`);
    const server = FILES.filter((f) => f.layer === 'server').flatMap((f) => f.imports.map((i) => i.spec));
    assert.ok(server.includes('node:net'), 'src/server imports node:net');
    const db = BY_PATH.get('src/engine/db.ts');
    assert.ok(
      db?.imports.some((i) => i.target === 'src/engine/dict.ts'),
      'db.ts imports dict.ts',
    );
    // Every relative import points at a file that exists.
    const dangling = FILES.flatMap((f) =>
      f.imports
        .filter((i) => i.target !== null && !BY_PATH.has(i.target))
        .map((i) => `${f.path} -> ${i.spec}`),
    );
    assert.deepEqual(dangling, []);
  });

  it('Node built-ins are imported with the node: prefix', () => {
    report(
      check((_f, imp) =>
        imp.target === null && !imp.spec.startsWith('node:') && NODE_BUILTINS.has(imp.spec.split('/')[0]!)
          ? `use 'node:${imp.spec}'`
          : null,
      ),
    );
  });

  it('src/protocol and src/engine import only from themselves and src/bytes, and no Node modules', () => {
    report(
      check((f, imp) => {
        if (f.layer !== 'protocol' && f.layer !== 'engine') return null;
        if (imp.target === null)
          return `${f.layer}/ must not depend on ${imp.spec.startsWith('node:') ? 'Node modules' : 'packages'}`;
        const to = layerOf(imp.target);
        return to === f.layer || to === 'bytes' ? null : `${f.layer}/ must not import from ${to}/`;
      }),
    );
  });

  it('src/bytes (leaf helpers shared by protocol and engine) imports nothing', () => {
    report(check((f) => (f.layer === 'bytes' ? 'src/bytes/ must not import anything' : null)));
  });

  it('src/persistence/rdb (the codec) imports only itself, src/engine and src/protocol, and no Node modules', () => {
    report(
      check((f, imp) => {
        if (f.layer !== 'rdb') return null;
        if (imp.target === null) return `the RDB codec must not depend on ${imp.spec}`;
        const to = layerOf(imp.target);
        return to === 'rdb' || to === 'engine' || to === 'protocol'
          ? null
          : `the RDB codec must not import from ${to}/`;
      }),
    );
  });

  it('src/commands and src/families use only commands, engine, protocol, config, families and the RDB codec', () => {
    const allowedLayers = new Set(['commands', 'engine', 'protocol', 'config', 'families', 'rdb']);
    report(
      check((f, imp) => {
        if (f.layer !== 'commands' && f.layer !== 'families') return null;
        if (imp.target === null) {
          if ((ALLOWED_NODE_IN_COMMANDS_FAMILIES[f.path] ?? []).includes(imp.spec)) return null;
          return imp.spec.startsWith('node:')
            ? 'Node modules are not allowed here (list a justified exception in imports.test.ts)'
            : 'packages are not allowed here';
        }
        const to = layerOf(imp.target);
        if (f.layer === 'commands' && to === 'families') return 'commands/ must not depend on families/';
        return allowedLayers.has(to) ? null : `${f.layer}/ must not import from ${to}/`;
      }),
    );
  });

  it('the allowed Node exceptions are still needed (no stale entries)', () => {
    for (const [path, modules] of Object.entries(ALLOWED_NODE_IN_COMMANDS_FAMILIES)) {
      const f = BY_PATH.get(path);
      assert.ok(f !== undefined, `${path} no longer exists`);
      for (const m of modules)
        assert.ok(
          f.imports.some((i) => i.spec === m),
          `${path} no longer imports ${m}`,
        );
    }
  });

  it('src/index.ts never reaches src/server or src/bin, even indirectly', () => {
    const seen = new Map<string, string>([['src/index.ts', '']]);
    const queue = ['src/index.ts'];
    const violations: string[] = [];
    while (queue.length > 0) {
      const path = queue.shift()!;
      for (const imp of BY_PATH.get(path)?.imports ?? []) {
        if (imp.target === null || seen.has(imp.target)) continue;
        seen.set(imp.target, path);
        const layer = layerOf(imp.target);
        if (layer === 'server' || layer === 'bin') {
          const chain = [imp.target];
          for (let p = path; p !== ''; p = seen.get(p)!) chain.push(p);
          violations.push(chain.reverse().join(' -> '));
        } else {
          queue.push(imp.target);
        }
      }
    }
    report(violations);
    assert.ok(seen.has('src/commands/dispatch.ts'), 'the library does reach dispatch()');
  });

  it('only src/server, src/bin and src/persistence import network and file-system modules', () => {
    report(
      check((f, imp) => {
        const spec = imp.spec.startsWith('node:') ? imp.spec : `node:${imp.spec}`;
        if (!IO_MODULES.has(spec)) return null;
        return IO_LAYERS.has(f.layer)
          ? null
          : `I/O belongs in server/, bin/ or persistence/, not ${f.layer}/`;
      }),
    );
  });
});
