import '@testing-library/jest-dom';

// jsdom does no layout, and CodeMirror (the schema editor) measures text
// ranges after every edit; without these it throws from a timer.
Range.prototype.getClientRects = () =>
  Object.assign([], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => new DOMRect();
