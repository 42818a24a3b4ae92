// @vitest-environment node
/**
 * The CSV reader behind every dataset adapter and the generic store CSV: RFC 4180 records
 * (a quoted field may hold line breaks), a quote is special only where a field starts, and
 * `\r\n`, `\n` and a lone `\r` all end a record.
 */
import { describe, expect, it } from 'vitest';
import { lines, MAX_QUOTED_BREAKS, splitCsvLine, textLines } from '../../tools/data/csv.js';
import { parseGeneric } from '../../tools/data/adapters/generic.js';
import { parseOtto } from '../../tools/data/adapters/otto.js';
import { parseDiginetica } from '../../tools/data/adapters/diginetica.js';

const H = 'timestamp,user_id,session_id,event_type,item_id,category_id,price';
const T0 = Date.UTC(2024, 4, 1, 10);

describe('CSV records', () => {
  it(`a stray opening quote loses its own line, not every line up to the next quote in the file (a quoted field holds at most ${MAX_QUOTED_BREAKS} line breaks)`, () => {
    const t = (i: number) => new Date(T0 + i * 60_000).toISOString();
    const rows = [`${t(0)},u1,,view,"Special edition,tv,1`];
    for (let i = 1; i <= 1000; i++) rows.push(`${t(i)},u${i % 7},,view,sku-${i},tv,1`);
    rows.push(`${t(1001)},u1,,view,TV 55",tv,399`); // a quote as data, 1,000 rows later
    const r = parseGeneric([H, ...rows].join('\n') + '\n');
    expect(r.stats).toEqual({ rows: 1002, malformed: 1, unmapped: 0 }); // was { rows: 1, malformed: 0 }: 1,000 rows swallowed into one item id
    expect(r.events).toHaveLength(1001);
    // within the limit a quoted field still holds its line breaks
    const ok = `a,"${'x\n'.repeat(MAX_QUOTED_BREAKS)}y",b\nc`;
    expect(lines(ok)).toEqual([`a,"${'x\n'.repeat(MAX_QUOTED_BREAKS)}y",b`, 'c']);
  });

  it("a ';'-separated file (DIGINETICA) keeps a quoted line break inside its field too", () => {
    const r = parseDiginetica({
      views: 'session_id;user_id;item_id;timeframe;eventdate\n1;NA;"a\nb";0;2016-05-09\n1;NA;c;1000;2016-05-09\n',
      purchases: 'sessionId;userId;timeframe;eventdate;ordernumber;itemId\n',
      categories: 'itemId;categoryId\n"a\nb";7\n',
    });
    expect(r.stats).toEqual({ rows: 2, malformed: 0, unmapped: 0 }); // was 3 rows, 2 malformed
    expect(r.events.map((e) => [e.itemId, e.categoryId])).toEqual([['a\nb', '7'], ['c', '']]);
  });

  it('a quoted field may hold a line break: one record, not two malformed ones', () => {
    const r = parseGeneric(`${H}\n2024-05-01T10:00:00Z,u1,,product_view,"sku\n1",shoes,59.90\n2024-05-01T10:01:00Z,u1,,product_view,sku-2,shoes,1\n`);
    expect(r.stats).toEqual({ rows: 2, malformed: 0, unmapped: 0 });
    expect(r.events.map((e) => e.itemId)).toEqual(['sku\n1', 'sku-2']);
    expect(lines('a,"x\r\ny",b\r\nc\r\n')).toEqual(['a,"x\r\ny",b', 'c']);
  });

  it('a quote inside an unquoted field is data (TV 55" was malformed, ab"c"d read as abcd)', () => {
    expect(splitCsvLine('a,TV 55",b')).toEqual(['a', 'TV 55"', 'b']);
    expect(splitCsvLine('ab"c"d,e')).toEqual(['ab"c"d', 'e']);
    const r = parseGeneric(`${H}\n2024-05-01T10:00:00Z,u1,,product_view,TV 55",tv,399\n2024-05-01T10:01:00Z,u1,,product_view,ab"c"d,tv,1\n`);
    expect(r.stats).toEqual({ rows: 2, malformed: 0, unmapped: 0 });
    expect(r.events.map((e) => e.itemId)).toEqual(['TV 55"', 'ab"c"d']);
  });

  it('quoted fields: separators, "" escapes, empty, text after the closing quote kept', () => {
    expect(splitCsvLine('"u,1","sku ""a""","",x')).toEqual(['u,1', 'sku "a"', '', 'x']);
    expect(splitCsvLine('"ab"c,d')).toEqual(['abc', 'd']);
    expect(splitCsvLine('a;"b;c"', ';')).toEqual(['a', 'b;c']);
    expect(splitCsvLine('a,')).toEqual(['a', '']);
  });

  it('a lone CR ends a record (old Mac / Excel exports parsed to 0 rows, 0 malformed)', () => {
    const r = parseGeneric(`${H}\r2024-05-01T10:00:00Z,u1,,view,a,b,1\r2024-05-01T10:01:00Z,u1,,view,a,b,1\r`);
    expect(r.stats).toEqual({ rows: 2, malformed: 0, unmapped: 0 });
    expect(r.events.map((e) => e.ts)).toEqual([T0, T0 + 60_000]);
    expect(lines('a\rb\r\nc\n\n  \nd')).toEqual(['a', 'b', 'c', 'd']);
    expect(lines('"a\rb"\rc')).toEqual(['"a\rb"', 'c']);
  });

  it('a quote never closed loses its own line only', () => {
    const r = parseGeneric(`${H}\n"unterminated,u1,,view\n2024-05-01T10:00:00Z,u1,,view,a,b,1\n`);
    expect(r.stats).toEqual({ rows: 2, malformed: 1, unmapped: 0 });
    expect(r.events.map((e) => e.ts)).toEqual([T0]);
    expect(lines('x,"open\ny\r\nz')).toEqual(['x,"open', 'y', 'z']);
    expect(splitCsvLine('x,"open')).toBeNull();
  });

  it('a byte-order mark before a quoted header is dropped', () => {
    const r = parseGeneric(`\uFEFF"timestamp","user_id","event_type"\n2024-05-01T10:00:00Z,u1,view\n`);
    expect(r.stats).toEqual({ rows: 1, malformed: 0, unmapped: 0 });
  });

  it('JSON lines split as plain lines; textLines ignores quotes', () => {
    const r = parseOtto('{"session":1,"events":[{"aid":1,"ts":1659304800025,"type":"clicks"},{"aid":2,"ts":1659304900025,"type":"carts"}]}\r{"session":2,"events":[{"aid":3,"ts":1659305000025,"type":"orders"}]}\n');
    expect(r.stats).toEqual({ rows: 3, malformed: 0, unmapped: 0 });
    expect(textLines('"a\n"b\r\rc')).toEqual(['"a', '"b', 'c']);
  });
});
