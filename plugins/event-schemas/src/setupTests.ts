import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The pages load lazily and render material-table and MUI in jsdom, which
// takes seconds on a busy 2-core machine (as CI runs every suite at once):
// waits and tests get room for that, so that load does not fail them.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);

// jsdom does no layout, and CodeMirror (the schema editor) measures text
// ranges after every edit; without these it throws from a timer.
Range.prototype.getClientRects = () =>
  Object.assign([], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => new DOMRect();
