// Who may import whom, enforced by ESLint (see ARCHITECTURE.md, "Layers").
// Each block names the files it governs and the imports they must not make. The test
// tooling/layering.test.ts proves every rule fails on a violation.

const APPS = {
  regex: '^@sdr/(desktop|sync-server)(/|$)|(^|/)apps/',
  message: 'Packages never import apps.',
};
const NODE_BUILTINS = {
  regex: '^node:|^(fs|path|os|child_process|net|http|https|crypto|worker_threads|process)$',
  message: 'This layer runs without Node: no Node built-ins.',
};

/** @param {string[]} files @param {Array<{regex: string, message: string}>} patterns */
function restrict(files, patterns, ignores = []) {
  return {
    files,
    ignores,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

// The pure libraries packages/domain may use (lead values, src/lead), each by one entry only:
// libphonenumber-js with its `max` metadata (one metadata set per process), and the data files of
// i18n-iso-countries (its JS entry registers all ~80 languages under Node); luxon for time-zone
// arithmetic (business hours, SLA, quiet hours: src/inbox), pure on top of Intl.
const DOMAIN_LIBS = [
  'libphonenumber-js/max',
  'luxon',
  'countries-and-timezones',
  'i18n-iso-countries/codes\\.json',
  'i18n-iso-countries/langs/[a-z]{2}\\.json',
];

export const layering = [
  // packages/domain: pure rules; imports only @sdr/schema (types and zod), the DOMAIN_LIBS above,
  // plus test tools in tests.
  restrict(
    ['packages/domain/src/**/*.ts'],
    [
      {
        regex: `^(?!@sdr/schema$|\\.{1,2}/|(?:${DOMAIN_LIBS.join('|')})$)`,
        message:
          'packages/domain imports only @sdr/schema, its own files and the pure libraries in DOMAIN_LIBS (tooling/layering.js).',
      },
      APPS,
    ],
    ['**/*.test.ts'],
  ),
  restrict(
    ['packages/domain/src/**/*.test.ts'],
    [
      {
        regex: '^(?!@sdr/schema$|\\.{1,2}/|vitest$|fast-check$)',
        message: 'domain tests import only @sdr/schema, vitest and fast-check.',
      },
      APPS,
    ],
  ),
  // packages/ui: React components; only react and its own deps.
  restrict(
    ['packages/ui/src/**/*.{ts,tsx}'],
    [
      { regex: '^@sdr/', message: 'packages/ui imports only react and its own deps.' },
      { regex: '^zod$|^zustand', message: 'packages/ui imports only react and its own deps.' },
      APPS,
      NODE_BUILTINS,
    ],
  ),
  // packages/schema: what data is; never domain, ui or apps.
  restrict(
    ['packages/schema/src/**/*.ts'],
    [
      { regex: '^@sdr/(domain|ui)$', message: 'packages/schema must not import domain or ui.' },
      APPS,
    ],
  ),
  // The renderer reaches the engine only through the typed contract in src/shared.
  restrict(
    ['apps/desktop/src/renderer/**/*.{ts,tsx}'],
    [
      {
        regex: '(^|/)(engine|main|preload)(/|$)',
        message: 'The renderer never imports engine, main or preload code; use the contract.',
      },
      {
        regex: '^(electron|better-sqlite3|drizzle-orm|ws)(/|$)|^@sdr/sync-server',
        message:
          'The renderer runs in a sandboxed page: no Electron, SQLite, server or socket libraries.',
      },
      NODE_BUILTINS,
    ],
  ),
  // The engine is plain Node: no Electron (the thin adapter lives in src/main), no renderer code.
  restrict(
    ['apps/desktop/src/engine/**/*.ts'],
    [
      {
        regex: '^electron(/|$)',
        message: 'The engine runs without Electron; Electron code lives in src/main.',
      },
      {
        regex: '(^|/)(renderer|main|preload)(/|$)',
        message: 'The engine never imports renderer or main code.',
      },
      { regex: '^@sdr/ui$|^react', message: 'The engine has no UI.' },
    ],
  ),
  // Shared contract: types and zod only.
  restrict(
    ['apps/desktop/src/shared/**/*.ts'],
    [
      {
        regex: '(^|/)(renderer|main|preload|engine)(/|$)',
        message: 'src/shared is imported by all; it imports none of them.',
      },
      {
        regex: '^(electron|better-sqlite3|react)(/|$)',
        message: 'src/shared holds the contract only.',
      },
      NODE_BUILTINS,
    ],
  ),
  // The sync server never reaches into the desktop app or the UI.
  restrict(
    ['apps/sync-server/src/**/*.ts'],
    [
      {
        regex: '^@sdr/(desktop|ui)$|(^|/)desktop/',
        message: 'The sync server never imports the desktop app or ui.',
      },
    ],
  ),
];
