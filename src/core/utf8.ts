/**
 * The length in bytes of a string once encoded as UTF-8, without encoding it (Firestore counts
 * document sizes in UTF-8 bytes). Pure JavaScript, so the engine needs neither Node's `Buffer`
 * nor a `TextEncoder` (which not every React Native engine has). A lone surrogate counts 3
 * bytes, as the encoders write it: U+FFFD.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4; // one code point beyond U+FFFF, written as a surrogate pair in UTF-16
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff; // NaN past the end: false
}
