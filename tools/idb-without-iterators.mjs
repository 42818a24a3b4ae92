// A rollup plugin for every hunch build (rollup.config.mjs).
/**
 * hunch never iterates an idb cursor or store with `for await` / `.iterate()` (it calls
 * `continue()`; `test/unit/build-guard.test.ts` checks the sources), so the builds leave out idb's
 * async-iterator traps, the last section of its bundled file (226 bytes of the script tag, gzipped). The build fails, rather than
 * shipping a half-cut idb, if a new idb version changes that file's shape.
 */
export const idbWithoutIterators = () => ({
  name: 'idb-without-async-iterators',
  transform(code, id) {
    if (!/[\\/]node_modules[\\/]idb[\\/]build[\\/]index\.js$/.test(id)) return null;
    const from = code.indexOf('const advanceMethodProps');
    const to = code.indexOf('export { deleteDB, openDB, unwrap, wrap };');
    if (from < 0 || to < from || !code.slice(from, to).includes('async function* iterate')) this.error('idb/build/index.js changed shape: update tools/idb-without-iterators.mjs');
    return { code: code.slice(0, from) + code.slice(to), map: null };
  },
});
