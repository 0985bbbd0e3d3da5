import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { layering } from './layering.js';

// Lints source text as if it lived at `filePath`, with only the layering rules.
async function violations(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: new URL('..', import.meta.url).pathname,
    overrideConfigFile: true,
    overrideConfig: [
      { languageOptions: { parser: (await import('typescript-eslint')).parser } },
      ...layering,
    ],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint rules', () => {
  it.each([
    ['packages/domain/src/x.ts', "import { z } from 'zod';"],
    ['packages/domain/src/x.ts', "import { App } from '@sdr/sync-server';"],
    ['packages/domain/src/x.ts', "import fs from 'node:fs';"],
    // Lead-value libraries: only the listed entries.
    ['packages/domain/src/lead/x.ts', "import { parsePhoneNumber } from 'libphonenumber-js';"],
    ['packages/domain/src/lead/x.ts', "import { parsePhoneNumber } from 'libphonenumber-js/min';"],
    ['packages/domain/src/lead/x.ts', "import countries from 'i18n-iso-countries';"],
    ['packages/domain/src/lead/x.ts', "import x from 'i18n-iso-countries/entry-node.js';"],
    ['packages/domain/src/lead/x.ts', "import ct from 'countries-and-timezones/dist/index.js';"],
    ['packages/domain/src/lead/x.ts', "import x from 'libphonenumber-js/max/extra';"],
    ['packages/domain/src/lead/x.ts', "import Papa from 'papaparse';"],
    ['packages/domain/src/inbox/x.ts', "import { DateTime } from 'luxon/src/luxon.js';"],
    ['packages/ui/src/Button.tsx', "import { can } from '@sdr/domain';"],
    [
      'packages/ui/src/Button.tsx',
      "import { x } from '../../../apps/desktop/src/shared/contract.ts';",
    ],
    ['packages/schema/src/x.ts', "import { can } from '@sdr/domain';"],
    ['packages/schema/src/x.ts', "import { start } from '@sdr/sync-server';"],
    ['apps/desktop/src/renderer/App.tsx', "import { openDb } from '../engine/db.ts';"],
    ['apps/desktop/src/renderer/App.tsx', "import { createWindow } from '../main/window.ts';"],
    ['apps/desktop/src/renderer/App.tsx', "import { ipcRenderer } from 'electron';"],
    ['apps/desktop/src/renderer/App.tsx', "import Database from 'better-sqlite3';"],
    ['apps/desktop/src/engine/db.ts', "import { app } from 'electron';"],
    ['apps/desktop/src/engine/db.ts', "import { App } from '../renderer/App.tsx';"],
    ['apps/desktop/src/shared/contract.ts', "import { x } from '../engine/db.ts';"],
    ['apps/sync-server/src/app.ts', "import { contract } from '@sdr/desktop';"],
  ])('%s: %s is refused', async (file, code) => {
    const found = await violations(file, code);
    expect(found.length).toBeGreaterThan(0);
    for (const message of found) expect(message).toMatch(/^no-restricted-imports/);
  });

  it.each([
    ['packages/domain/src/x.ts', "import type { RoleName } from '@sdr/schema';"],
    ['packages/domain/src/x.test.ts', "import { it } from 'vitest';"],
    [
      'packages/domain/src/lead/phone.ts',
      "import { isValidPhoneNumber } from 'libphonenumber-js/max';",
    ],
    [
      'packages/domain/src/lead/timezone.ts',
      "import { getCountry } from 'countries-and-timezones';",
    ],
    [
      'packages/domain/src/lead/country.ts',
      "import codes from 'i18n-iso-countries/codes.json' with { type: 'json' };",
    ],
    [
      'packages/domain/src/lead/country.ts',
      "import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };",
    ],
    ['packages/domain/src/inbox/sla.ts', "import { DateTime } from 'luxon';"],
    ['packages/ui/src/Button.tsx', "import { useState } from 'react';"],
    ['apps/desktop/src/renderer/App.tsx', "import { contract } from '../shared/contract.ts';"],
    ['apps/desktop/src/renderer/App.tsx', "import { Button } from '@sdr/ui';"],
    ['apps/desktop/src/engine/db.ts', "import Database from 'better-sqlite3';"],
    ['apps/sync-server/src/app.ts', "import { ROLES } from '@sdr/schema';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});
