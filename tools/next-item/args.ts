/**
 * Minimal `--flag value` / `--flag=value` / `--flag` parser for the CLIs (next-item, intent).
 * With a {@link CliSpec}, `--help` (or `-h`) prints the usage and exits 0, and a flag the spec
 * does not list is an error that names it and lists the known ones, so a typo never runs a job
 * with defaults (and never writes where the user did not mean to).
 */

import { constants } from 'node:buffer';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a CLI accepts. */
export interface CliSpec {
  /** First line(s) of `--help`: the command and what it does. */
  usage: string;
  /** Flag name (without `--`) → one-line description, default included. */
  flags: Record<string, string>;
}

/** A mistake in how a CLI was called: printed as a message, without a stack trace. */
export class UsageError extends TypeError {
  override name = 'UsageError';
}

/** The `--help` text of a spec. */
export function helpText(spec: CliSpec): string {
  const width = Math.max(...Object.keys(spec.flags).map((k) => k.length)) + 4;
  return `${spec.usage}\n\nFlags:\n${Object.entries(spec.flags)
    .map(([k, v]) => `  --${k.padEnd(width - 2)}${v}`)
    .join('\n')}\n  --help${' '.repeat(Math.max(1, width - 6))}this text\n`;
}

/**
 * Parsed flags: `--name value` or `--name=value` → name: value; a bare `--name` → name: 'true'.
 * @throws UsageError for a positional argument, or (with `spec`) a flag the spec does not list
 */
export function parseArgs(argv: readonly string[], spec?: CliSpec): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (spec && (a === '--help' || a === '-h')) {
      process.stdout.write(helpText(spec));
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}" (flags are --name value)`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (spec && !Object.hasOwn(spec.flags, name)) throw new UsageError(`unknown flag --${name} (known: ${Object.keys(spec.flags).map((k) => `--${k}`).join(', ')}; --help for more)`);
    if (eq > 0) out.set(name, a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(name, argv[++i]);
    else out.set(name, 'true');
  }
  return out;
}

/**
 * Checks that these flags, when given, came with a value: a bare `--out` (read as `'true'`) and an
 * empty or blank one (`--csv=`, `--out ""`, `--out " "`) are refused, so `--csv=` does not run
 * the default job on the shared stores and `--out=` does not train before failing.
 * @throws UsageError naming the first that did not
 */
export function requireValues(args: Map<string, string>, names: readonly string[]): void {
  for (const k of names) {
    const v = args.get(k);
    if (v === 'true') throw new UsageError(`--${k}: needs a value`);
    if (v !== undefined && v.trim() === '') throw new UsageError(`--${k}: needs a value (got "${v}")`);
  }
}

/**
 * A numeric flag: `def` when absent.
 * @throws UsageError when it is given empty or blank (`--rounds=`, which `Number` reads as 0),
 *   bare, or not a finite number
 */
export function numberArg(args: Map<string, string>, name: string, def: number): number {
  const raw = args.get(name);
  if (raw === undefined) return def;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name}: needs a number (got "${raw}")`);
  return v;
}

/**
 * A whole-number flag within `[min, max]`.
 * @throws UsageError when it is not one (an empty or blank value included)
 */
export function intArg(args: Map<string, string>, name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = args.get(name);
  if (raw === undefined) return def;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name}: must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'} (got "${raw}")`);
  return v;
}

/**
 * Largest file the CSV CLIs read, bytes: they read a file whole into one string, and V8's longest
 * string is `buffer.constants.MAX_STRING_LENGTH` characters (2^29 − 24, just under 512 MiB, on
 * 64-bit), so a larger file failed with a stack trace (`ERR_STRING_TOO_LONG`).
 */
export const MAX_INPUT_BYTES = constants.MAX_STRING_LENGTH;

/**
 * Checks, before any work, that a file flag names a readable-size file.
 * @param path the flag's value
 * @param flag the flag's name, for the message (e.g. `csv`)
 * @param maxBytes largest size accepted, bytes (default {@link MAX_INPUT_BYTES})
 * @throws UsageError when it does not exist, is a folder, or is larger than `maxBytes` (saying
 *   to split the file or sample users)
 */
export function checkInputFile(path: string, flag: string, maxBytes = MAX_INPUT_BYTES): void {
  if (!existsSync(path)) throw new UsageError(`--${flag}: no such file: ${path}`);
  const st = statSync(path);
  if (st.isDirectory()) throw new UsageError(`--${flag}: ${path} is a folder, not a file`);
  const mib = (n: number): string => `${Math.round(n / 2 ** 20)} MiB`;
  if (st.size > maxBytes) throw new UsageError(`--${flag}: ${path} is ${mib(st.size)}, more than the ${mib(maxBytes)} a file can have (it is read whole): split the file or sample users`);
}

/**
 * Checks, before any work, that an output folder flag does not name a file (it failed after the
 * whole run).
 * @throws UsageError when it does
 */
export function checkOutDir(path: string, flag = 'out'): void {
  if (existsSync(path) && !statSync(path).isDirectory()) throw new UsageError(`--${flag}: ${path} is a file, not a folder`);
}

/**
 * Checks, before any work, that an output file flag can be written: not a folder, and its folder
 * exists (it failed after the whole run).
 * @throws UsageError when it cannot
 */
export function checkOutFile(path: string, flag: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${flag}: ${path} is a folder, not a file`);
  if (!existsSync(dirname(path))) throw new UsageError(`--${flag}: no folder ${dirname(path)} to write ${path} in`);
}

/** A shell word: as is when it holds only safe characters, else single-quoted. */
const shellWord = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/**
 * The command line that reruns a CLI with the same flags, e.g. `npm run train:intent -- --csv
 * logs.csv --out my-model` (just `npm run <script>` without flags), for its output's metadata.
 * @param script the npm script's name
 * @param argv the flags as given (`process.argv.slice(2)`)
 */
export function commandLine(script: string, argv: readonly string[]): string {
  const words = argv.filter((a) => a !== '--').map(shellWord);
  return words.length ? `npm run ${script} -- ${words.join(' ')}` : `npm run ${script}`;
}

/**
 * How a CLI ends on an error: a usage error or a missing file is one line (with a hint for data
 * that is not there); anything else keeps its stack trace.
 */
export function failCli(tool: string, e: unknown): never {
  const err = e as NodeJS.ErrnoException | undefined;
  if (err instanceof UsageError) process.stderr.write(`${tool}: ${err.message}\n`);
  else if (err?.code === 'ENOENT') process.stderr.write(`${tool}: no such file: ${err.path ?? err.message}\n  (the data is read from ../shared/data, or from HUNCH_DATA when set)\n`);
  else process.stderr.write(`${tool} failed: ${err instanceof Error ? err.stack : String(e)}\n`);
  process.exit(1);
}

/** Datasets named by `--dataset` (comma list or `all`), validated against `known`. */
export function datasetsArg(args: Map<string, string>, known: readonly string[]): string[] {
  const v = args.get('dataset') ?? 'all';
  const list = v === 'all' ? [...known] : v.split(',').map((s) => s.trim());
  for (const d of list) if (!known.includes(d)) throw new UsageError(`--dataset: unknown "${d}" (known: ${known.join(', ')}, all)`);
  return list;
}
