// Exact decimal strings as the API sends them ("0.51", "65000.04", "-0.07"): ordered and keyed without ever
// turning them into floating point numbers, so a price shown is the price the node holds.

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Splits a decimal string into sign, integer digits without leading zeros and fraction digits without trailing ones. */
function parts(text) {
  const match = DECIMAL.exec(String(text).trim());
  if (!match) {
    return null;
  }
  const integer = match[2].replace(/^0+/, '');
  const fraction = (match[3] || '').replace(/0+$/, '');
  const zero = integer === '' && fraction === '';
  return { negative: match[1] === '-' && !zero, integer, fraction };
}

/** The same number always gives the same key: "0.50", "0.5" and ".5" are one price level. */
export function canonical(text) {
  const parsed = parts(text);
  if (!parsed) {
    return String(text);
  }
  const { negative, integer, fraction } = parsed;
  return (negative ? '-' : '') + (integer || '0') + (fraction ? '.' + fraction : '');
}

function compareMagnitude(a, b) {
  if (a.integer.length !== b.integer.length) {
    return a.integer.length < b.integer.length ? -1 : 1;
  }
  if (a.integer !== b.integer) {
    return a.integer < b.integer ? -1 : 1;
  }
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** -1, 0 or 1 as a is below, equal to or above b, exactly. */
export function compareDecimal(a, b) {
  const pa = parts(a);
  const pb = parts(b);
  if (!pa || !pb) {
    // Not plain decimal text (the node always sends plain text): order as numbers rather than fail.
    return Math.sign(Number(a) - Number(b));
  }
  if (pa.negative !== pb.negative) {
    return pa.negative ? -1 : 1;
  }
  const magnitude = compareMagnitude(pa, pb);
  return pa.negative ? -magnitude : magnitude;
}

/** True for "0", "0.000" and the like: a book delta's size that removes its level. */
export function isZero(text) {
  const parsed = parts(text);
  return parsed ? parsed.integer === '' && parsed.fraction === '' : Number(text) === 0;
}
