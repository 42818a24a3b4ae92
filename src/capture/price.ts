/**
 * Price text → number, pure. One parser for JSON-LD prices and `data-hunch-price` /
 * `-quantity` attributes, for the ways shops write prices: "1,299.00", "1.299,00", "19,99",
 * "€19,99", "1 299,00 €", "$1,299", "CHF 1'299.50", "CHF 1’299.50", "19.90 EUR", "Price: $19.90",
 * "1299.000" (three decimals), "2 items".
 *
 * Rules: the first number in the text is read; letters and currency signs around it are
 * ignored, and so is a `.` or `,` right after a letter ("Rs.499", "kr.1,299": an abbreviation's
 * dot). Spaces (also no-break and thin ones) and apostrophes (' and ’) only group thousands.
 * A `.` or `,` is the decimal mark when it is the last separator, appears once, and either is
 * followed by other than 3 digits ("19,99"), follows a lone 0 ("0.299") or more than 3 digits
 * ("1299.000", which no thousands grouping could give), or comes after the other mark
 * ("1.299,00"); otherwise every separator groups thousands, so the ambiguous "1,299" and "1.299"
 * read 1299. Thousands groups have 3 digits, and the first 1 to 3 (2 allowed before the last
 * group, as in "1,00,000"). Anything else, and negative numbers (a `-`, `−` or `–` right before the
 * number or its currency sign: "-5", "-$5.00", "−5,00 €"), is `undefined`: no price rather than a
 * wrong one.
 */

/**
 * Reads the price in `text`; `undefined` when it holds no readable non-negative number.
 * @example parsePrice('1 299,00 €') // 1299
 */
export function parsePrice(text: string): number | undefined {
  // a minus (-, − or –) before the number or its currency sign makes it negative; a mark right
  // after a letter ends an abbreviation ("Rs.499", "kr.499"), it is no decimal mark
  const m = /([-\u2212\u2013]\p{Sc}?)?(?:\p{L}[.,]?)?([.,]?\d(?:[\d.,'\u2019\u00a0\u2009\u202f ]*\d)?)/u.exec(text);
  if (!m || m[1]) return undefined;
  // "0" first, so a leading mark (".99") reads as "0.99"; spaces and apostrophes group thousands
  const s = '0' + m[2].replace(/['\u2019\u00a0\u2009\u202f ](?=\d{3}(?!\d))/g, '');
  const last = Math.max(s.lastIndexOf('.'), s.lastIndexOf(','));
  const tail = s.slice(last + 1);
  // (s starts with the '0' added above, so `last > 4` means more than 3 digits before the mark)
  const decimal = last > 0 && s.indexOf(s[last]) === last && (tail.length !== 3 || last > 4 || /^0+[.,]|[.,].*[.,]/.test(s));
  const int = decimal ? s.slice(0, last) : s;
  // one kind of thousands separator, 3-digit groups after a first one of 1 to 3 (2 allowed before the last: "1,00,000")
  if (!/^(?:\d+|0?\d{1,3}([.,])(?:\d\d\d?\1)*\d{3})$/.test(int)) return undefined;
  return Number(int.replace(/[.,]/g, '') + (decimal ? '.' + tail : ''));
}
