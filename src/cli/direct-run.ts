/** Whether a module was started as the program (`tsx src/cli/x.ts`) rather than imported (tests). */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function isDirectRun(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
