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
    ['packages/ui/src/Button.tsx', "import { useState } from 'react';"],
    ['apps/desktop/src/renderer/App.tsx', "import { contract } from '../shared/contract.ts';"],
    ['apps/desktop/src/renderer/App.tsx', "import { Button } from '@sdr/ui';"],
    ['apps/desktop/src/engine/db.ts', "import Database from 'better-sqlite3';"],
    ['apps/sync-server/src/app.ts', "import { ROLES } from '@sdr/schema';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});
