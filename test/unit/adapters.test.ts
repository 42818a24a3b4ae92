// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { advanceSession, type SessionPointer } from '../../src/session.js';
import {
  hasData,
  loadStore,
  parseCoveo,
  parseDiginetica,
  parseGeneric,
  parseJdata,
  parseOtto,
  parseRees46,
  parseTaobao,
  sessionize,
  SESSION_GAP_MS,
  splitSessions,
  toHunchEvents,
} from '../../tools/data/index.js';
import { parseTime } from '../../tools/data/csv.js';

const HOUR = 3600_000;

describe('adapters parse each store format, skipping and counting malformed rows', () => {
  it('REES46', () => {
    const text = [
      'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session',
      '2019-10-01 00:00:00 UTC,view,44600062,21038,,shiseido,35.79,541312140,s1',
      '2019-10-01 00:01:00 UTC,cart,44600062,21038,,shiseido,35.79,541312140,s1',
      '2019-10-01 00:02:00 UTC,purchase,44600062,21038,,shiseido,35.79,541312140,s1',
      'garbage',
      '2019-10-01 00:03:00 UTC,teleport,1,2,,b,1.0,5,s2',
      'not a date,view,1,2,,b,1.0,5,s2',
      '2019-10-01 00:04:00 UTC,view,1,2,,b,-3,5,s2',
    ].join('\n');
    const r = parseRees46(text);
    expect(r.stats).toEqual({ rows: 7, malformed: 4, unmapped: 0 });
    expect(r.events.map((e) => e.type)).toEqual(['product_view', 'add_to_cart', 'purchase']);
    expect(r.events[0]).toMatchObject({ store: 'rees46', userId: '541312140', itemId: '44600062', price: 35.79, ts: Date.UTC(2019, 9, 1) });
  });

  it('JD JData: clicks unmapped, follow as a view, float user ids', () => {
    const text = [
      'user_id,sku_id,time,model_id,type,cate,brand',
      '266079.0,138778,2016-01-31 23:59:02,,1,8,403',
      '266079.0,138778,2016-01-31 23:59:03,0,6,8,403',
      '266079.0,138778,2016-01-31 23:59:09,0,5,8,403',
      '266079.0,138778,2016-01-31 23:59:10,0,2,8,403',
      '266079.0,138778,2016-02-01 00:00:10,0,4,8,403',
      '266079.0,138778,2016-02-01 00:00:10,0,9,8,403',
      '266079.0,138778',
    ].join('\n');
    const r = parseJdata(text);
    expect(r.stats).toEqual({ rows: 7, malformed: 2, unmapped: 1 });
    expect(r.events.map((e) => e.type)).toEqual(['product_view', 'product_view', 'add_to_cart', 'purchase']);
    expect(r.events[0].userId).toBe('266079');
    expect(r.windowEndMs).toBe(Date.UTC(2016, 1, 1, 0, 0, 10));
  });

  it('Diginetica: views + purchases joined by session, the views\' user owns the session', () => {
    const r = parseDiginetica({
      views: 'session_id;user_id;item_id;timeframe;eventdate\n1;NA;81766;526309;2016-05-09\n1;NA;31331;1031018;2016-05-09\n2;7;5;x;2016-05-09\n',
      purchases: 'sessionId;userId;timeframe;eventdate;ordernumber;itemId\n1;18278;2000000;2016-05-09;16421;81766\n999;NA;1;2016-05-06;1;2\nbad\n',
      categories: 'itemId;categoryId\n81766;1096\n',
    });
    expect(r.stats).toEqual({ rows: 6, malformed: 2, unmapped: 1 });
    expect(r.events.map((e) => [e.type, e.userId, e.categoryId])).toEqual([
      ['product_view', 's1', '1096'],
      ['product_view', 's1', ''],
      ['purchase', 's1', '1096'],
    ]);
    expect(r.events[0].ts).toBe(Date.UTC(2016, 4, 9) + 526309);
  });

  it('Taobao (no header, unix seconds)', () => {
    const r = parseTaobao('1,2268318,2520377,pv,1511544070\n1,2268318,2520377,cart,1511544080\n1,2268318,2520377,buy,1511544090\n1,2,3,pv\n1,2,3,zap,1511544090\n');
    expect(r.stats).toEqual({ rows: 5, malformed: 2, unmapped: 0 });
    expect(r.events.map((e) => e.type)).toEqual(['product_view', 'add_to_cart', 'purchase']);
    expect(r.events[0].ts).toBe(1511544070_000);
  });

  it('OTTO (JSON lines)', () => {
    const r = parseOtto(
      '{"session":0,"events":[{"aid":1,"ts":1659304800025,"type":"clicks"},{"aid":1,"ts":1659304900025,"type":"carts"},{"aid":1,"ts":1659305000025,"type":"orders"},{"aid":2,"type":"clicks"}]}\n{broken\n{"session":1}\n',
    );
    expect(r.stats).toEqual({ rows: 6, malformed: 3, unmapped: 0 });
    expect(r.events.map((e) => e.type)).toEqual(['product_view', 'add_to_cart', 'purchase']);
  });

  it('Coveo browsing', () => {
    const r = parseCoveo(
      [
        'session_id_hash,event_type,product_action,product_sku_hash,server_timestamp_epoch_ms,hashed_url',
        's1,pageview,,,1550885213307,u',
        's1,event_product,detail,p1,1550885210881,u',
        's1,event_product,add,p1,1550885215484,u',
        's1,event,click,p1,1550885215500,u',
        's1,event_product,detail,p1,yesterday,u',
      ].join('\n'),
    );
    expect(r.stats).toEqual({ rows: 5, malformed: 1, unmapped: 1 });
    expect(r.events.map((e) => e.type)).toEqual(['page_view', 'product_view', 'add_to_cart']);
  });

  it('generic CSV: ISO or epoch-ms times, aliases, any column order', () => {
    const r = parseGeneric(
      [
        'user_id,timestamp,session_id,event_type,item_id,category_id,price',
        'u1,2024-05-01T10:00:00Z,,product_view,sku-1,shoes,59.90',
        'u1,1714557660000,,cart,sku-1,shoes,',
        'u1,2024-05-01T10:02:00,,purchase,,,',
        ',2024-05-01T10:02:00,,purchase,,,',
        'u1,soon,,purchase,,,',
        'u1,2024-05-01T10:02:00,,jump,,,',
        'u1,1714557660000000,,product_view,sku-1,,', // epoch microseconds: year 56302, not a click
      ].join('\n'),
    );
    expect(r.stats).toEqual({ rows: 7, malformed: 4, unmapped: 0 });
    expect(r.events.map((e) => [e.type, e.ts])).toEqual([
      ['product_view', Date.UTC(2024, 4, 1, 10)],
      ['add_to_cart', Date.UTC(2024, 4, 1, 10, 1)],
      ['purchase', Date.UTC(2024, 4, 1, 10, 2)],
    ]);
    expect(r.events[0].price).toBeCloseTo(59.9);
    expect(parseGeneric('a,b\n1,2\n').stats).toEqual({ rows: 1, malformed: 1, unmapped: 0 });
  });
});

describe('parseTime: ISO 8601 or epoch digits, zone-less read as UTC, anything else malformed', () => {
  it('reads the data\'s formats and ISO variants, whatever the machine\'s zone', () => {
    const t = Date.UTC(2024, 4, 1, 10, 0);
    expect(parseTime('2024-05-01 10:00:00 UTC')).toBe(t);
    expect(parseTime('2024-05-01 10:00:00')).toBe(t);
    expect(parseTime('2024-05-01T10:00')).toBe(t);
    expect(parseTime('2024-05-01T10:00:00Z')).toBe(t);
    expect(parseTime('2024-05-01T12:00:00.250+02:00')).toBe(t + 250);
    expect(parseTime('2024-05-01T05:30:00-04:30')).toBe(t);
    expect(parseTime('2024-05-01T10:00:00.123456Z')).toBe(t + 123);
    expect(parseTime('2016-05-09')).toBe(Date.UTC(2016, 4, 9));
    expect(parseTime(' 1714557600 ')).toBe(t);
    expect(parseTime(String(t))).toBe(t);
    expect(parseTime('1714557600.5')).toBe(t + 500);
  });

  it('refuses non-ISO dates (Date.parse would read them in local time) and impossible dates', () => {
    for (const s of ['2024/05/01 10:00:00', '2024-5-1 10:00', 'May 1, 2024 10:00', 'Wed May 01 2024', '2024-02-30', '2024-13-01', '2024-05-01T24:00', '2024-05-01T10:00:00+25:00', '', 'not a time', '1714557600000000'])
      expect(parseTime(s), s).toBeNaN();
    expect(parseTime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('the generic CSV skips and counts a row whose time is not ISO or epoch digits', () => {
    const r = parseGeneric(['timestamp,user_id,event_type', '2024-05-01T10:00:00Z,u1,view', '2024/05/01 10:01:00,u1,view', 'May 1, 2024 10:02,u1,view'].join('\n'));
    expect(r.stats).toEqual({ rows: 3, malformed: 2, unmapped: 0 });
    expect(r.events.map((e) => e.ts)).toEqual([Date.UTC(2024, 4, 1, 10, 0)]);
  });
});

describe('sessionize', () => {
  const base = { store: 's', sessionId: '', itemId: 'i', categoryId: '' };
  const e = (userId: string, h: number, type: 'product_view' | 'add_to_cart' | 'purchase') => ({ ...base, userId, ts: h * HOUR, type });

  it('splits on 30-minute gaps, labels prefixes before the first purchase, drops cut-off sessions', () => {
    const events = [
      e('u', 0, 'product_view'),
      e('u', 0.1, 'add_to_cart'),
      e('u', 0.2, 'purchase'),
      e('u', 0.25, 'product_view'), // after the purchase: not in the prefix
      e('u', 2, 'product_view'), // new session (gap > 30 min), no purchase
      e('v', 1, 'purchase'), // empty prefix
      e('w', 9.9, 'product_view'), // within 30 min of the window end → cut off
    ];
    const { sessions, stats } = sessionize(events, { windowEndMs: 10 * HOUR });
    expect(stats).toEqual({ sessions: 4, cutOff: 1, cutOffWithPurchase: 0, emptyPrefix: 1, kept: 2, positives: 1 });
    expect(sessions.map((s) => [s.userId, s.label, s.events.length])).toEqual([
      ['u', 1, 2],
      ['u', 0, 1],
    ]);
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(2);
    const h = toHunchEvents(sessions[0].events);
    expect(h[0]).toMatchObject({ type: 'product_view', itemId: 'i', sessionId: sessions[0].sessionId });
    expect('categoryId' in h[0]).toBe(false);
  });

  it('splits exactly where the browser starts a new session: a gap of exactly 30 minutes is a new session', () => {
    const gap = SESSION_GAP_MS;
    const events = [e('u', 0, 'product_view'), { ...e('u', 0, 'product_view'), ts: gap - 1 }, { ...e('u', 0, 'product_view'), ts: 2 * gap - 1 }];
    expect(splitSessions(events).map((s) => s.map((x) => x.ts))).toEqual([[0, gap - 1], [2 * gap - 1]]);
    // the browser's rule on the same timestamps
    let ptr: SessionPointer | undefined;
    const ids = events.map((x) => (ptr = advanceSession(ptr, x.ts, gap, () => String(x.ts)).ptr).id);
    expect(ids).toEqual(['0', '0', String(2 * gap - 1)]);
  });
});

describe('shared data', () => {
  it.skipIf(!hasData())('loads every store with counts (needs ../shared/data; set HUNCH_DATA)', () => {
    for (const store of ['rees46', 'jdata', 'diginetica', 'taobao', 'otto', 'coveo'] as const) {
      const d = loadStore(store);
      expect(d.parse.rows).toBeGreaterThan(0);
      expect(d.sessionStats.kept).toBe(d.sessions.length);
      for (const s of d.sessions.slice(0, 50)) expect(s.events.every((x) => x.type !== 'purchase')).toBe(true);
    }
  });
});
