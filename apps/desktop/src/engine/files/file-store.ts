/**
 * Files the engine keeps for the user: imports staged before they run (so a resumed import reads
 * the same bytes even if the original moved), error reports and exports to download. Each file is
 * `${dataDir}/files/<id>` with `<id>.json` beside it ({ name, size, createdAt }). Ids are ULIDs;
 * anything else is refused, so an id can never name a path outside the folder.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ulid } from 'ulid';
import { EngineFailure } from '../errors.ts';

const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** Largest file the engine stages (imports refuse bigger ones before reading them anyway). */
export const MAX_STAGED_BYTES = 1024 ** 3;

export interface StoredFile {
  id: string;
  name: string;
  size: number;
  createdAt: number;
}

/** A file name safe to show and to offer as a download name. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f"<>|*?:]/g, '_');
  return (base.trim() || 'file').slice(0, 200);
}

export function createFileStore(dataDir: string, now: () => number = Date.now) {
  const dir = path.join(dataDir, 'files');
  const pathOf = (id: string) => {
    if (!ID.test(id)) throw new EngineFailure('not_found', 'No such file');
    return path.join(dir, id);
  };
  async function describe(id: string, name: string): Promise<StoredFile> {
    const { size } = await fs.stat(pathOf(id));
    const info: StoredFile = { id, name: cleanFileName(name), size, createdAt: now() };
    await fs.writeFile(`${pathOf(id)}.json`, JSON.stringify(info));
    return info;
  }

  return {
    dir,
    pathOf,
    /** A new empty slot to write into (exports, reports); call `describe` when written. */
    async reserve(): Promise<{ id: string; path: string }> {
      await fs.mkdir(dir, { recursive: true });
      const id = ulid();
      return { id, path: pathOf(id) };
    },
    describe,
    /** Copies a file the user chose (Electron gives a path) into the store. */
    async stageFromPath(source: string): Promise<StoredFile> {
      const st = await fs.stat(source).catch((cause: unknown) => {
        throw new EngineFailure('not_found', `The file ${source} cannot be opened`, { cause });
      });
      if (!st.isFile()) throw new EngineFailure('invalid_input', `${source} is not a file`);
      if (st.size > MAX_STAGED_BYTES) {
        throw new EngineFailure('invalid_input', 'The file is larger than 1 GB; split it first');
      }
      const { id, path: target } = await this.reserve();
      await fs.copyFile(source, target);
      return describe(id, path.basename(source));
    },
    /** Streams an upload (web shell) into the store, refusing it once it passes `maxBytes`. */
    async stageFromStream(
      input: Readable,
      name: string,
      maxBytes = MAX_STAGED_BYTES,
    ): Promise<StoredFile> {
      const { id, path: target } = await this.reserve();
      let seen = 0;
      input.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > maxBytes) {
          input.destroy(new EngineFailure('invalid_input', 'The file is larger than 1 GB'));
        }
      });
      try {
        await pipeline(input, createWriteStream(target));
      } catch (err) {
        await fs.rm(target, { force: true });
        throw err;
      }
      return describe(id, name);
    },
    async info(id: string): Promise<StoredFile> {
      try {
        return JSON.parse(await fs.readFile(`${pathOf(id)}.json`, 'utf8')) as StoredFile;
      } catch (cause) {
        throw new EngineFailure('not_found', 'No such file', { cause });
      }
    },
    open(id: string): Readable {
      return createReadStream(pathOf(id));
    },
    async remove(id: string): Promise<void> {
      await fs.rm(pathOf(id), { force: true });
      await fs.rm(`${pathOf(id)}.json`, { force: true });
    },
  };
}

export type FileStore = ReturnType<typeof createFileStore>;
