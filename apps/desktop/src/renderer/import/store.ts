/**
 * The import screen's state, kept outside the components so leaving the screen loses nothing: the
 * upload keeps going, the mapping stays as edited, and the job list follows `import:progress`
 * events while anything watches it (`watchJobs`). Jobs themselves live in the engine; the list is
 * asked again (`import:jobs`) whenever the connection to the engine is (re)established, so an
 * engine restart mid-import shows the resumed job's progress.
 */
import { create } from 'zustand';
import type {
  DEDUPE_MODES,
  ImportJobDto,
  ImportPreview,
  InputOf,
  StoredFileDto,
} from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { fileProblem, localeCountry, upsertJob } from './model.ts';
import { uploadFile, type Upload } from './upload.ts';

export type DedupeMode = (typeof DEDUPE_MODES)[number];
/** `me`, `none`, or a member's user id. */
export type OwnerChoice = string;

export type ImportStep =
  | { kind: 'choose'; problem: string | null }
  | { kind: 'upload'; name: string; size: number; loaded: number; reading: boolean }
  | { kind: 'map'; preview: ImportPreview }
  | { kind: 'job'; jobId: string };

export type ImportDraft = {
  mapping: Record<string, string>;
  /** ISO alpha-2, or '' for none. */
  defaultCountry: string;
  dedupe: DedupeMode;
  owner: OwnerChoice;
  tags: string[];
};

export type ReportState =
  | { status: 'loading' }
  | { status: 'ready'; file: StoredFileDto }
  | { status: 'error'; message: string };

type ImportStore = {
  workspaceId: string | null;
  jobs: ImportJobDto[];
  jobsLoaded: boolean;
  jobsError: string | null;
  step: ImportStep;
  draft: ImportDraft;
  /** A preview is being asked for (after a mapping or country change). */
  previewing: boolean;
  /** Why the current mapping cannot be imported (the engine's check), or a failed preview. */
  previewError: string | null;
  starting: boolean;
  startError: string | null;
  reports: Record<string, ReportState>;

  /** The signed-in workspace; a different one starts over. */
  forWorkspace: (workspaceId: string) => void;
  loadJobs: () => Promise<void>;
  receive: (job: ImportJobDto) => void;
  chooseFile: (file: File) => void;
  cancelUpload: () => void;
  setMapping: (header: string, target: string) => void;
  setDraft: (change: Partial<Omit<ImportDraft, 'mapping'>>) => void;
  start: () => Promise<void>;
  openJob: (jobId: string) => void;
  startOver: () => void;
  cancelJob: (jobId: string) => Promise<string | null>;
  loadReport: (jobId: string) => Promise<void>;
};

const PREVIEW_DEBOUNCE_MS = 250;

function initialDraft(): ImportDraft {
  return {
    mapping: {},
    defaultCountry:
      localeCountry(typeof navigator === 'undefined' ? undefined : navigator.language) ?? '',
    dedupe: 'skip',
    owner: 'me',
    tags: [],
  };
}

let upload: Upload | null = null;
let previewTimer: ReturnType<typeof setTimeout> | null = null;
let previewSeq = 0;
let jobsSeq = 0;

/** Forgets the upload and any preview on its way (their answers are dropped when they land). */
function dropPending(): void {
  const current = upload;
  upload = null;
  current?.cancel();
  if (previewTimer) clearTimeout(previewTimer);
  previewTimer = null;
  previewSeq += 1;
}

export const useImport = create<ImportStore>((set, get) => {
  /** The file of the mapping step. */
  const currentPreview = () => {
    const step = get().step;
    return step.kind === 'map' ? step.preview : null;
  };

  async function askPreview(
    fileId: string,
    input: Omit<InputOf<'import:preview'>, 'fileId'>,
  ): Promise<void> {
    const seq = ++previewSeq;
    set({ previewing: true });
    const result = await engine.invoke('import:preview', { fileId, ...input });
    if (seq !== previewSeq) return;
    const step = get().step;
    if (!result.ok) {
      if (step.kind === 'upload') {
        // The file itself cannot be read: back to choosing, with the reason.
        set({ step: { kind: 'choose', problem: errorMessage(result.error) }, previewing: false });
      } else set({ previewing: false, previewError: errorMessage(result.error) });
      return;
    }
    if (step.kind !== 'upload' && !(step.kind === 'map' && step.preview.file.id === fileId)) {
      set({ previewing: false });
      return;
    }
    const preview = result.data;
    set((state) => ({
      step: { kind: 'map', preview },
      previewing: false,
      previewError: null,
      draft:
        step.kind === 'upload' ? { ...state.draft, mapping: { ...preview.mapping } } : state.draft,
    }));
  }

  function schedulePreview() {
    if (previewTimer) clearTimeout(previewTimer);
    previewTimer = setTimeout(() => {
      previewTimer = null;
      const preview = currentPreview();
      if (!preview) return;
      const { mapping, defaultCountry } = get().draft;
      void askPreview(preview.file.id, {
        mapping,
        ...(defaultCountry ? { defaultCountry } : {}),
      });
    }, PREVIEW_DEBOUNCE_MS);
    set({ previewing: true });
  }

  return {
    workspaceId: null,
    jobs: [],
    jobsLoaded: false,
    jobsError: null,
    step: { kind: 'choose', problem: null },
    draft: initialDraft(),
    previewing: false,
    previewError: null,
    starting: false,
    startError: null,
    reports: {},

    forWorkspace(workspaceId) {
      if (get().workspaceId === workspaceId) return;
      dropPending();
      set({
        workspaceId,
        jobs: [],
        jobsLoaded: false,
        jobsError: null,
        step: { kind: 'choose', problem: null },
        draft: initialDraft(),
        previewing: false,
        previewError: null,
        starting: false,
        startError: null,
        reports: {},
      });
    },

    async loadJobs() {
      const seq = ++jobsSeq;
      const result = await engine.invoke('import:jobs', {});
      if (seq !== jobsSeq) return;
      if (!result.ok) set({ jobsError: errorMessage(result.error), jobsLoaded: true });
      else {
        // Events that arrived meanwhile may be newer than the list: keep the newest of each.
        let jobs = result.data;
        for (const job of get().jobs) {
          if (result.data.some((j) => j.id === job.id)) jobs = upsertJob(jobs, job);
        }
        set({ jobs, jobsError: null, jobsLoaded: true });
      }
    },

    receive(job) {
      set((state) => ({ jobs: upsertJob(state.jobs, job) }));
    },

    chooseFile(file) {
      const problem = fileProblem(file);
      if (problem) {
        dropPending();
        set({ step: { kind: 'choose', problem }, previewing: false });
        return;
      }
      dropPending();
      const started = uploadFile(file, ({ loaded }) => {
        const step = get().step;
        if (upload === started && step.kind === 'upload') set({ step: { ...step, loaded } });
      });
      upload = started;
      set({
        step: { kind: 'upload', name: file.name, size: file.size, loaded: 0, reading: false },
        draft: { ...initialDraft(), defaultCountry: get().draft.defaultCountry },
        previewError: null,
        startError: null,
      });
      void started.done.then((result) => {
        if (upload !== started) return;
        upload = null;
        const step = get().step;
        if (step.kind !== 'upload') return;
        if (!result.ok) {
          set({ step: { kind: 'choose', problem: errorMessage(result.error) } });
          return;
        }
        set({ step: { ...step, loaded: step.size, reading: true } });
        const { defaultCountry } = get().draft;
        void askPreview(result.data.id, defaultCountry ? { defaultCountry } : {});
      });
    },

    cancelUpload() {
      dropPending();
      set({ step: { kind: 'choose', problem: null }, previewing: false });
    },

    setMapping(header, target) {
      set((state) => ({
        draft: { ...state.draft, mapping: { ...state.draft.mapping, [header]: target } },
      }));
      schedulePreview();
    },

    setDraft(change) {
      const before = get().draft.defaultCountry;
      set((state) => ({ draft: { ...state.draft, ...change } }));
      if (change.defaultCountry !== undefined && change.defaultCountry !== before)
        schedulePreview();
    },

    async start() {
      const preview = currentPreview();
      if (!preview || get().starting) return;
      const { mapping, defaultCountry, dedupe, owner, tags } = get().draft;
      set({ starting: true, startError: null });
      const result = await engine.invoke('import:start', {
        fileId: preview.file.id,
        mapping,
        options: {
          dedupe,
          ...(defaultCountry ? { defaultCountry } : {}),
          owner:
            owner === 'me' || owner === 'none' ? { kind: owner } : { kind: 'user', userId: owner },
          tags,
        },
      });
      if (!result.ok) {
        set({ starting: false, startError: errorMessage(result.error) });
        return;
      }
      set((state) => ({
        starting: false,
        jobs: upsertJob(state.jobs, result.data),
        step: { kind: 'job', jobId: result.data.id },
      }));
    },

    openJob(jobId) {
      dropPending();
      set({ step: { kind: 'job', jobId }, previewing: false });
    },

    startOver() {
      dropPending();
      set((state) => ({
        step: { kind: 'choose', problem: null },
        draft: { ...initialDraft(), defaultCountry: state.draft.defaultCountry },
        previewing: false,
        previewError: null,
        startError: null,
      }));
    },

    async cancelJob(jobId) {
      const result = await engine.invoke('import:cancel', { jobId });
      if (!result.ok) return errorMessage(result.error);
      get().receive(result.data);
      return null;
    },

    async loadReport(jobId) {
      const current = get().reports[jobId];
      if (current && current.status !== 'error') return;
      set((state) => ({ reports: { ...state.reports, [jobId]: { status: 'loading' } } }));
      const result = await engine.invoke('import:errorReport', { jobId });
      set((state) => ({
        reports: {
          ...state.reports,
          [jobId]: result.ok
            ? { status: 'ready', file: result.data }
            : { status: 'error', message: errorMessage(result.error) },
        },
      }));
    },
  };
});

let watchers = 0;
let unwatch: (() => void)[] = [];

/**
 * Keeps the job list current while something on screen shows it: progress events, and the whole
 * list again on each (re)connection. Returns the function that stops watching.
 */
export function watchJobs(): () => void {
  watchers += 1;
  if (watchers === 1) {
    unwatch = [
      engine.on('import:progress', (job) => useImport.getState().receive(job)),
      engine.onConnection((state) => {
        if (state === 'open') void useImport.getState().loadJobs();
      }),
    ];
  }
  void useImport.getState().loadJobs();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    watchers -= 1;
    if (watchers === 0) {
      for (const off of unwatch) off();
      unwatch = [];
    }
  };
}
