/**
 * The import store's flow with the engine and the upload replaced by fakes: upload → preview →
 * mapping, answers that arrive late are dropped, what `import:start` is asked, job events.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportJobDto, ImportPreview, Result, StoredFileDto } from '../../shared/contract.ts';

type Call = { channel: string; input: Record<string, unknown> };
type Pending = { call: Call; resolve: (result: Result<unknown>) => void };

const fake = vi.hoisted(() => ({
  pending: [] as Pending[],
  listeners: new Map<string, (payload: unknown) => void>(),
  uploads: [] as {
    name: string;
    resolve: (result: Result<StoredFileDto>) => void;
    cancelled: boolean;
  }[],
}));

vi.mock('../engine.ts', () => ({
  engine: {
    invoke: (channel: string, input: Record<string, unknown>) =>
      new Promise((resolve) => fake.pending.push({ call: { channel, input }, resolve })),
    on: (event: string, listener: (payload: unknown) => void) => {
      fake.listeners.set(event, listener);
      return () => fake.listeners.delete(event);
    },
    onConnection: () => () => undefined,
  },
}));

vi.mock('./upload.ts', () => ({
  uploadFile: (file: { name: string }) => {
    let resolve!: (result: Result<StoredFileDto>) => void;
    const done = new Promise<Result<StoredFileDto>>((r) => (resolve = r));
    const entry = { name: file.name, resolve, cancelled: false };
    fake.uploads.push(entry);
    return { done, cancel: () => (entry.cancelled = true) };
  },
}));

const { useImport } = await import('./store.ts');

const FILE_A = { id: '01AAAAAAAAAAAAAAAAAAAAAAAA', name: 'a.csv', size: 10, url: '/files/A' };
const FILE_B = { id: '01BBBBBBBBBBBBBBBBBBBBBBBB', name: 'b.csv', size: 10, url: '/files/B' };

function preview(file: StoredFileDto, mapping: Record<string, string>): ImportPreview {
  return {
    file,
    format: 'csv',
    encoding: 'utf-8',
    delimiter: ',',
    headers: Object.keys(mapping),
    mapping,
    targets: [{ value: 'ignore', label: 'Do not import' }],
    rows: [],
  };
}

function job(over: Partial<ImportJobDto> = {}): ImportJobDto {
  return {
    id: 'J1',
    fileName: 'a.csv',
    state: 'running',
    rowsDone: 0,
    bytesDone: 0,
    bytesTotal: 10,
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    warnings: 0,
    error: null,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

const asFile = (name: string, size = 10) => ({ name, size }) as File;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const take = (channel: string): Pending => {
  const index = fake.pending.findIndex((p) => p.call.channel === channel);
  if (index === -1) throw new Error(`no ${channel} call`);
  return fake.pending.splice(index, 1)[0]!;
};

beforeEach(() => {
  fake.pending.length = 0;
  fake.uploads.length = 0;
  useImport.getState().forWorkspace(`ws-${Math.random()}`);
});
afterEach(() => vi.useRealTimers());

describe('import store', () => {
  it('refuses a file over 1 GB without uploading it', () => {
    useImport.getState().chooseFile(asFile('huge.csv', 1024 ** 3 + 1));
    expect(useImport.getState().step).toEqual({
      kind: 'choose',
      problem: expect.stringMatching(/huge\.csv is larger than 1 GB/),
    });
    expect(fake.uploads).toHaveLength(0);
  });

  it('uploads, previews, and takes the suggested mapping', async () => {
    useImport.getState().chooseFile(asFile('a.csv'));
    expect(useImport.getState().step).toMatchObject({ kind: 'upload', name: 'a.csv' });
    fake.uploads[0]!.resolve({ ok: true, data: FILE_A });
    await flush();
    expect(useImport.getState().step).toMatchObject({ kind: 'upload', reading: true });
    const call = take('import:preview');
    expect(call.call.input.fileId).toBe(FILE_A.id);
    expect(call.call.input.mapping).toBeUndefined();
    call.resolve({ ok: true, data: preview(FILE_A, { Email: 'email', Id: 'ignore' }) });
    await flush();
    expect(useImport.getState().step.kind).toBe('map');
    expect(useImport.getState().draft.mapping).toEqual({ Email: 'email', Id: 'ignore' });
  });

  it('goes back to choosing with the engine’s reason when the file cannot be read', async () => {
    useImport.getState().chooseFile(asFile('old.xls'));
    fake.uploads[0]!.resolve({ ok: true, data: FILE_A });
    await flush();
    take('import:preview').resolve({
      ok: false,
      error: { code: 'invalid_input', message: 'Save .xls files as .xlsx first' },
    });
    await flush();
    expect(useImport.getState().step).toEqual({
      kind: 'choose',
      problem: 'Save .xls files as .xlsx first',
    });
  });

  it('drops the answer for a file the user has replaced', async () => {
    useImport.getState().chooseFile(asFile('a.csv'));
    fake.uploads[0]!.resolve({ ok: true, data: FILE_A });
    await flush();
    const late = take('import:preview');
    useImport.getState().chooseFile(asFile('b.csv'));
    late.resolve({ ok: true, data: preview(FILE_A, { A: 'email' }) });
    await flush();
    expect(useImport.getState().step).toMatchObject({ kind: 'upload', name: 'b.csv' });
    fake.uploads[1]!.resolve({ ok: true, data: FILE_B });
    await flush();
    take('import:preview').resolve({ ok: true, data: preview(FILE_B, { B: 'phone' }) });
    await flush();
    const step = useImport.getState().step;
    expect(step.kind === 'map' && step.preview.file.id).toBe(FILE_B.id);
    expect(useImport.getState().draft.mapping).toEqual({ B: 'phone' });
  });

  it('asks for a new preview after a mapping change and shows why a mapping is refused', async () => {
    useImport.getState().chooseFile(asFile('a.csv'));
    fake.uploads[0]!.resolve({ ok: true, data: FILE_A });
    await flush();
    take('import:preview').resolve({
      ok: true,
      data: preview(FILE_A, { A: 'email', B: 'ignore' }),
    });
    await flush();
    vi.useFakeTimers();
    useImport.getState().setDraft({ defaultCountry: 'DE' });
    useImport.getState().setMapping('B', 'email');
    expect(useImport.getState().previewing).toBe(true);
    vi.advanceTimersByTime(300);
    vi.useRealTimers();
    const again = take('import:preview');
    expect(again.call.input).toEqual({
      fileId: FILE_A.id,
      mapping: { A: 'email', B: 'email' },
      defaultCountry: 'DE',
    });
    expect(fake.pending.filter((p) => p.call.channel === 'import:preview')).toHaveLength(0);
    again.resolve({
      ok: false,
      error: { code: 'invalid_input', message: 'Email is mapped from two columns' },
    });
    await flush();
    expect(useImport.getState().previewError).toBe('Email is mapped from two columns');
    expect(useImport.getState().step.kind).toBe('map');
  });

  it('starts the job with the chosen options and follows its events', async () => {
    useImport.getState().chooseFile(asFile('a.csv'));
    fake.uploads[0]!.resolve({ ok: true, data: FILE_A });
    await flush();
    take('import:preview').resolve({ ok: true, data: preview(FILE_A, { A: 'email' }) });
    await flush();
    useImport.getState().setDraft({
      defaultCountry: '',
      dedupe: 'update',
      owner: 'user-7',
      tags: ['Expo'],
    });
    const started = useImport.getState().start();
    const call = take('import:start');
    expect(call.call.input).toEqual({
      fileId: FILE_A.id,
      mapping: { A: 'email' },
      options: { dedupe: 'update', owner: { kind: 'user', userId: 'user-7' }, tags: ['Expo'] },
    });
    call.resolve({ ok: true, data: job() });
    await started;
    expect(useImport.getState().step).toEqual({ kind: 'job', jobId: 'J1' });
    useImport.getState().receive(job({ rowsDone: 5, updatedAt: 2 }));
    expect(useImport.getState().jobs).toEqual([job({ rowsDone: 5, updatedAt: 2 })]);
  });

  it('keeps a start error on the mapping step', async () => {
    useImport.getState().chooseFile(asFile('a.csv'));
    fake.uploads[0]!.resolve({ ok: true, data: FILE_A });
    await flush();
    take('import:preview').resolve({ ok: true, data: preview(FILE_A, { A: 'email' }) });
    await flush();
    const started = useImport.getState().start();
    take('import:start').resolve({
      ok: false,
      error: { code: 'forbidden', message: '' },
    });
    await started;
    expect(useImport.getState().startError).toBe('Your role does not allow that.');
    expect(useImport.getState().step.kind).toBe('map');
  });
});
