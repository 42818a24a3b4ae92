// @vitest-environment node
/**
 * A store's own generic CSV as databases and spreadsheets export it: PostgreSQL time zones, ISO
 * 8601's short offsets and comma fractions, prices in a local format, and item ids that a quoted
 * field broke over lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTime } from '../../tools/data/csv.js';
import { parseGeneric, sessionize } from '../../tools/data/index.js';
import { readStoreSessions } from '../../tools/next-item/store-sessions.js';

const T = Date.UTC(2024, 4, 1, 10, 0);
const HEADER = 'timestamp,user_id,session_id,event_type,item_id,category_id,price';

describe('parseTime: every ISO 8601 zone and fraction form', () => {
  it('±hh (PostgreSQL timestamptz output), with a microsecond fraction too', () => {
    expect(parseTime('2024-05-01 12:00:00+02')).toBe(T);
    expect(parseTime('2024-05-01 12:00:00.123456+02')).toBe(T + 123);
    expect(parseTime('2024-05-01 05:00:00-05')).toBe(T);
  });

  it('±hhmm', () => {
    expect(parseTime('2024-05-01T12:00:00+0200')).toBe(T);
    expect(parseTime('2024-05-01T05:30:00-0430')).toBe(T);
  });

  it('a comma before the fraction, and a lowercase z', () => {
    expect(parseTime('2024-05-01T10:00:00,5Z')).toBe(T + 500);
    expect(parseTime('2024-05-01T10:00:00z')).toBe(T);
  });

  it('out-of-range offsets and broken forms stay malformed', () => {
    for (const s of ['2024-05-01 10:00:00+24', '2024-05-01 10:00:00+0260', '2024-05-01 10:00:00+2', '2024-05-01 10:00:00+020', '2024-05-01 10:00:00+02:0', '2024-05-01T10:00:00,Z'])
      expect(parseTime(s), s).toBeNaN();
  });
});

describe('generic CSV: an unreadable price keeps its row', () => {
  it('a purchase priced "59,90" is kept without a price, so its session stays a buying one (was dropped: label 0)', () => {
    const csv = [
      HEADER,
      '2024-05-01T10:00:00Z,u1,,product_view,sku-1,shoes,59.90',
      '2024-05-01T10:01:00Z,u1,,add_to_cart,sku-1,shoes,$59.90',
      '2024-05-01T10:02:00Z,u1,,purchase,sku-1,shoes,"59,90"',
      '2024-05-01T12:00:00Z,u2,,product_view,sku-2,shoes,1',
    ].join('\n');
    const p = parseGeneric(csv);
    expect(p.stats).toEqual({ rows: 4, malformed: 0, unmapped: 0, priceUnreadable: 2 });
    expect(p.events.map((e) => e.price)).toEqual([59.9, undefined, undefined, 1]);
    const s = sessionize(p.events, { windowEndMs: p.windowEndMs });
    expect(s.sessions.map((x) => [x.userId, x.label])).toEqual([['u1', 1]]);
  });

  it('a row malformed for its time is not counted as an unreadable price; without one the count is absent', () => {
    const p = parseGeneric([HEADER, 'soon,u1,,purchase,,,"1,5"', '2024-05-01T10:00:00Z,u1,,product_view,,,2'].join('\n'));
    expect(p.stats).toEqual({ rows: 2, malformed: 1, unmapped: 0 });
  });

  it('a header without the required columns names them', () => {
    const p = parseGeneric('time;user_id;event_type\n2024-05-01T10:00:00Z;u1;view\n');
    expect(p.stats).toEqual({ rows: 1, malformed: 1, unmapped: 0 });
    expect(p.missingColumns).toEqual(['timestamp', 'user_id', 'event_type']);
    expect(p.columns).toEqual(['time;user_id;event_type']);
  });
});

describe('train:next-item --csv: an item id with a line break', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hunch-owncsv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the row malformed when reading (the artifact refused the id after the whole training)', () => {
    const csv = join(dir, 'nl.csv');
    writeFileSync(csv, [HEADER, '2024-05-01T10:00:00Z,u1,,product_view,"35\n789",c,', '2024-05-01T10:01:00Z,u1,,product_view,a,c,', '2024-05-01T10:02:00Z,u1,,product_view,b,c,'].join('\n'));
    const r = readStoreSessions(csv, 'csv');
    expect(r.sessions).toEqual([['a', 'b']]);
    expect(r.parse).toEqual({ rows: 3, malformed: 1, unmapped: 0 });
  });
});
