/**
 * PII scrubbing, in linear time (one hand-written pass, no backtracking regular expressions), so
 * a 1 MB string costs a few milliseconds at most.
 *
 * - emails → `[email]` (everywhere), also with non-ASCII letters and digits (`jöns@münchen.de`)
 *   and percent-encoded ones in URLs (`jane@m%C3%BCnchen.de`)
 * - payment card numbers (13–19 digits, spaces/dashes allowed) → `[card]`; in ids only when the
 *   Luhn check passes, so long numeric SKUs survive, and never a bare 13- or 14-digit run, or a
 *   13-digit one starting 978/979 split by separators (an ISBN-13: `978-0-306-40615-7`), whose
 *   GS1 check digit is right (a GTIN-13/EAN/ISBN-13 or GTIN-14 is an item number, not a card)
 * - phone numbers → `[phone]`: a digit run starting with `+` or split by separators with ≥ 7
 *   digits; in free text (`mode: 'text'`) also a bare run of 9–12 digits. Ids keep bare digit
 *   runs and such GTINs, and a run split by dots only is a phone there only when it starts with
 *   `(` or has 10+ digits: `802.425.68` is an article number, `612 34 56 78` a phone.
 * - a run of digit groups longer than any card or phone (> 19 digits) → `[number]` when it starts
 *   with `+` or has separators (≥ 2 in ids), since a phone or card may hide inside; bare runs
 *   (ids, hashes) are kept. Digits glued to letters (`abc123`) are identifiers: only that group.
 * - URLs: user:password@ removed, every query value, path parameter value (`;jsessionid=`) and
 *   the fragment's key=value pairs removed (keys kept: `?q=&page=`), path scrubbed as text,
 *   except that a path segment of digits only (`/ip/airpods/604342441/`, also with an extension
 *   or path parameters: `/100012043978.html`, `/604342441;sid=`) is scrubbed as an id:
 *   numeric product ids and GTINs stay, a Luhn-valid card number does not; digits split by
 *   separators ("/030/1234567") are text. A hash route (`#/product/604342441?variant=2`,
 *   `#!/…`) is scrubbed like a path and its query.
 * - text and ids are scrubbed as written, then checked again with full-width forms normalised
 *   (NFKC: `０９０−１２３４−５６７８`, `jane＠example.com`) and `%XX` escapes of ASCII decoded
 *   (`jane%40example.com`), then once more, on what is left, with runs of escapes
 *   decoded as UTF-8 before NFKC (`jane%EF%BC%A0example.com`, double-encoded `jane%2540…`) and
 *   the digits of every script read as ASCII (Arabic-Indic `٠٥٠١٢٣٤٥٦٧`, Persian, Devanagari); when a
 *   check reveals something more to remove, the string is stored as that check read it, else as
 *   written (with what the first pass removed).
 * - emails may hold non-ASCII letters, so in scripts written without spaces (Japanese, Chinese)
 *   the text glued to an address is removed with it (`お問い合わせはinfo@example.comまで` →
 *   `[email]`): removing too much there was chosen over leaving part of an address.
 * - an email's local part may hold RFC 5322's ! # $ & ' * / = ? ^ ` { | } ~ (`jane.o'brien@…`,
 *   `jane~work@…`), but starts with a letter, digit, `.`, `-`, `_`, `+` or `%`: a quote before it
 *   is punctuation (`'jane@example.com'` → `'[email]'`). In URLs and ids `/ = ? & #` delimit path
 *   segments and `key=value` pairs, so there only free text counts them (`email=jane@…` in a
 *   search is removed whole).
 */

/** How aggressively to scrub: `'text'` for free text (queries, URLs), `'id'` for item/category ids. */
export type ScrubMode = 'text' | 'id';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
// domain: letters and digits (also non-ASCII ones: münchen.de), . - and % (percent-encoded in a URL)
const isDomain = (c: number) => isAlpha(c) || isDigit(c) || c === 46 || c === 45 || c === 37 || (c > 127 && /[\p{L}\p{M}\p{N}]/u.test(String.fromCharCode(c)));
// an email's local part starts with one of these: the domain's characters, _ and +
const isAtom = (c: number) => isDomain(c) || c === 95 || c === 43;
// and goes on with the rest of RFC 5322's atext (jane.o'brien@…, jane~work@…); in URLs and ids,
// where / = ? & # split path segments and key=value pairs, only free text counts those
const isLocal = (c: number, text: boolean) => isAtom(c) || ("!$'*^`{|}~" + (text ? '#&/=?' : '')).includes(String.fromCharCode(c));
// separators allowed inside phone/card numbers: any white space (tab, no-break, thin…) - . ( ) / _ ‐ −
const isSep = (c: number) => /[\s\-.()/_\u2010\u2212]/.test(String.fromCharCode(c));

/** Mod-10 check over the digits of s[from..to), skipping separators: Luhn, or GS1 (GTIN, EAN, ISBN-13) when `gs1`. */
function mod10(s: string, from: number, to: number, gs1?: boolean): boolean {
  let sum = 0;
  let odd = false;
  for (let i = to - 1; i >= from; i--) {
    let d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) continue;
    if (odd) d = gs1 ? d * 3 : d > 4 ? d * 2 - 9 : d * 2;
    sum += d;
    odd = !odd;
  }
  return sum % 10 === 0;
}

/**
 * True when some consecutive groups of a ≤ 19-digit run (`groups` holds start, end, digit count
 * of each; only those ending by `end`) form a Luhn-valid 13–19 digit number: a card next to other
 * digits ("+1  4111 1111 1111 1111") is still a card. At most 19 groups, so constant work.
 */
function cardWindow(s: string, groups: readonly number[], end: number): boolean {
  for (let a = 0; a < groups.length; a += 3) {
    let digits = 0;
    for (let b = a; b < groups.length && groups[b + 1] <= end; b += 3) {
      digits += groups[b + 2];
      if (digits > 19) break;
      if (digits >= 13 && mod10(s, groups[a], groups[b + 1])) return true;
    }
  }
  return false;
}

/**
 * End of the email domain after the `@` at `i` (trailing dots left out), or -1 when what follows
 * is no domain with a dot and a top-level part of 2+ characters.
 */
function domainEnd(s: string, i: number): number {
  let b = i + 1;
  while (b < s.length && isDomain(s.charCodeAt(b))) b++;
  // trailing dots are punctuation, not part of the domain
  while (b > i + 1 && s.charCodeAt(b - 1) === 46) b--;
  // the last dot within the domain (never searched for before it: the scan stays linear)
  let lastDot = b - 1;
  while (lastDot > i + 1 && s.charCodeAt(lastDot) !== 46) lastDot--;
  return lastDot > i + 1 && b - lastDot > 2 ? b : -1;
}

/**
 * True when `s[end..]` goes on as an email's local part up to its `@` (at most 64 characters): the
 * digits before `end` ("jane+20240101@…") belong to that email, scrubbed whole at its `@`.
 */
function inEmail(s: string, end: number, text: boolean): boolean {
  let k = end;
  while (k < s.length && k - end < 64 && isLocal(s.charCodeAt(k), text)) k++;
  return s.charCodeAt(k) === 64 && domainEnd(s, k) > 0;
}

/** Where a digits-only URL path segment may end (from the end of its digits): `/`, `;` or the end, maybe after `.html`. */
const SEGMENT_END = /(?:\.[a-z]+)?(?:[/;]|$)/iy;

/** One scrubbing pass over `s` as written (no decoding). Linear in `s.length`. */
function scan(s: string, mode: ScrubMode | 'path'): string {
  let out = '';
  let emitted = 0; // s[0..emitted) already copied to out
  let leftLimit = 0; // left expansion of an email never crosses this (keeps the scan linear)
  const free = mode === 'text';
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 64 /* @ */) {
      let a = i;
      while (a > leftLimit && a > emitted && isLocal(s.charCodeAt(a - 1), free)) a--;
      // a quote or other mark before the address is punctuation ('jane@example.com')
      while (a < i && !isAtom(s.charCodeAt(a))) a++;
      const b = domainEnd(s, i);
      if (a < i && b > 0) {
        out += s.slice(emitted, a) + '[email]';
        emitted = b;
        leftLimit = b;
        i = b;
        continue;
      }
      leftLimit = i + 1;
      i++;
      continue;
    }
    const plus = c === 43 && i + 1 < n && isDigit(s.charCodeAt(i + 1));
    if (isDigit(c) || plus) {
      // digits glued to letters (e.g. "abc123") are an identifier, not a phone/card; only that
      // first group is: what follows a separator is scanned afresh ("A1 4111 1111 1111 1111")
      if (!plus && i > 0 && (isAlpha(s.charCodeAt(i - 1)) || s.charCodeAt(i - 1) === 95)) {
        while (i < n && isDigit(s.charCodeAt(i))) i++;
        continue;
      }
      let j = plus ? i + 1 : i;
      let nd = 0;
      let seps = 0;
      let group = 0; // digits in the current group
      let groupStart = j;
      let shape = ''; // group sizes, e.g. "4-2-2" (only the first few)
      let end = j;
      let cardGroup = false; // one group alone is a Luhn-valid card number
      let dotted = true; // every separator is a dot (an article number like 802.425.68, in an id)
      let before: { nd: number; seps: number; end: number; shape: string } | undefined; // the run without its last group
      const groups: number[] = []; // [start, end, digits] of the first groups, for card windows
      const endGroup = () => {
        if (group >= 13 && group <= 19 && mod10(s, groupStart, groupStart + group)) cardGroup = true;
        if (group && groups.length < 60) groups.push(groupStart, groupStart + group, group);
      };
      while (j < n) {
        const d = s.charCodeAt(j);
        if (isDigit(d)) {
          if (group === 0) groupStart = j;
          nd++;
          group++;
          end = j + 1;
          j++;
        } else if (isSep(d) && j + 1 < n && (isDigit(s.charCodeAt(j + 1)) || (isSep(s.charCodeAt(j + 1)) && j + 2 < n && isDigit(s.charCodeAt(j + 2))))) {
          if (group) {
            endGroup();
            before = { nd, seps, end, shape: shape.length < 12 ? shape + group : shape };
            if (shape.length < 12) shape += group + '-';
          }
          seps++;
          group = 0;
          dotted &&= d === 46;
          j++;
        } else break;
      }
      endGroup();
      if (shape.length < 12) shape += group;
      // digits glued to letters on the right ("…1111x") end an identifier: judge the run without them
      if (end < n && isAlpha(s.charCodeAt(end))) {
        if (!before) {
          i = end;
          continue;
        }
        ({ nd, seps, end, shape } = before);
      }
      // dates and times (2024-11-29, 29.11.2024, 12:30) are not phone numbers
      const dateLike = /^(?:4-[12]-[12]|[12]-[12]-4)$/.test(shape);
      // in a URL path, a segment of digits only ("/ip/airpods/604342441/"), maybe with an extension
      // or path parameters ("/100012043978.html", "/604342441;sid="), is an id
      const text = free || (mode === 'path' && !(seps === 0 && !plus && s.charCodeAt(i - 1) === 47 && ((SEGMENT_END.lastIndex = end), SEGMENT_END.test(s))));
      // a bare GTIN (13/14 digits), or an ISBN-13 written with separators (978-0-306-40615-7), with
      // its GS1 check digit right: an item number, neither a card nor a phone in an id
      const gtin = !plus && (seps ? nd === 13 && /^97[89]/.test(s.slice(i)) : nd <= 14) && mod10(s, i, end, true);
      let tag = '';
      if (nd > 19) {
        // longer than any card or phone: a bare run is an id or hash, but a run of groups may
        // hide one (a phone next to a card, digits typed around a card number)
        if (plus || seps >= 2 || (text && seps >= 1)) tag = '[number]';
        else if (cardGroup) tag = '[card]';
      } else if (nd >= 13 && (text || (cardWindow(s, groups, end) && !gtin))) tag = '[card]';
      // in an id, digits split by dots only are a phone when they start with ( or have 10+ digits
      // ("802.425.68" is an article number); other separators ("612 34 56 78") mark a phone, as in
      // text, unless the run is such a GTIN
      else if (!dateLike && nd >= 7 && nd <= 15 && (plus || seps >= 2 || (text && seps >= 1)) && (text || plus || s.charCodeAt(i - 1) === 40 || (!gtin && (nd >= 10 || !dotted)))) tag = '[phone]';
      else if (text && nd >= 9 && nd <= 12) tag = '[phone]';
      if (tag) {
        // the run's end may begin an email's local part ("jane+20240101@…"), scrubbed whole at its
        // `@`: then the tag takes only the groups before a separator no local part holds
        // ("4111 1111 1111 1111.x@…", "555 123 4567.jane@…"), if any
        let e = end;
        if (inEmail(s, end, free)) {
          while (e > i && isLocal(s.charCodeAt(e - 1), free)) e--;
          while (e > i && !isDigit(s.charCodeAt(e - 1))) e--;
        }
        if (e > i) {
          out += s.slice(emitted, i) + tag;
          emitted = leftLimit = e;
        }
      }
      i = Math.max(end, i + 1);
      continue;
    }
    i++;
  }
  return emitted === 0 ? s : out + s.slice(emitted);
}

/**
 * Scrubs emails, card and phone numbers from `s` (see the module comment for what `mode`
 * keeps; `'path'` is text with digits-only URL path segments read as ids), also those hidden by
 * percent-encoding. Linear in `s.length`.
 */
export function scrubText(s: string, mode: ScrubMode | 'path' = 'text'): string {
  // The string as written is scrubbed first: normalising can glue a number to letters
  // ("ＴＥＬ090…" → "TEL090…", an identifier), which must not hide what the written form shows.
  // Then, in turn, two readings of what is left that may reveal more: full-width forms read as
  // ASCII (NFKC: ０９０−１２３４, ＠) with `%XX` escapes of ASCII characters decoded (`%40` → `@`);
  // then also runs of escapes decoded as UTF-8 before NFKC (`%EF%BC%A0` → `＠` → `@`) and the
  // digits of every script read as ASCII (٠٥٠١٢٣٤٥٦٧, ۰۹۱۲, ०९८७: NFKC keeps them). A reading
  // that reveals something more to remove is kept (and read by the next); else the string stays.
  // Both are linear, and a malformed escape is left as written.
  let out = scan(s, mode);
  for (const utf8 of [0, 1]) {
    const decoded = asciiEscapes((utf8 ? asciiDigits(utf8Escapes(out)) : out).normalize('NFKC'));
    // nothing to normalise or decode (plain ASCII text, the usual case): no second pass
    const clean = decoded === out ? out : scan(decoded, mode);
    if (clean !== decoded) out = clean;
  }
  return out;
}

const digits: Record<string, string> = {}; // each non-ASCII digit's value, once worked out
/**
 * Decimal digits of any script (Arabic-Indic ٤, Persian ۴, Devanagari ४…) as ASCII. Unicode
 * encodes each script's 0–9 as one run of consecutive code points, and runs that touch hold whole
 * sets: a digit's value is its distance from the start of its run, modulo 10.
 */
const asciiDigits = (x: string) =>
  x.replace(/(?![0-9])\p{Nd}/gu, (d) => {
    if (!digits[d]) {
      const c = d.codePointAt(0)!;
      let z = c;
      while (/\p{Nd}/u.test(String.fromCodePoint(z - 1))) z--;
      digits[d] = '' + ((c - z) % 10);
    }
    return digits[d];
  });
const asciiEscapes = (x: string) => x.replace(/%[0-7][\da-f]/gi, decodeURIComponent);
/** Each run of `%XX` escapes decoded as UTF-8; a run that is no UTF-8 gets its ASCII escapes decoded. */
const utf8Escapes = (x: string) =>
  x.replace(/(?:%[\da-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return asciiEscapes(run);
    }
  });

/** `k=v&k2=v2` → `k=&k2=`, the keys scrubbed as text. */
const scrubPairs = (part: string) => part.split('&').map((kv) => scrubText(kv.replace(/=.*/s, '='))).join('&');

/**
 * Scrubs a URL (absolute or relative): drops credentials, removes every query value, path
 * parameter value (`;k=v`) and the fragment's `key=value` values, and scrubs the rest as text; a
 * hash route (`#/…`, `#!/…`) is scrubbed like a path and its query. Never throws.
 */
export function scrubUrl(url: string, route?: boolean): string {
  let [, rest, query, fragment] = /^([^?#]*)(?:\?([^#]*))?(?:#(.*))?/s.exec(url)!;
  // scheme://user:pass@host → scheme://host
  const scheme = rest.indexOf('://');
  if (scheme >= 0) {
    const hostStart = scheme + 3;
    let hostEnd = rest.indexOf('/', hostStart);
    if (hostEnd < 0) hostEnd = rest.length;
    const at = rest.lastIndexOf('@', hostEnd);
    if (at >= hostStart) rest = rest.slice(0, hostStart) + rest.slice(at + 1);
  }
  // path parameters (`;jsessionid=8F2A…`) lose their values like the query's
  let result = scrubText(rest.replace(/;([^/;=]*)=[^/;]*/g, ';$1='), 'path');
  if (query !== undefined) result += '?' + scrubPairs(query);
  // a hash route (#/…, #!/…) is a path with its own query
  // (once: a '#' within the route is text, so the work stays linear however many there are)
  if (fragment !== undefined) result += '#' + (!route && /^!?\//.test(fragment) ? scrubUrl(fragment, true) : fragment.includes('=') ? scrubPairs(fragment) : scrubText(fragment));
  return result;
}
