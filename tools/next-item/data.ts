/**
 * Reading the session-based recommendation splits (`<data>/sessions/<dataset>/`): training
 * sessions (one a line, item ids space-separated, click order, oldest first) and test
 * prefixes (`prefix items<TAB>target`). The data root comes from env `HUNCH_DATA`, default
 * `<repo>/../shared/data`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Datasets the CLIs know. */
export const DATASETS = ['diginetica', 'retailrocket', 'tmall'] as const;
/** One of {@link DATASETS}. */
export type Dataset = (typeof DATASETS)[number];

/** Repository root (two levels above this file). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Data root: env `HUNCH_DATA` or `<repo>/../shared/data`. */
export function dataRoot(): string {
  return process.env.HUNCH_DATA ? resolve(process.env.HUNCH_DATA) : resolve(REPO_ROOT, '..', 'shared', 'data');
}

/** Folder of one dataset's session split. */
export function sessionsDir(dataset: string): string {
  return join(dataRoot(), 'sessions', dataset);
}

/** True when the dataset's train and test files exist. */
export function hasDataset(dataset: string): boolean {
  const d = sessionsDir(dataset);
  return existsSync(join(d, 'train_sessions.txt')) && existsSync(join(d, 'test_prefixes.tsv'));
}

/** A test or validation case: the viewed prefix (store ids, click order) and the next item. */
export interface PrefixCase {
  prefix: string[];
  target: string;
}

/** Parses session lines (ids separated by whitespace); empty lines are skipped. */
export function parseSessions(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t) out.push(t.split(/\s+/));
  }
  return out;
}

/**
 * Parses `prefix<TAB>target` lines.
 * @throws TypeError naming the line when a line has no tab, an empty prefix or no target.
 */
export function parsePrefixes(text: string): PrefixCase[] {
  const out: PrefixCase[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (!line) continue;
    const tab = line.indexOf('\t');
    const prefix = tab < 0 ? [] : line.slice(0, tab).trim().split(/\s+/).filter(Boolean);
    const target = tab < 0 ? '' : line.slice(tab + 1).trim();
    if (prefix.length === 0 || !target) throw new TypeError(`test_prefixes line ${n + 1}: expected "items<TAB>target"`);
    out.push({ prefix, target });
  }
  return out;
}

/** Reads `train_sessions.txt` of a dataset. */
export function readTrainSessions(dataset: string): string[][] {
  return parseSessions(readFileSync(join(sessionsDir(dataset), 'train_sessions.txt'), 'utf8'));
}

/** Reads `test_prefixes.tsv` of a dataset. */
export function readTestPrefixes(dataset: string): PrefixCase[] {
  return parsePrefixes(readFileSync(join(sessionsDir(dataset), 'test_prefixes.tsv'), 'utf8'));
}

/**
 * Every prefix of each session predicting its next item (the test-file protocol): a session
 * of n clicks gives n - 1 cases.
 */
export function expandPrefixes(sessions: readonly string[][]): PrefixCase[] {
  const out: PrefixCase[] = [];
  for (const s of sessions) for (let i = 1; i < s.length; i++) out.push({ prefix: s.slice(0, i), target: s[i] });
  return out;
}

/**
 * Validation split carved from train: the last `fraction` of sessions by line order (the
 * newest) become validation prefixes; the rest stays for fitting.
 */
export function splitValidation(
  sessions: readonly string[][],
  fraction = 0.1,
): { fit: string[][]; validation: PrefixCase[] } {
  const cut = Math.floor(sessions.length * (1 - fraction));
  return { fit: sessions.slice(0, cut), validation: expandPrefixes(sessions.slice(cut)) };
}
