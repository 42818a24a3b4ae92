// @vitest-environment node
/**
 * The intent and next-item CLIs on a store's own CSV when something is off with it: they say
 * what they read (rows, malformed, unreadable prices, sessions) and why a file gives nothing to
 * learn from, and refuse a wrong file or output before any work, each in one line (no stack).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(repo, 'node_modules/.bin/tsx');
const trainIntent = join(repo, 'tools/intent/train.ts');
const evalIntent = join(repo, 'tools/intent/eval.ts');
const trainItems = join(repo, 'tools/next-item/train.ts');
const dir = mkdtempSync(join(tmpdir(), 'hunch-owncsv-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A store's log: `users` shoppers with 3 visits each; every other visit of every fourth shopper
 * ends in a purchase. `time` and `price` write each row's fields (ISO times and plain prices by default).
 */
function csvOf(users: number, time = (t: number) => new Date(t).toISOString(), price = (p: number) => String(p)): string {
  const rows = ['timestamp,user_id,session_id,event_type,item_id,category_id,price'];
  let t = Date.UTC(2024, 4, 1);
  for (let u = 0; u < users; u++)
    for (let v = 0; v < 3; v++) {
      for (let i = 0; i < 3 + ((u + v) % 4); i++) rows.push(`${time((t += 40_000))},u${u},,product_view,sku-${(u + i) % 20},c${i % 3},${price(10 + i)}`);
      if (u % 4 === 0 && v % 2 === 0) {
        rows.push(`${time((t += 30_000))},u${u},,add_to_cart,sku-${u % 20},c0,${price(12.5)}`);
        rows.push(`${time((t += 60_000))},u${u},,purchase,sku-${u % 20},c0,${price(12.5)}`);
      }
      t += 3_600_000;
    }
  return rows.join('\n');
}

/** The one line a CLI ends with on a usage error (no stack trace). */
const fails = (re: RegExp) => ({ code: 1, stderr: expect.stringMatching(re) });

describe('train:intent --csv says what it read', () => {
  it('prints the row and session counts; a price like "12,50" keeps its row (counted); meta.json records the command as run', async () => {
    const csv = join(dir, 'eu.csv');
    writeFileSync(csv, csvOf(60, undefined, (p) => `"${String(p).replace('.', ',')}"`));
    const out = join(dir, 'eu model');
    const { stderr } = await run(tsx, [trainIntent, '--csv', csv, '--store', 'eu', '--seed', '3', '--out', out], { cwd: repo });
    // every cart add and purchase is priced 12,5: all 30 buying visits stay buying ones (were label 0 with the purchase dropped)
    expect(stderr).toMatch(/eu: \d+ rows, 0 malformed skipped, prices unreadable: 60, kept without price; 180 sessions: 1 cut off by the end of the file \(0 of them buying\), 0 starting with a purchase; 179 kept, 30 buying/);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.command).toBe(`npm run train:intent -- --csv ${csv} --store eu --seed 3 --out '${out}'`);
    expect(meta.training.stores.eu).toMatchObject({ malformed: 0, priceUnreadable: 60, positives: 30 });
  }, 60_000);

  it('a wrong header names the missing columns (and a ";" separator); all rows malformed shows the first one', async () => {
    const semi = join(dir, 'semi.csv');
    writeFileSync(semi, csvOf(8).replaceAll(',', ';'));
    await expect(run(tsx, [trainIntent, '--csv', semi, '--out', join(dir, 'm1')], { cwd: repo })).rejects.toMatchObject(
      fails(/train:intent: .*semi\.csv: the header lacks timestamp, user_id, event_type, so all \d+ rows are unreadable .*separated by ";"/),
    );
    const slashes = join(dir, 'slashes.csv');
    writeFileSync(slashes, csvOf(8, (t) => new Date(t).toISOString().replace(/-/g, '/').replace('T', ' ').slice(0, 19)));
    const err = await run(tsx, [trainIntent, '--csv', slashes, '--out', join(dir, 'm2')], { cwd: repo }).catch((e: { stderr: string }) => e);
    expect(err).toMatchObject(fails(/(\d+) rows, \1 malformed skipped/));
    expect(err).toMatchObject(fails(/all \d+ rows are malformed \(row 1: "2024\/05\/01 00:00:40,u0,,product_view/));
    expect((err as { stderr: string }).stderr).not.toMatch(/no buying session|\n\s+at /);
  }, 60_000);

  it('refuses a folder, a missing file, a file over the size limit and an --out that is a file, before any work', async () => {
    const ok = join(dir, 'ok.csv');
    writeFileSync(ok, csvOf(8));
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, 600 * 2 ** 20); // sparse: 600 MiB of zeros without the disk space
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: Array<[string[], RegExp]> = [
      [['--csv', dir, '--out', join(dir, 'm3')], /--csv: .* is a folder, not a file/],
      [['--csv', join(dir, 'nope.csv'), '--out', join(dir, 'm3')], /--csv: no such file: .*nope\.csv\n$/],
      [['--csv', big, '--out', join(dir, 'm3')], /--csv: .*big\.csv is 600 MiB, more than the 512 MiB a file can have .*: split the file or sample users/],
      [['--csv', ok, '--out', file], /--out: .*a-file is a file, not a folder/],
    ];
    for (const [args, re] of cases) {
      const err = await run(tsx, [trainIntent, ...args], { cwd: repo }).catch((e: { stderr: string }) => e);
      expect(err, args.join(' ')).toMatchObject(fails(re));
      expect((err as { stderr: string }).stderr, args.join(' ')).not.toMatch(/shared\/data|\n\s+at |^train \[/m);
    }
  }, 60_000);
});

describe('eval:intent --csv', () => {
  it('with two users: a usage error naming the user count before any job starts (a child job failed with a stack)', async () => {
    const csv = join(dir, 'two.csv');
    writeFileSync(csv, csvOf(60).replace(/,u(\d+),/g, (_, u) => `,u${Number(u) % 2},`));
    const err = await run(tsx, [evalIntent, '--csv', csv, '--boot', '10', '--jobs', '1'], { cwd: repo }).catch((e: { stderr: string }) => e);
    expect(err).toMatchObject(fails(/eval:intent: .*two\.csv: 2 users \(\d+ sessions\): too few for the 5-fold CV grouped by user: fold \d's training part, less its validation users, has no /));
    expect((err as { stderr: string }).stderr).toMatch(/generic: \d+ rows, 0 malformed skipped; \d+ sessions: /);
    expect((err as { stderr: string }).stderr).not.toMatch(/job cv|eval \[/);
  }, 60_000);

  it('--json naming a folder is refused before the eval', async () => {
    const csv = join(dir, 'ok2.csv');
    writeFileSync(csv, csvOf(8));
    await expect(run(tsx, [evalIntent, '--csv', csv, '--json', dir], { cwd: repo })).rejects.toMatchObject(fails(/--json: .* is a folder, not a file/));
  }, 30_000);
});

describe('train:next-item --csv', () => {
  it('a missing file or an --out that is a file is one line, without the shared-data hint; a wrong header names the columns', async () => {
    const file = join(dir, 'b-file');
    writeFileSync(file, 'x');
    await expect(run(tsx, [trainItems, '--csv', join(dir, 'nope.csv'), '--out', join(dir, 'ni')], { cwd: repo })).rejects.toMatchObject(fails(/^train:next-item: --csv: no such file: .*nope\.csv\n$/));
    const ok = join(dir, 'ok3.csv');
    writeFileSync(ok, csvOf(8));
    await expect(run(tsx, [trainItems, '--csv', ok, '--out', file], { cwd: repo })).rejects.toMatchObject(fails(/^train:next-item: --out: .*b-file is a file, not a folder\n$/));
    const wrong = join(dir, 'wrong.csv');
    mkdirSync(join(dir, 'ni2'), { recursive: true });
    writeFileSync(wrong, csvOf(8).replace('timestamp,user_id', 'time,user'));
    await expect(run(tsx, [trainItems, '--csv', wrong, '--out', join(dir, 'ni2')], { cwd: repo })).rejects.toMatchObject(fails(/the header lacks timestamp, user_id/));
  }, 30_000);
});
