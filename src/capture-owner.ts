/**
 * One auto-capturing instance per `dbName` and page: two would store every captured event twice.
 * The newest wins, because it is the one a double mount (React StrictMode) or a hot reload keeps,
 * and its older twin may be disposed only after the newer one started.
 */

/** Per `dbName`, how to take auto-capture away from the live instance that has it. */
const owners = new Map<string, () => void>();

/**
 * Starts auto-capture for `dbName`, taking it over from an older live instance of this page
 * (whose `handedOver` is called after its capture stopped).
 * @param start starts capture, returning its stops
 * @returns stops this instance's capture (on `dispose()`), freeing the name if it still has it
 */
export function captureFor(dbName: string, start: () => Array<() => void>, handedOver: () => void): () => void {
  owners.get(dbName)?.();
  const stops = start();
  const stop = () => stops.splice(0).forEach((s) => s());
  const take = () => (stop(), handedOver());
  owners.set(dbName, take);
  return () => (stop(), owners.get(dbName) === take && owners.delete(dbName));
}
