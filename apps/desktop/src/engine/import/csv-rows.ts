/**
 * CSV/TSV records from a byte stream: decode (with the sniffed encoding), detect the delimiter,
 * parse with papaparse in streaming mode. Records come out one at a time with backpressure:
 * papaparse is paused, and the text stream with it, while the consumer is busy, so a 1 GB file
 * is never held in memory.
 */
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { ImportError } from './import-error.ts';
import type { TextEncoding } from './sniff.ts';

export type Delimiter = ',' | ';' | '\t';

const DELIMITERS: Delimiter[] = [',', ';', '\t'];
const SAMPLE_CHARS = 64 * 1024;
const SEP_HINT = /^sep=([,;\t|])\r?\n/i;

/**
 * Text chunks from byte chunks. A file sniffed as UTF-8 from an ASCII-only head that turns out not
 * to be UTF-8 later (an "é" in windows-1252 at row 50 000) is read as windows-1252 from there on:
 * so far it was ASCII, which both encodings read alike. Valid non-ASCII UTF-8 followed by invalid
 * bytes is a file mixing encodings, refused with `invalid_encoding`.
 */
export async function* decodeText(
  bytes: AsyncIterable<Buffer>,
  encoding: TextEncoding,
): AsyncGenerator<string> {
  let current: TextEncoding = encoding;
  let decoder = new TextDecoder(current, { fatal: current === 'utf-8' });
  let asciiSoFar = true;
  let offset = 0;
  for await (const chunk of bytes) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch (cause) {
      if (current !== 'utf-8' || !asciiSoFar) {
        throw new ImportError(
          'invalid_encoding',
          `The file is UTF-8 up to byte ${offset} but not after it; save it again as "CSV UTF-8" and import it`,
          { cause },
        );
      }
      current = 'windows-1252';
      decoder = new TextDecoder(current);
      text = decoder.decode(chunk, { stream: true });
    }
    if (asciiSoFar && current === 'utf-8') asciiSoFar = chunk.every((b) => b < 0x80);
    offset += chunk.length;
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

export interface CsvText {
  readonly delimiter: Delimiter;
  /** The text, starting after an Excel `sep=;` line when there was one. */
  readonly text: AsyncGenerator<string>;
}

/** Reads ahead ~64k characters to pick the delimiter (`,` `;` or tab; a `sep=` line wins). */
export async function detectDelimiter(text: AsyncIterable<string>): Promise<CsvText> {
  const iterator = text[Symbol.asyncIterator]();
  const head: string[] = [];
  let length = 0;
  let done = false;
  while (length < SAMPLE_CHARS) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    length += next.value.length;
  }
  let sample = head.join('');
  let delimiter: Delimiter | null = null;
  const hint = SEP_HINT.exec(sample);
  if (hint && DELIMITERS.includes(hint[1] as Delimiter)) {
    delimiter = hint[1] as Delimiter;
    sample = sample.slice(hint[0].length);
  }
  if (!delimiter) {
    // Guess from whole lines only: a cut last line would skew the field counts.
    const cut = done ? sample.length : Math.max(sample.lastIndexOf('\n'), 0);
    const guess = Papa.parse<string[]>(sample.slice(0, cut || sample.length), {
      preview: 50,
      skipEmptyLines: true,
      delimitersToGuess: DELIMITERS,
    });
    const found = guess.meta.delimiter as Delimiter;
    delimiter = DELIMITERS.includes(found) ? found : ',';
  }
  async function* rest(): AsyncGenerator<string> {
    if (sample !== '') yield sample;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { delimiter, text: rest() };
}

const HIGH_WATER = 512;
const LOW_WATER = 64;

/**
 * Every record of the text, blank lines included (as `['']`), in order. Backpressure is applied to
 * the text stream only: while the queue is above HIGH_WATER the stream is paused, papaparse
 * finishes the chunk it has (a few hundred records at most) and waits for the next one.
 * Papaparse's own pause/resume is not used.
 */
export async function* parseCsvRecords(
  text: AsyncIterable<string>,
  delimiter: Delimiter,
): AsyncGenerator<string[]> {
  const source = Readable.from(text, { objectMode: true });
  let queue: string[][] = [];
  let head = 0;
  let finished = false;
  // In an object: TypeScript does not see the callbacks assign it.
  const state: { failure: Error | null } = { failure: null };
  let parser: Papa.Parser | null = null;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  let records = 0;

  Papa.parse<string[]>(source, {
    delimiter,
    skipEmptyLines: false,
    step(result, p) {
      parser = p;
      if (state.failure !== null) return;
      records += 1;
      if (result.errors.some((e) => e.code === 'MissingQuotes')) {
        state.failure = new ImportError(
          'malformed_csv',
          `Row ${records} opens a quoted value that is never closed; everything after it would be one value`,
        );
        p.abort();
      } else {
        queue.push(result.data);
        if (queue.length - head >= HIGH_WATER && !source.isPaused()) source.pause();
      }
      signal();
    },
    complete() {
      finished = true;
      signal();
    },
    error(err: Error) {
      state.failure = err;
      signal();
    },
  });

  try {
    for (;;) {
      if (head < queue.length) {
        const record = queue[head]!;
        head += 1;
        if (head === queue.length) {
          queue = [];
          head = 0;
        }
        if (queue.length - head <= LOW_WATER && source.isPaused() && !finished) source.resume();
        yield record;
        continue;
      }
      if (state.failure !== null) throw state.failure;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!finished) {
      (parser as Papa.Parser | null)?.abort();
      source.destroy();
    }
  }
}
