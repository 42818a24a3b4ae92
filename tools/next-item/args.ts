/** Minimal `--flag value` / `--flag` parser for the next-item CLIs and `tools/intent/cv.ts`. */

/** Parsed flags: `--name value` → name: value; a bare `--name` → name: 'true'. */
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (!a.startsWith('--')) throw new TypeError(`unexpected argument "${a}" (flags are --name value)`);
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

/** Datasets named by `--dataset` (comma list or `all`), validated against `known`. */
export function datasetsArg(args: Map<string, string>, known: readonly string[]): string[] {
  const v = args.get('dataset') ?? 'all';
  const list = v === 'all' ? [...known] : v.split(',').map((s) => s.trim());
  for (const d of list) if (!known.includes(d)) throw new TypeError(`--dataset: unknown "${d}" (known: ${known.join(', ')}, all)`);
  return list;
}
